/**
 * Configuration › Teams and roles: the space's teams, and one team's members and grants (a role,
 * optionally limited to projects, environments and tenants). What each role may do is in
 * docs/security.md; the roles' names say it in short.
 */
import { Link, useNavigate, useParams } from 'react-router';
import { spacePath } from '../../api/client.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Loading, PageHeader } from '../../components/common.js';
import {
  AddLink,
  ListState,
  ListTable,
  EditForm,
  useAllowed,
  useFormFrom,
  useSaveForm,
} from '../../components/resource-form.js';
import { grantLabel, type TeamGrantJson, type TeamJson } from './admin-logic.js';
import { CheckList, nameLookup, EDIT_FORM, useClient, useNamed, type Page } from './shared.js';
import { useUsers } from './UsersPage.js';

const ROLE_WORDS: Record<TeamGrantJson['role'], string> = {
  viewer: 'Viewer: sees everything but users and the audit log',
  deployer: 'Deployer: a viewer who also creates releases, deploys, answers interventions and cancels',
  'project-contributor': 'Project contributor: a deployer who also edits projects and library variable sets',
  administrator: 'Administrator: everything',
};

/** The list of teams. */
export function TeamsPage() {
  const space = useSpace();
  usePageTitle('Teams and roles');
  const teams = useApi<Page<TeamJson>>(spacePath(space, 'teams') + '?limit=500');
  const edit = useAllowed(space, 'team.edit');
  const userView = useAllowed(space, 'user.view');
  const users = useUsers(userView.allowed);
  const envs = useNamed('environments');
  const projects = useNamed('projects');
  const tenants = useNamed('tenants');
  const nameOf = nameLookup(users.data?.items, envs.data?.items, projects.data?.items, tenants.data?.items);
  return (
    <>
      <PageHeader
        title="Teams and roles"
        subtitle="Teams grant their members roles, everywhere or only in some projects, environments and tenants."
        actions={
          <AddLink
            to={paths.configuration(space, 'teams/new')}
            label="Add team"
            edit={edit}
            denied="button"
          />
        }
      />
      <ListState list={teams} loading="Loading teams" empty="No teams yet.">
        Add a team, its members and the roles it grants them.
      </ListState>
      <ListTable
        items={teams.data?.items}
        columns={['Team', 'Members', 'Grants']}
        row={(t) => (
          <tr key={t.id}>
            <td>
              <Link to={paths.configuration(space, `teams/${encodeURIComponent(t.id)}`)}>{t.name}</Link>
            </td>
            <td>
              {t.members.length === 0 ? (
                <span className="muted">None</span>
              ) : (
                t.members.map(nameOf).join(', ')
              )}
            </td>
            <td>
              {t.grants.length === 0 ? (
                <span className="muted">None</span>
              ) : (
                <ul className="admin-plain-list">
                  {t.grants.map((g, i) => (
                    <li key={i}>{grantLabel(g, nameOf)}</li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        )}
      />
    </>
  );
}

interface TeamForm {
  name: string;
  description: string;
  members: string[];
  grants: TeamGrantJson[];
}

const emptyGrant = (): TeamGrantJson => ({ role: 'viewer', projects: [], environments: [], tenants: [] });

/** One team: create (`:id` = new) or edit. */
export function TeamEditPage() {
  const space = useSpace();
  const id = useParams().id ?? 'new';
  const isNew = id === 'new';
  const navigate = useNavigate();
  const client = useClient();
  const collection = spacePath(space, 'teams');
  const team = useApi<TeamJson>(isNew ? undefined : `${collection}/${encodeURIComponent(id)}`);
  const stored = team.data;
  usePageTitle(stored ? `Team ${stored.name}` : 'New team');
  const edit = useAllowed(space, 'team.edit');
  const userView = useAllowed(space, 'user.view');
  const users = useUsers(userView.allowed);
  const envs = useNamed('environments');
  const projects = useNamed('projects');
  const tenants = useNamed('tenants');
  const [form, setForm] = useFormFrom<TeamJson, TeamForm>(
    stored,
    (t) => ({ name: t.name, description: t.description ?? '', members: t.members, grants: t.grants }),
    () => ({ name: '', description: '', members: [], grants: [] }),
  );
  const setGrant = (i: number, patch: Partial<TeamGrantJson>) =>
    setForm((f) => ({ ...f, grants: f.grants.map((g, j) => (j === i ? { ...g, ...patch } : g)) }));

  const { save, saved, errors, submit } = useSaveForm<TeamJson>({
    collection,
    current: stored,
    root: 'team',
    toDocument: () => ({ ...form, name: form.name.trim() }),
    onCreated: (created) =>
      void navigate(paths.configuration(space, `teams/${encodeURIComponent(created.id)}`)),
    onSaved: () => client.invalidateQueries({ queryKey: ['me'] }),
  });
  const readOnly = edit.allowed ? undefined : edit.reason;
  // Members stored by id; without user.view only the ids can be shown.
  const userOptions = users.data?.items ?? form.members.map((m) => ({ id: m, name: m }));

  return (
    <>
      <PageHeader
        title={stored ? `Team ${stored.name}` : 'New team'}
        subtitle={<Link to={paths.configuration(space, 'teams')}>All teams</Link>}
      />
      {!isNew && team.isPending ? <Loading what="Loading the team" /> : null}
      <ErrorMessage error={team.error} />
      {isNew || stored ? (
        <EditForm
          {...EDIT_FORM}
          legend="Team"
          edit={edit}
          onSubmit={submit}
          save={save}
          saved={saved && !isNew}
          hasFieldErrors={Object.keys(errors).length > 0}
          onReload={() => void team.refetch()}
          submitLabel={isNew ? 'Create team' : 'Save'}
        >
          <Field label="Name" required error={errors.name}>
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Description" error={errors.description}>
            <input
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </Field>
          <CheckList
            legend="Members"
            hint={userView.allowed ? undefined : 'Only administrators see user names.'}
            options={userOptions}
            value={form.members}
            onChange={(members) => setForm({ ...form, members })}
            error={errors.members}
          />
          <h2>Grants</h2>
          {form.grants.length === 0 ? <p className="muted">No grants: members may do nothing yet.</p> : null}
          {form.grants.map((g, i) => (
            <fieldset key={i} className="admin-grant">
              <legend>Grant {i + 1}</legend>
              <Field label={`Role of grant ${i + 1}`} error={errors[`grants[${i}].role`]}>
                <select
                  value={g.role}
                  onChange={(e) => setGrant(i, { role: e.target.value as TeamGrantJson['role'] })}
                >
                  {Object.entries(ROLE_WORDS).map(([role, words]) => (
                    <option key={role} value={role}>
                      {words}
                    </option>
                  ))}
                </select>
              </Field>
              <div className="admin-grant-scopes">
                <CheckList
                  legend="Only in projects"
                  options={projects.data?.items ?? []}
                  value={g.projects}
                  onChange={(projects) => setGrant(i, { projects })}
                />
                <CheckList
                  legend="Only in environments"
                  options={envs.data?.items ?? []}
                  value={g.environments}
                  onChange={(environments) => setGrant(i, { environments })}
                />
                <CheckList
                  legend="Only for tenants"
                  options={tenants.data?.items ?? []}
                  value={g.tenants}
                  onChange={(tenants) => setGrant(i, { tenants })}
                />
              </div>
              {readOnly === undefined ? (
                <Button
                  variant="link"
                  onClick={() => setForm((f) => ({ ...f, grants: f.grants.filter((_, j) => j !== i) }))}
                >
                  Remove grant {i + 1}
                </Button>
              ) : null}
            </fieldset>
          ))}
          {readOnly === undefined ? (
            <Button onClick={() => setForm((f) => ({ ...f, grants: [...f.grants, emptyGrant()] }))}>
              Add grant
            </Button>
          ) : null}
        </EditForm>
      ) : null}
    </>
  );
}
