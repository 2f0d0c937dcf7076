/** The dashboard's skip scan agrees with a plain DISTINCT ON over many deployments, ties included. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { openReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';

forEachBackend('latest deployment per environment', (backend) => {
  it('matches DISTINCT ON over 3,000 deployments in three projects', async () => {
    const m = await openReleaseModel(backend);
    const qa = await m.envs.create(SPACE, { name: 'QA' }, ACTOR);
    const other = await m.repo('project').create(SPACE, { name: 'api', lifecycle: 'LC' }, ACTOR);
    const empty = await m.repo('project').create(SPACE, { name: 'idle', lifecycle: 'LC' }, ACTOR);
    const otherChannel = await m.repo('channel').create(SPACE, { name: 'Main' }, ACTOR, other.id);
    const r1 = await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR);
    const r2 = await m.releases.create(
      SPACE,
      { ...m.newRelease('1.0.0'), projectId: other.id, channelId: otherChannel.id },
      ACTOR,
    );
    const envs = [m.dev.id, m.prod.id, qa.id];
    // Many rows share a created_at (ties break on id), a tenth are untenanted.
    await sql`
      insert into deployments (id, space_id, project_id, release_id, channel_id, environment_id, tenant_id,
                               state, skipped_steps, comments, guided_failure, prompted_names, created_by, created_at)
      select 'Deployments-' || lpad(g::text, 5, '0'), ${SPACE},
             case when g % 2 = 0 then ${m.project.id} else ${other.id} end,
             case when g % 2 = 0 then ${r1.id} else ${r2.id} end,
             'Channels-x',
             (${sql.val(envs)}::text[])[1 + (g * 7) % 3],
             case when g % 10 = 0 then null else 'Tenants-' || (g % 13) end,
             'success', '[]', '', false, '[]', 'alice',
             timestamptz '2026-01-01' + ((g * 37) % 400) * interval '1 second'
        from generate_series(1, 3000) g`.execute(m.store.db);
    const expected = await sql<{ id: string }>`
      select distinct on (project_id, environment_id, coalesce(tenant_id, '')) id
        from deployments where space_id = ${SPACE}
       order by project_id, environment_id, coalesce(tenant_id, ''), created_at desc, id desc`.execute(
      m.store.db,
    );
    const latest = await m.deployments.latestPerEnvironment(SPACE);
    assert.ok(expected.rows.length > 50);
    assert.deepEqual(latest.map((d) => d.id).sort(), expected.rows.map((r) => r.id).sort());
    assert.ok(latest.some((d) => d.tenantId === undefined));
    const one = await m.deployments.latestPerEnvironment(SPACE, [other.id, empty.id]);
    assert.ok(one.length > 0 && one.every((d) => d.projectId === other.id));
    assert.equal(one.length, latest.filter((d) => d.projectId === other.id).length);
  });
});
