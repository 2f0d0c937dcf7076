/**
 * The benchmarks' seeded space (bench:server, bench:dashboard): 10 environments, 50 projects
 * (`project-00`..`project-49`), 1,000 tenants (each connected to 5 projects in the first 3
 * environments, tagged Tier/Gold or Tier/Silver) and a deployment history inserted in bulk (the
 * release service would take minutes): three releases per project, each deployed untenanted to every
 * environment and to every connected tenant × environment (46,500 deployments), the newest release
 * failed. bench:server adds its project variables through `onProject`.
 */
import { sql } from 'kysely';
import { RESOURCE_KINDS } from '../src/core/model/kinds/index.js';
import type { Actor } from '../src/store/audit.js';
import type { Store } from '../src/store/database.js';
import { environmentsRepository } from '../src/store/environments.js';
import { resourcesRepository } from '../src/store/resources.js';
import type { SecretBox } from '../src/store/secrets.js';
import { testSecrets } from '../test/kits/secrets.js';

export const ENVIRONMENTS = 10;
export const PROJECTS = 50;
export const TENANTS = 1_000;
const RELEASES_PER_PROJECT = 3;
export const SPACE = 'Spaces-1';
export const BY: Actor = { actor: 'bench' };

/** What seedSpace made. */
export interface SeededSpace {
  /** The middle project's id. */
  projectId: string;
  /** The middle tenant's id. */
  tenantId: string;
  deployments: number;
}

export interface SeedOptions {
  /** How many days before now the newest release was deployed (default 0). */
  newestAgeDays?: number;
  /** Called after each project is created (its index from 0). */
  onProject?: (projectId: string, index: number, secrets: SecretBox) => Promise<void>;
}

/** Seeds the space (see the module doc). */
export async function seedSpace(store: Store, options: SeedOptions = {}): Promise<SeededSpace> {
  const secrets = testSecrets();
  const envs = environmentsRepository(store.db);
  const resources = (kind: keyof typeof RESOURCE_KINDS) =>
    resourcesRepository(store.db, secrets, RESOURCE_KINDS[kind]);
  const envNames: string[] = [];
  for (let i = 0; i < ENVIRONMENTS; i++) {
    envNames.push(`Env ${i}`);
    await envs.create(SPACE, { name: `Env ${i}` }, BY);
  }
  await resources('tag-set').create(
    SPACE,
    { name: 'Tier', tags: [{ name: 'Gold' }, { name: 'Silver' }] },
    BY,
  );
  await resources('lifecycle').create(SPACE, { name: 'Standard', phases: [] }, BY);
  const projectIds: string[] = [];
  for (let p = 0; p < PROJECTS; p++) {
    const project = await resources('project').create(
      SPACE,
      { name: `project-${String(p).padStart(2, '0')}`, lifecycle: 'Standard', tenantedMode: 'both' },
      BY,
    );
    projectIds.push(project.id);
    await options.onProject?.(project.id, p, secrets);
  }
  let tenantId = '';
  for (let t = 0; t < TENANTS; t++) {
    const tenant = await resources('tenant').create(
      SPACE,
      {
        name: `tenant-${String(t).padStart(4, '0')}`,
        tags: [t % 2 ? 'Tier/Gold' : 'Tier/Silver'],
        projects: Array.from({ length: 5 }, (_, k) => ({
          project: projectIds[(t + k) % PROJECTS]!,
          environments: envNames.slice(0, 3),
        })),
      },
      BY,
    );
    if (t === TENANTS / 2) tenantId = tenant.id;
  }
  const deployments = await seedHistory(store, options.newestAgeDays ?? 0);
  return { projectId: projectIds[PROJECTS / 2]!, tenantId, deployments };
}

/** The releases and deployments (see the module doc); answers how many deployments. */
async function seedHistory(store: Store, newestAgeDays: number): Promise<number> {
  await sql`
    insert into releases (id, space_id, project_id, channel_id, version, packages, process_snapshot, created_by, created_at)
    select 'Releases-' || p.id || '-' || r, ${SPACE}, p.id, c.id, '1.0.' || r, '[]'::jsonb, '{}'::jsonb, 'bench',
           now() - make_interval(days => ${RELEASES_PER_PROJECT + newestAgeDays} - r)
      from resources p
      join resources c on c.kind = 'channel' and c.parent_id = p.id
      cross join generate_series(1, ${RELEASES_PER_PROJECT}) r
     where p.kind = 'project'`.execute(store.db);
  // One row per (release, environment, tenant or none) the tenants' connections and the projects allow.
  const { rows } = await sql<{ n: number }>`
    with targets as (
      select p.id as project_id, e.id as environment_id, null::text as tenant_id
        from resources p cross join environments e where p.kind = 'project'
      union all
      select conn->>'project', env, t.id
        from resources t
        cross join lateral jsonb_array_elements(t.data->'projects') conn
        cross join lateral jsonb_array_elements_text(conn->'environments') env
       where t.kind = 'tenant'
    ), inserted as (
      insert into deployments (id, space_id, project_id, release_id, channel_id, environment_id, tenant_id, state,
                               skipped_steps, guided_failure, prompted_names, created_by, created_at, finished_at)
      select 'Deployments-' || md5(r.id || x.environment_id || coalesce(x.tenant_id, '')), ${SPACE}, x.project_id,
             r.id, r.channel_id, x.environment_id, x.tenant_id,
             case when r.version = '1.0.' || ${RELEASES_PER_PROJECT} then 'failed' else 'success' end,
             '[]'::jsonb, false, '[]'::jsonb, 'bench', r.created_at, r.created_at + interval '5 minutes'
        from targets x join releases r on r.project_id = x.project_id
      returning 1
    )
    select count(*)::int as n from inserted`.execute(store.db);
  return rows[0]?.n ?? 0;
}
