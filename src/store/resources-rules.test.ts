import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';

forEachBackend('resources: references in use, project rules', (backend) => {
  let m: Model;
  before(async () => {
    m = await openModel(backend);
  });

  it('creates a project with its deployment process and a default channel, in one transaction', async () => {
    const lc = await m.repo('lifecycle').create(SPACE, { name: 'LC-children' }, ACTOR);
    const project = await m.repo('project').create(SPACE, { name: 'web', lifecycle: 'lc-children' }, ACTOR);
    assert.equal(project.data.lifecycle, lc.id);
    const process = await m.repo('process').getSingleton(SPACE, project.id);
    assert.deepEqual(
      [process.name, process.parentId, process.data],
      ['Deployment process', project.id, { steps: [] }],
    );
    const channels = await m.repo('channel').list(SPACE, {}, { parentId: project.id });
    assert.deepEqual(
      channels.items.map((c) => [c.name, c.data.isDefault, c.parentId]),
      [['Default', true, project.id]],
    );
    const audited = await m.store.db
      .selectFrom('audit_events')
      .select('entity_type')
      .where('entity_id', 'in', [project.id, process.id, channels.items[0]!.id])
      .execute();
    assert.deepEqual(audited.map((a) => a.entity_type).sort(), ['channel', 'process', 'project']);
    await assert.rejects(m.repo('process').getSingleton(SPACE, 'Projects-none'), code('NOT_FOUND'));
    await assert.rejects(
      m.repo('process').delete(SPACE, process.id, ACTOR),
      code('INVALID_INPUT', /deleted with its project/),
    );
  });

  it('keeps exactly one default channel per project, auditing the channel that gives up the flag', async () => {
    await m.repo('lifecycle').create(SPACE, { name: 'LC-default' }, ACTOR);
    const project = await m
      .repo('project')
      .create(SPACE, { name: 'defaults', lifecycle: 'LC-default' }, ACTOR);
    const channels = m.repo('channel');
    const first = (await channels.find(SPACE, 'Default', project.id))!;
    await assert.rejects(
      channels.delete(SPACE, first.id, ACTOR),
      code('INVALID_INPUT', /default channel. Make another channel the default first/),
    );
    await assert.rejects(
      channels.replace(SPACE, first.id, { name: 'Default', isDefault: false }, first.version, ACTOR),
      code('INVALID_INPUT', /channel\.isDefault: .*Make another channel the default first/),
    );
    const beta = await channels.create(SPACE, { name: 'Beta' }, ACTOR, project.id);
    assert.equal(beta.data.isDefault, false);
    const promoted = await channels.replace(SPACE, beta.id, { name: 'Beta', isDefault: true }, 1, ACTOR);
    assert.deepEqual(promoted.changedFields, ['isDefault']);
    const demoted = await channels.get(SPACE, first.id);
    assert.deepEqual([demoted.data.isDefault, demoted.version], [false, first.version + 1]);
    const audit = await m.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', first.id)
      .where('action', '=', 'update')
      .execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(
      [
        (audit[0]!.before as { data: { isDefault: boolean } }).data.isDefault,
        (audit[0]!.after as { data: { isDefault: boolean } }).data.isDefault,
      ],
      [true, false],
    );
    // A new channel created as the default takes the flag too; the old default can now go.
    const gamma = await channels.create(SPACE, { name: 'Gamma', isDefault: true }, ACTOR, project.id);
    assert.equal((await channels.get(SPACE, beta.id)).data.isDefault, false);
    await channels.delete(SPACE, first.id, ACTOR);
    const left = await channels.list(SPACE, {}, { parentId: project.id });
    assert.deepEqual(
      left.items.map((c) => [c.name, c.data.isDefault]),
      [
        ['Beta', false],
        ['Gamma', true],
      ],
    );
    assert.equal(gamma.parentId, project.id);
  });

  it('refuses to delete a referenced environment or lifecycle, naming every user and where', async () => {
    const envs = m.envs;
    const qa = await envs.create(SPACE, { name: 'Qa' }, ACTOR);
    const lc = await m.repo('lifecycle').create(
      SPACE,
      {
        name: 'Standard',
        phases: [
          { name: 'a', automaticEnvironments: ['Qa'] },
          { name: 'b', manualEnvironments: ['qa'] },
        ],
      },
      ACTOR,
    );
    const web = await m.repo('project').create(SPACE, { name: 'shop', lifecycle: 'Standard' }, ACTOR);
    await m.repo('channel').create(SPACE, { name: 'Beta', lifecycle: 'Standard' }, ACTOR, web.id);
    await assert.rejects(
      envs.delete(SPACE, qa.id, ACTOR),
      code(
        'IN_USE',
        /^Cannot delete environment "Qa": it is used by lifecycle "Standard" \(phases\[0\]\.automaticEnvironments\[0\], phases\[1\]\.manualEnvironments\[0\]\)\. Remove those references first\.$/,
      ),
    );
    await assert.rejects(m.repo('lifecycle').delete(SPACE, lc.id, ACTOR), (e: unknown) => {
      code(
        'IN_USE',
        /^Cannot delete lifecycle "Standard": it is used by channel "Beta" of project "shop" \(lifecycle\), project "shop" \(lifecycle\)\. Remove those references first\.$/,
      )(e);
      const usedBy = (e as { data: { usedBy: { kind: string; name: string }[] } }).data.usedBy;
      assert.deepEqual(
        usedBy.map((u) => [u.kind, u.name]),
        [
          ['channel', 'Beta'],
          ['project', 'shop'],
        ],
      );
      return true;
    });
    // Once nothing refers to them they go.
    await m.repo('project').delete(SPACE, web.id, ACTOR);
    await m.repo('lifecycle').delete(SPACE, lc.id, ACTOR);
    await envs.delete(SPACE, qa.id, ACTOR);
  });

  it('names at most ten users, then says how many more', async () => {
    const env = await m.envs.create(SPACE, { name: 'Busy' }, ACTOR);
    for (let i = 0; i < 12; i++) {
      await m.repo('lifecycle').create(
        SPACE,
        {
          name: `Busy ${String(i).padStart(2, '0')}`,
          phases: [{ name: 'p', automaticEnvironments: ['Busy'] }],
        },
        ACTOR,
      );
    }
    await assert.rejects(
      m.envs.delete(SPACE, env.id, ACTOR),
      code('IN_USE', /lifecycle "Busy 09" \(phases\[0\]\.automaticEnvironments\[0\]\), and 2 more\. Remove/),
    );
  });

  it('refuses to delete a tag set, or drop or rename away a tag, while a tag is used', async () => {
    const sets = m.repo('tag-set');
    const set = await sets.create(
      SPACE,
      { name: 'Size', tags: [{ name: 'Big' }, { name: 'Small' }, { name: 'Unused' }] },
      ACTOR,
    );
    await m.repo('tenant').create(SPACE, { name: 'Giant', tags: ['Size/Big'] }, ACTOR);
    await assert.rejects(
      sets.delete(SPACE, set.id, ACTOR),
      code('IN_USE', /Cannot delete tag set "Size": it is used by tenant "Giant" \(tags\[0\]\)/),
    );
    await assert.rejects(
      sets.replace(SPACE, set.id, { name: 'Size', tags: [{ name: 'Small' }] }, 1, ACTOR),
      code(
        'IN_USE',
        /^Cannot remove tag "Size\/Big" from tag set "Size": it is used by tenant "Giant" \(tags\[0\]\)\. Remove those references first\.$/,
      ),
    );
    await assert.rejects(
      sets.replace(SPACE, set.id, { name: 'Bulk', tags: [{ name: 'Big' }] }, 1, ACTOR),
      code(
        'IN_USE',
        /Cannot rename tag set "Size" to "Bulk": its tags "Size\/Big" are used by tenant "Giant"/,
      ),
    );
    // Unused tags may go, and a change of case keeps the tag.
    const ok = await sets.replace(
      SPACE,
      set.id,
      { name: 'Size', tags: [{ name: 'BIG' }, { name: 'Small' }] },
      1,
      ACTOR,
    );
    assert.deepEqual(ok.changedFields, ['tags']);
  });

  it('deletes a project with its channels, process, variables and their reference rows', async () => {
    await m.repo('lifecycle').create(SPACE, { name: 'LC-cascade' }, ACTOR);
    const project = await m
      .repo('project')
      .create(SPACE, { name: 'cascade', lifecycle: 'LC-cascade' }, ACTOR);
    const beta = await m.repo('channel').create(SPACE, { name: 'Beta' }, ACTOR, project.id);
    const process = await m.repo('process').getSingleton(SPACE, project.id);
    // The process and the project's variables refer to the channel: both go with the project.
    await m
      .repo('process')
      .replace(
        SPACE,
        process.id,
        { steps: [{ name: 'Deploy', channels: ['Beta'], environments: ['Dev'] }] },
        1,
        ACTOR,
      );
    await m.variables.replace(
      SPACE,
      project.id,
      [{ name: 'Colour', value: 'red', scope: { channels: ['Beta'] } }],
      1,
      ACTOR,
    );
    await assert.rejects(
      m.repo('channel').delete(SPACE, beta.id, ACTOR),
      code(
        'IN_USE',
        /channel "Beta": it is used by deployment process of project "cascade" \(steps\[0\]\.channels\[0\]\), project "cascade" \(variables "Colour"\.scope\.channels\[0\]\)/,
      ),
    );

    const tenant = await m
      .repo('tenant')
      .create(SPACE, { name: 'Holder', projects: [{ project: 'cascade', environments: ['Dev'] }] }, ACTOR);
    await assert.rejects(
      m.repo('project').delete(SPACE, project.id, ACTOR),
      code('IN_USE', /project "cascade": it is used by tenant "Holder" \(projects\[0\]\.project\)/),
    );
    await m.repo('tenant').delete(SPACE, tenant.id, ACTOR);

    const children = await m.store.db
      .selectFrom('resources')
      .select('id')
      .where('parent_id', '=', project.id)
      .execute();
    assert.equal(children.length, 3);
    await m.repo('project').delete(SPACE, project.id, ACTOR);
    const left = await m.store.db
      .selectFrom('resources')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', project.id), eb('parent_id', '=', project.id)]))
      .execute();
    assert.deepEqual(left, []);
    assert.equal(
      (await m.store.db.selectFrom('variables').select('id').where('owner_id', '=', project.id).execute())
        .length,
      0,
    );
    const refs = await m.store.db
      .selectFrom('resource_refs')
      .select('from_id')
      .where('from_id', 'in', [project.id, process.id, beta.id])
      .execute();
    assert.deepEqual(refs, []);
    const deletes = await m.store.db
      .selectFrom('audit_events')
      .select('entity_type')
      .where('action', '=', 'delete')
      .where('entity_id', 'in', [project.id, ...children.map((c) => c.id)])
      .execute();
    assert.deepEqual(deletes.map((d) => d.entity_type).sort(), ['channel', 'channel', 'process', 'project']);
  });
});
