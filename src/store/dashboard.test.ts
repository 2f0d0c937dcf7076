/**
 * The dashboard's in-memory read model agrees with the skip scan over the database after new
 * deployments (in bulk, and one whose transaction started earlier: created_at in the past), state
 * changes and a project's deletion, on both backends.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { openReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';
import { dashboardCells, dashboardItems } from './dashboard.js';
import { latestPerEnvironment } from './deployment-queries.js';

forEachBackend('dashboard read model', (backend) => {
  it('follows inserts, late commits and state changes as the skip scan sees them', async () => {
    const m = await openReleaseModel(backend);
    const db = m.store.db;
    const release = await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR);
    const insert = async (from: number, count: number, at: string) => {
      await sql`
        insert into deployments (id, space_id, project_id, release_id, channel_id, environment_id, tenant_id,
                                 state, skipped_steps, comments, guided_failure, prompted_names, created_by, created_at)
        select 'Deployments-' || lpad(g::text, 5, '0'), ${SPACE}, ${m.project.id}, ${release.id}, 'Channels-x',
               case when g % 2 = 0 then ${m.dev.id} else ${m.prod.id} end,
               case when g % 5 = 0 then null else 'Tenants-' || (g % 17) end,
               case when g % 3 = 0 then 'executing' else 'success' end, '[]', '', false, '[]', 'alice',
               ${sql.raw(at)} + (g % 7) * interval '1 millisecond'
          from generate_series(${from}::int, ${from + count - 1}::int) g`.execute(db);
    };
    const agrees = async () => {
      const fresh = await latestPerEnvironment(db, SPACE);
      const cached = await dashboardItems(db, SPACE);
      assert.deepEqual(
        cached.map((i) => `${i.deploymentId} ${i.state}`).sort(),
        fresh.map((d) => `${d.id} ${d.state}`).sort(),
      );
      return cached;
    };
    assert.deepEqual(await agrees(), []);
    await insert(1, 400, 'now()');
    await agrees();
    // A transaction that started 20 s ago commits now: inside the window, it is still seen.
    await insert(401, 50, "now() - interval '20 seconds'");
    await agrees();
    await sql`update deployments set state = 'failed', version = version + 1 where state = 'executing'`.execute(
      db,
    );
    const items = await agrees();
    assert.ok(items.some((i) => i.state === 'failed'));
    const cells = await dashboardCells(db, SPACE);
    assert.equal(cells.length, 2);
    assert.ok(cells.every((c) => c.untenanted !== undefined && c.newestTenant !== undefined));
    // A project that is gone takes its groups with it.
    assert.deepEqual(await dashboardItems(db, SPACE, undefined, new Set()), []);
  });
});
