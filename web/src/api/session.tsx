/**
 * Who is signed in, and what they may do. The session (GET /api/session) gives the user and the
 * CSRF token; GET /api/me gives each space's grants. `can(permission, scope)` answers with the
 * server's own rule (src/core/model/permissions.ts), so what a page hides or disables is exactly
 * what the API would refuse; the API refuses it anyway.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import {
  allows,
  type AccessScope,
  type Grant,
  type Permission,
} from '../../../src/core/model/permissions.js';
import { ApiError, get, request, setCsrfToken } from './client.js';

/** The signed-in user as GET /api/session answers. */
export interface SessionUser {
  id: string;
  name: string;
  isAdmin: boolean;
}

/** GET /api/session and POST /api/session answer this. */
export interface SessionView {
  user: SessionUser;
  csrfToken: string;
  expiresAt: string;
}

/** One space of GET /api/me. */
export interface MeSpace {
  id: string;
  name: string;
  grants: Grant[];
  permissions: Permission[];
}

/** GET /api/me. */
export interface MeView extends SessionUser {
  spaces: MeSpace[];
}

/** Whether something is allowed, and if not, why (for a disabled button's explanation). */
export interface Allowed {
  allowed: boolean;
  reason?: string;
}

interface SessionContextValue {
  session: SessionView | undefined;
  me: MeView | undefined;
  loading: boolean;
  /** Whether the user may do `permission` in `space` (id or name) within `scope`. */
  can(space: string, permission: Permission, scope?: AccessScope): Allowed;
  /** Signs in with a name and password, or an API key; throws ApiError when refused. */
  signIn(credentials: { username: string; password: string } | { apiKey: string }): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

async function readSession(): Promise<SessionView | null> {
  try {
    const session = await get<SessionView>('/api/session');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(undefined);
      return null;
    }
    throw error;
  }
}

/** Provides the session to the app (wrap the router in it). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const sessionQuery = useQuery({ queryKey: ['session'], queryFn: readSession, staleTime: 60_000 });
  const session = sessionQuery.data ?? undefined;
  const meQuery = useQuery({
    queryKey: ['me', session?.user.id],
    queryFn: () => get<MeView>('/api/me'),
    enabled: session !== undefined,
    staleTime: 30_000,
  });

  const signIn = useCallback(
    async (credentials: { username: string; password: string } | { apiKey: string }) => {
      const answer = await request<SessionView>('POST', '/api/session', { body: credentials });
      setCsrfToken(answer.data.csrfToken);
      // Not client.clear(): that would drop the session query this provider observes, and its
      // observer would never see the new session. Everything else belonged to whoever was here.
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
      client.setQueryData(['session'], answer.data);
    },
    [client],
  );

  const signOut = useCallback(async () => {
    try {
      await request('DELETE', '/api/session');
    } finally {
      setCsrfToken(undefined);
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
      client.setQueryData(['session'], null);
    }
  }, [client]);

  const me = meQuery.data;
  const can = useCallback(
    (space: string, permission: Permission, scope: AccessScope = {}): Allowed => {
      if (!me) return { allowed: false, reason: 'Loading your permissions…' };
      const found = me.spaces.find((s) => s.id === space || s.name.toLowerCase() === space.toLowerCase());
      if (found && allows(found.grants, permission, scope)) return { allowed: true };
      return {
        allowed: false,
        reason: `You do not have the permission ${permission} here; ask an administrator to grant it to one of your teams.`,
      };
    },
    [me],
  );

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      me,
      loading: sessionQuery.isPending || (session !== undefined && meQuery.isPending),
      can,
      signIn,
      signOut,
    }),
    [session, me, sessionQuery.isPending, meQuery.isPending, can, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session context; only inside SessionProvider. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession is used outside SessionProvider');
  return value;
}
