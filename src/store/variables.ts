/**
 * Variable sets: a project's or library set's variables, and a tenant's template values, in one
 * table. A set is read a page at a time and replaced whole under the owner's `variablesVersion`
 * (a stale version is CONFLICT), so two people editing the same variables never lose a change.
 * Sensitive values are encrypted (AES-256-GCM) and read back as `{ set }`.
 */
import type { Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Page } from '../core/model/page.js';
import type { StoredTenantVariable, StoredVariable } from '../core/model/variable.js';
import type { ScopedVariable } from '../core/variables/types.js';
import type { Actor } from './audit.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** A page of a variable set with the set's version (send it back in If-Match to replace). */
export interface VariablePage<T> extends Page<T> {
  variablesVersion: number;
}

/** What a replace did (or would do, for a dry run). */
export interface VariableSetChange {
  variablesVersion: number;
  changed: boolean;
  added: number;
  updated: number;
  removed: number;
}

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'The variables repository is not built yet.');
}

/** Variable sets over `db`. The owner is a project, library set (variables) or tenant (template values). */
export function variablesRepository(db: Kysely<Database>, secrets: SecretBox) {
  void db;
  void secrets;
  return {
    /** One page of the owner's variables in (name, id) order; query: limit, cursor, name (substring). */
    async list(spaceId: string, ownerId: string, query: unknown): Promise<VariablePage<StoredVariable>> {
      void [spaceId, ownerId, query];
      return notBuilt();
    },
    /** Replaces the owner's variables if the set is still at `expectedVersion` (else CONFLICT). */
    async replace(
      spaceId: string,
      ownerId: string,
      input: unknown,
      expectedVersion: number | undefined,
      by: Actor,
      options?: { dryRun?: boolean },
    ): Promise<VariableSetChange> {
      void [spaceId, ownerId, input, expectedVersion, by, options];
      return notBuilt();
    },
    /** One page of a tenant's template values. */
    async listTenantValues(
      spaceId: string,
      tenantId: string,
      query: unknown,
    ): Promise<VariablePage<StoredTenantVariable>> {
      void [spaceId, tenantId, query];
      return notBuilt();
    },
    /** Replaces a tenant's template values (templates must exist on the project / library set). */
    async replaceTenantValues(
      spaceId: string,
      tenantId: string,
      input: unknown,
      expectedVersion: number | undefined,
      by: Actor,
      options?: { dryRun?: boolean },
    ): Promise<VariableSetChange> {
      void [spaceId, tenantId, input, expectedVersion, by, options];
      return notBuilt();
    },
    /** Every variable of the owner, decrypted, as resolution takes them (the deployment engine; never the API). */
    async snapshot(spaceId: string, ownerId: string): Promise<ScopedVariable[]> {
      void [spaceId, ownerId];
      return notBuilt();
    },
  };
}

/** A variables repository's type. */
export type VariablesRepository = ReturnType<typeof variablesRepository>;
