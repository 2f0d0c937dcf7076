/**
 * What the Infrastructure and Configuration pages share beyond the resource forms
 * (components/resource-form.tsx): their side navigations, their edit forms' look and words, and
 * pickers of the space's environments, tenants and projects.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode } from 'react';
import { Outlet } from 'react-router';
import { spacePath, withQuery } from '../../api/client.js';
import { useApi, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { SectionLayout } from '../../components/SectionNav.js';

/** Infrastructure's pages, in the side navigation's order. */
export const INFRASTRUCTURE_PAGES = [
  ['aws-accounts', 'AWS accounts'],
  ['ecs-targets', 'ECS cluster targets'],
  ['workers', 'Workers'],
] as const;

/** Configuration's pages, in the side navigation's order. */
export const CONFIGURATION_PAGES = [
  ['users', 'Users'],
  ['teams', 'Teams and roles'],
  ['api-keys', 'API keys'],
  ['audit', 'Audit log'],
  ['as-code', 'Configuration as code'],
] as const;

/** The Infrastructure section: its side navigation and the page. */
export function InfrastructureSection() {
  const space = useSpace();
  const links = INFRASTRUCTURE_PAGES.map(([page, label]) => ({
    to: paths.infrastructure(space, page),
    label,
  }));
  return (
    <SectionLayout label="Infrastructure" links={links}>
      <Outlet />
    </SectionLayout>
  );
}

/** The Configuration section: its side navigation and the page. */
export function ConfigurationSection() {
  const space = useSpace();
  const links = CONFIGURATION_PAGES.map(([page, label]) => ({ to: paths.configuration(space, page), label }));
  return (
    <SectionLayout label="Configuration" links={links}>
      <Outlet />
    </SectionLayout>
  );
}

/** EditForm's look and words in these sections (the library's differ). */
export const EDIT_FORM = {
  className: 'card admin-form',
  fieldsetClassName: 'admin-plain',
  fieldErrorsMessage: 'Not saved: fix the fields marked above.',
  conflictMessage:
    'Someone changed this since you opened it, so your change was not saved. Reload to see theirs, then make yours again.',
};

/** The query client (re-exported so pages import one module). */
export const useClient = useQueryClient;

/** `{ items }` of a list. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Something with an id and a name. */
export interface Named {
  id: string;
  name: string;
}

/** The first 500 of a space's collection (environments, tenants, projects, aws-accounts...). */
export function useNamed(plural: string) {
  const space = useSpace();
  return useApi<Page<Named>>(withQuery(spacePath(space, plural), { limit: 500 }));
}

/** id → name over some lists, for showing stored references by name. */
export function nameLookup(...lists: (Named[] | undefined)[]): (id: string) => string {
  const map = new Map<string, string>();
  for (const list of lists) for (const item of list ?? []) map.set(item.id, item.name);
  return (id) => map.get(id) ?? id;
}

/** A group of checkboxes choosing ids from `options` (a fieldset with a legend). */
export function CheckList({
  legend,
  hint,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  hint?: ReactNode;
  options: Named[];
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string | undefined;
}) {
  return (
    <fieldset className={`admin-checklist${error ? ' field-invalid' : ''}`}>
      <legend>{legend}</legend>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {options.length === 0 ? <p className="muted">None in this space yet.</p> : null}
      <ul>
        {options.map((o) => (
          <li key={o.id}>
            <label>
              <input
                type="checkbox"
                checked={value.includes(o.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...value, o.id] : value.filter((id) => id !== o.id))
                }
              />{' '}
              {o.name}
            </label>
          </li>
        ))}
      </ul>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
