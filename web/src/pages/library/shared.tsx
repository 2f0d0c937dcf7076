/**
 * What the library's pages share beyond the resource forms (components/resource-form.tsx): the
 * section's side navigation, tag badges and the delete button that asks once more.
 */
import { useState, type ReactNode } from 'react';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { SectionLayout } from '../../components/SectionNav.js';

/** The library's pages, in the side navigation's order (`variable-sets` is the variables area's page). */
export const LIBRARY_PAGES = [
  ['environments', 'Environments'],
  ['lifecycles', 'Lifecycles'],
  ['tenants', 'Tenants'],
  ['tag-sets', 'Tag sets'],
  ['feeds', 'Feeds'],
  ['variable-sets', 'Variable sets'],
] as const;

/** A library page inside the section's side navigation (other areas' library pages may use it too). */
export function LibrarySection({ space, children }: { space: string; children: ReactNode }) {
  const links = LIBRARY_PAGES.map(([page, label]) => ({ to: paths.library(space, page), label }));
  return (
    <SectionLayout label="Library" links={links}>
      {children}
    </SectionLayout>
  );
}

/** A small coloured tag `Set/Tag`. */
export function TagBadge({ tag }: { tag: string }) {
  return <span className="badge tone-neutral library-tag">{tag}</span>;
}

/** A delete button that asks once more ("Delete Dev? Yes, delete / Keep it") before it acts. */
export function ConfirmDelete({
  what,
  onConfirm,
  busy,
  disabledReason,
}: {
  what: string;
  onConfirm: () => void;
  busy?: boolean;
  disabledReason?: string | undefined;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button variant="danger" disabledReason={disabledReason} onClick={() => setAsking(true)}>
        Delete
      </Button>
    );
  }
  return (
    <span className="library-confirm" role="group" aria-label={`Delete ${what}?`}>
      <span>Delete {what}?</span>
      <Button variant="danger" busy={busy ?? false} onClick={onConfirm} autoFocus>
        Yes, delete {what}
      </Button>
      <Button onClick={() => setAsking(false)}>Keep it</Button>
    </span>
  );
}
