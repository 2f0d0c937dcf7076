import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';
import { resourcesRepository } from './resources.js';

forEachBackend('resources', (backend) => {
  let m: Model;
  before(async () => {
    m = await openModel(backend);
  });

  it('creates, reads, replaces and deletes a document, references stored as ids, with an audit row each', async () => {
    const lifecycles = m.repo('lifecycle');
    const created = await lifecycles.create(
      SPACE,
      {
        name: 'Standard',
        phases: [{ name: 'First', automaticEnvironments: ['dev'], manualEnvironments: [m.prod.id] }],
      },
      ACTOR,
    );
    assert.match(created.id, /^Lifecycles-[0-9a-f-]{36}$/);
    assert.equal(created.kind, 'lifecycle');
    assert.equal(created.version, 1);
    assert.equal(created.parentId, undefined);
    assert.deepEqual(created.data, {
      name: 'Standard',
      phases: [{ name: 'First', automaticEnvironments: [m.dev.id], manualEnvironments: [m.prod.id] }],
    });
    assert.deepEqual(await lifecycles.get(SPACE, created.id), created);
    assert.deepEqual(await lifecycles.find(SPACE, 'STANDARD'), created);
    assert.deepEqual(await lifecycles.find(SPACE, created.id), created);
    assert.equal(await lifecycles.find(SPACE, 'nope'), undefined);

    const refs = await m.store.db
      .selectFrom('resource_refs')
      .selectAll()
      .where('from_id', '=', created.id)
      .execute();
    assert.deepEqual(refs.map((r) => [r.path, r.to_id, r.to_kind, r.source]).sort(), [
      ['phases[0].automaticEnvironments[0]', m.dev.id, 'environment', 'document'],
      ['phases[0].manualEnvironments[0]', m.prod.id, 'environment', 'document'],
    ]);

    const replaced = await lifecycles.replace(
      SPACE,
      created.id,
      { name: 'Standard', phases: [{ name: 'Only', automaticEnvironments: ['Prod'] }] },
      1,
      ACTOR,
    );
    assert.equal(replaced.changed, true);
    assert.deepEqual(replaced.changedFields, ['phases']);
    assert.equal(replaced.resource.version, 2);
    assert.deepEqual(replaced.resource.data.phases, [
      { name: 'Only', automaticEnvironments: [m.prod.id], manualEnvironments: [] },
    ]);
    const after = await m.store.db
      .selectFrom('resource_refs')
      .select('path')
      .where('from_id', '=', created.id)
      .execute();
    assert.deepEqual(
      after.map((r) => r.path),
      ['phases[0].automaticEnvironments[0]'],
    );

    await lifecycles.delete(SPACE, created.id, ACTOR, 2);
    await assert.rejects(lifecycles.get(SPACE, created.id), code('NOT_FOUND', /no lifecycle/));
    await assert.rejects(lifecycles.delete(SPACE, created.id, ACTOR), code('NOT_FOUND'));
    assert.equal(
      (
        await m.store.db
          .selectFrom('resource_refs')
          .select('path')
          .where('from_id', '=', created.id)
          .execute()
      ).length,
      0,
    );

    const audit = await m.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', created.id)
      .execute();
    assert.deepEqual(audit.map((a) => [a.action, a.entity_type, a.actor, a.space_id]).sort(), [
      ['create', 'lifecycle', 'alice', SPACE],
      ['delete', 'lifecycle', 'alice', SPACE],
      ['update', 'lifecycle', 'alice', SPACE],
    ]);
    const upd = audit.find((a) => a.action === 'update')!;
    assert.equal((upd.before as { version: number }).version, 1);
    assert.equal((upd.after as { version: number }).version, 2);
  });

  it('keeps names unique ignoring case, per space and kind, and per project for nested kinds', async () => {
    const tagSets = m.repo('tag-set');
    await tagSets.create(SPACE, { name: 'Region' }, ACTOR);
    const before = await m.count('audit_events');
    await assert.rejects(
      tagSets.create(SPACE, { name: 'REGION' }, ACTOR),
      code('ALREADY_EXISTS', /A tag set named "REGION" already exists in this space/),
    );
    // Another kind may use the name.
    await m.repo('library-set').create(SPACE, { name: 'Region' }, ACTOR);
    const other = await tagSets.create(SPACE, { name: 'Other' }, ACTOR);
    await assert.rejects(
      tagSets.replace(SPACE, other.id, { name: 'region' }, 1, ACTOR),
      code('ALREADY_EXISTS', /"region"/),
    );
    assert.equal(await m.count('audit_events'), before + 2);

    const lc = await m.repo('lifecycle').create(SPACE, { name: 'Unique-LC' }, ACTOR);
    const a = await m.repo('project').create(SPACE, { name: 'unique-a', lifecycle: lc.id }, ACTOR);
    const b = await m.repo('project').create(SPACE, { name: 'unique-b', lifecycle: lc.id }, ACTOR);
    const channels = m.repo('channel');
    await channels.create(SPACE, { name: 'Beta' }, ACTOR, a.id);
    await channels.create(SPACE, { name: 'beta' }, ACTOR, b.id);
    await assert.rejects(
      channels.create(SPACE, { name: 'BETA' }, ACTOR, a.id),
      code('ALREADY_EXISTS', /already exists in this project/),
    );
    await assert.rejects(
      channels.find(SPACE, 'beta'),
      code('INVALID_INPUT', /Several channels are named "beta"/),
    );
    assert.equal((await channels.find(SPACE, 'beta', b.id))?.parentId, b.id);
  });

  it('refuses unknown references, naming each path and value, and writes nothing', async () => {
    const before = await m.count('resources');
    const audits = await m.count('audit_events');
    await assert.rejects(
      m.repo('lifecycle').create(
        SPACE,
        {
          name: 'Broken',
          phases: [
            { name: 'p', automaticEnvironments: ['Dev', 'Qa'] },
            { name: 'q', manualEnvironments: ['Staging'] },
          ],
        },
        ACTOR,
      ),
      (e: unknown) => {
        code('INVALID_INPUT')(e);
        const err = e as Error & { data: { issues: string[] } };
        assert.deepEqual(err.data.issues, [
          'lifecycle.phases[0].automaticEnvironments[1]: there is no environment "Qa" in this space; create it first or fix the name',
          'lifecycle.phases[1].manualEnvironments[0]: there is no environment "Staging" in this space; create it first or fix the name',
        ]);
        return true;
      },
    );
    await assert.rejects(
      m.repo('project').create(SPACE, { name: 'orphan', lifecycle: 'Missing' }, ACTOR),
      code('INVALID_INPUT', /project\.lifecycle: there is no lifecycle "Missing"/),
    );
    await assert.rejects(
      m.repo('team').create(SPACE, { name: 'T', members: ['bob'] }, ACTOR),
      code('INVALID_INPUT', /team\.members\[0\]: there is no user "bob"/),
    );
    assert.equal(await m.count('resources'), before);
    assert.equal(await m.count('audit_events'), audits);
    const team = await m.repo('team').create(SPACE, { name: 'Members', members: ['ALICE'] }, ACTOR);
    assert.deepEqual(team.data.members, [m.alice.id]);
  });

  it('resolves tags to their canonical spelling and refuses unknown sets and tags', async () => {
    await m
      .repo('tag-set')
      .create(SPACE, { name: 'Tier', tags: [{ name: 'Gold' }, { name: 'Silver' }] }, ACTOR);
    const tenant = await m.repo('tenant').create(SPACE, { name: 'Tagged', tags: ['tier/GOLD'] }, ACTOR);
    assert.deepEqual(tenant.data.tags, ['Tier/Gold']);
    await assert.rejects(
      m.repo('tenant').create(SPACE, { name: 'T2', tags: ['Tier/Bronze'] }, ACTOR),
      code(
        'INVALID_INPUT',
        /tenant\.tags\[0\]: tag set "Tier" has no tag "Bronze" \(it has "Gold", "Silver"\)/,
      ),
    );
    await assert.rejects(
      m.repo('tenant').create(SPACE, { name: 'T3', tags: ['Size/Big'] }, ACTOR),
      code('INVALID_INPUT', /there is no tag set "Size"/),
    );
  });

  it('gives CONFLICT on a stale version, and one of two racing replaces wins', async () => {
    const sets = m.repo('tag-set');
    const set = await sets.create(SPACE, { name: 'Race' }, ACTOR);
    const results = await Promise.allSettled([
      sets.replace(SPACE, set.id, { name: 'Race', description: 'a' }, 1, { actor: 'a' }),
      sets.replace(SPACE, set.id, { name: 'Race', description: 'b' }, 1, { actor: 'b' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected');
    code(
      'CONFLICT',
      /Cannot replace tag set "Race": it was changed since you read it \(you had version 1, it is now at 2\)/,
    )(lost?.reason);
    await assert.rejects(sets.delete(SPACE, set.id, ACTOR, 1), code('CONFLICT', /Cannot delete tag set/));
  });

  it('writes nothing for an unchanged document, and nothing at all for a dry run', async () => {
    const sets = m.repo('tag-set');
    const set = await sets.create(SPACE, { name: 'Same', tags: [{ name: 'A' }] }, ACTOR);
    const audits = await m.count('audit_events');
    // The stored form (defaults filled in) and the short form are the same document.
    const same = await sets.replace(SPACE, set.id, { name: 'Same', tags: [{ name: 'A' }] }, 1, ACTOR);
    assert.deepEqual([same.changed, same.changedFields, same.resource.version], [false, [], 1]);
    const again = await sets.replace(SPACE, set.id, set.data, undefined, ACTOR);
    assert.equal(again.changed, false);
    assert.equal(await m.count('audit_events'), audits);

    const dry = await sets.replace(SPACE, set.id, { name: 'Renamed', tags: [] }, 1, ACTOR, { dryRun: true });
    assert.deepEqual(
      [dry.changed, dry.changedFields, dry.resource.version, dry.resource.name],
      [true, ['name', 'tags'], 2, 'Renamed'],
    );
    assert.deepEqual(await sets.get(SPACE, set.id), set);
    assert.equal(await m.count('audit_events'), audits);
    await assert.rejects(
      sets.replace(SPACE, set.id, { name: 'Same', colour: 1 }, 1, ACTOR, { dryRun: true }),
      code('INVALID_INPUT', /unknown field "colour"/),
    );
  });

  it('leaves nothing behind when the surrounding transaction fails', async () => {
    const resources = await m.count('resources');
    const audits = await m.count('audit_events');
    const refs = await m.count('resource_refs');
    await assert.rejects(
      m.store.db.transaction().execute(async (trx) => {
        const repo = resourcesRepository(trx, m.secrets, m.kinds.lifecycle, {
          kinds: m.kinds,
        });
        await repo.create(
          SPACE,
          { name: 'Ghost', phases: [{ name: 'p', automaticEnvironments: ['Dev'] }] },
          ACTOR,
        );
        await repo.create(
          SPACE,
          { name: 'Ghost 2', phases: [{ name: 'p', automaticEnvironments: ['Nowhere'] }] },
          ACTOR,
        );
      }),
      code('INVALID_INPUT', /Nowhere/),
    );
    assert.equal(await m.repo('lifecycle').find(SPACE, 'Ghost'), undefined);
    assert.deepEqual(
      [await m.count('resources'), await m.count('audit_events'), await m.count('resource_refs')],
      [resources, audits, refs],
    );
  });

  it('rejects bad input naming the field, and calls the kind does not allow', async () => {
    await assert.rejects(
      m.repo('tag-set').create(SPACE, { name: 'a/b' }, ACTOR),
      code('INVALID_INPUT', /tag-set\.name: name must not contain "\/"/),
    );
    await assert.rejects(
      m.repo('tag-set').create('Spaces-none', { name: 'X' }, ACTOR),
      code('NOT_FOUND', /no space/),
    );
    await assert.rejects(
      m.repo('channel').create(SPACE, { name: 'Loose' }, ACTOR),
      code('INVALID_INPUT', /belongs to a project/),
    );
    await assert.rejects(
      m.repo('channel').create(SPACE, { name: 'Lost' }, ACTOR, 'Projects-none'),
      code('NOT_FOUND', /no project "Projects-none"/),
    );
    await assert.rejects(
      m.repo('tag-set').create(SPACE, { name: 'Nested' }, ACTOR, 'Projects-x'),
      code('INVALID_INPUT', /does not belong to a project/),
    );
    await assert.rejects(
      m.repo('process').create(SPACE, { steps: [] }, ACTOR, 'Projects-x'),
      code('INVALID_INPUT', /cannot be created on its own/),
    );
    await assert.rejects(
      m.repo('tag-set').get(SPACE, 'TagSets-none'),
      code('NOT_FOUND', /There is no tag set "TagSets-none"/),
    );
    const set = await m.repo('tag-set').create(SPACE, { name: 'KindCheck' }, ACTOR);
    await assert.rejects(m.repo('feed').get(SPACE, set.id), code('NOT_FOUND', /no feed/));
  });
});
