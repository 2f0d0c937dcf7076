/** Small building blocks every page uses: headers, empty states, loading, state badges, times. */
import type { ReactNode } from 'react';
import { stateLook } from '../lib/states.js';
import { relativeTime } from '../lib/time.js';

/** A page's title (the one h1) with its actions on the right. */
export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** What a list shows when it has nothing, and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

/** A polite loading line (announced to screen readers). */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

/** A deployment state as a coloured word. */
export function StateBadge({ state }: { state: string }) {
  const look = stateLook(state);
  return <span className={`badge tone-${look.tone}`}>{look.label}</span>;
}

/** A time as "5 minutes ago", the exact time in the tooltip and for machines. */
export function Time({ iso }: { iso: string | undefined | null }) {
  if (!iso) return null;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {relativeTime(iso)}
    </time>
  );
}
