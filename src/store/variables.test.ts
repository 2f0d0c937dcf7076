import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import type { Resource } from '../core/model/resource.js';
import type { StoredVariable } from '../core/model/variable.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';

forEachBackend('variables', (backend) => {
  let m: Model;
  let n = 0;
  const newProject = async (): Promise<Resource> =>
    m.repo('project').create(SPACE, { name: `vars-${++n}`, lifecycle: 'LC' }, ACTOR);
  const all = async (ownerId: string): Promise<StoredVariable[]> =>
    (await m.variables.list(SPACE, ownerId, { limit: 500 })).items;
  before(async () => {
    m = await openModel(backend);
    await m.repo('lifecycle').create(SPACE, { name: 'LC' }, ACTOR);
    await m.repo('tag-set').create(SPACE, { name: 'Tier', tags: [{ name: 'Gold' }] }, ACTOR);
  });

  it('replaces a set, resolving scope references to ids, and lists it with its version', async () => {
    const project = await newProject();
    await m.repo('channel').create(SPACE, { name: 'Beta' }, ACTOR, project.id);
    const tenant = await m.repo('tenant').create(SPACE, { name: 'Acme' }, ACTOR);
    const target = await m.repo('ecs-target').create(SPACE, { name: 'cluster-1' }, ACTOR);
    const account = await m.repo('aws-account').create(SPACE, { name: 'Main' }, ACTOR);
    assert.deepEqual(await m.variables.list(SPACE, project.id, {}), { items: [], variablesVersion: 1 });
    const change = await m.variables.replace(
      SPACE,
      project.id,
      [
        { name: 'Colour', value: 'blue' },
        {
          name: 'Colour',
          value: 'green',
          description: 'prod colour',
          scope: {
            environments: ['prod'],
            channels: ['BETA'],
            tenants: ['Acme'],
            targets: ['cluster-1'],
            tenantTags: ['tier/gold'],
            roles: ['web'],
            steps: [],
          },
        },
        { name: 'Account', type: 'aws-account', value: 'Main' },
        { name: 'Ask', value: '', prompt: { label: 'Ask me', required: true, control: 'single-line' } },
      ],
      1,
      ACTOR,
    );
    assert.deepEqual(change, { variablesVersion: 2, changed: true, added: 4, updated: 0, removed: 0 });
    const page = await m.variables.list(SPACE, project.id, {});
    assert.equal(page.variablesVersion, 2);
    assert.deepEqual(
      page.items.map((v) => v.name),
      ['Account', 'Ask', 'Colour', 'Colour'],
    );
    const scoped = page.items.find((v) => v.value === 'green')!;
    assert.deepEqual(scoped.scope, {
      environments: [m.prod.id],
      channels: [(await m.repo('channel').find(SPACE, 'Beta', project.id))!.id],
      tenants: [tenant.id],
      targets: [target.id],
      tenantTags: ['Tier/Gold'],
      roles: ['web'],
    });
    assert.equal(page.items.find((v) => v.name === 'Account')!.value, account.id);
    assert.deepEqual(page.items.find((v) => v.name === 'Ask')!.prompt, {
      label: 'Ask me',
      required: true,
      control: 'single-line',
    });
    const refs = await m.store.db
      .selectFrom('resource_refs')
      .select(['path', 'to_id'])
      .where('from_id', '=', project.id)
      .where('source', '=', 'variables')
      .execute();
    assert.ok(
      refs.some((r) => r.path === 'variables "Colour".scope.environments[0]' && r.to_id === m.prod.id),
    );
    assert.ok(refs.some((r) => r.path === 'variables "Account".value' && r.to_id === account.id));
    await assert.rejects(
      m.envs.delete(SPACE, m.prod.id, ACTOR),
      code('IN_USE', /project "vars-\d+" \(variables "Colour"\.scope\.environments\[0\]\)/),
    );
    // Paging through the set gives every variable once.
    const first = await m.variables.list(SPACE, project.id, { limit: 3 });
    const second = await m.variables.list(SPACE, project.id, { limit: 3, cursor: first.nextCursor });
    assert.deepEqual([...first.items, ...second.items], page.items);
    assert.equal(second.nextCursor, undefined);
  });

  it('updates by id, adds without one, removes what is missing; an unchanged set keeps its version', async () => {
    const project = await newProject();
    await m.variables.replace(
      SPACE,
      project.id,
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
        { name: 'C', value: '3' },
      ],
      1,
      ACTOR,
    );
    const [a, b] = await all(project.id);
    const audits = await m.count('audit_events');
    const same = await m.variables.replace(SPACE, project.id, await all(project.id), 2, ACTOR);
    assert.deepEqual(same, { variablesVersion: 2, changed: false, added: 0, updated: 0, removed: 0 });
    assert.equal(await m.count('audit_events'), audits);

    const dry = await m.variables.replace(SPACE, project.id, [{ ...a!, value: 'one' }], 2, ACTOR, {
      dryRun: true,
    });
    assert.deepEqual(dry, { variablesVersion: 3, changed: true, added: 0, updated: 1, removed: 2 });
    assert.equal((await all(project.id)).length, 3);
    assert.equal(await m.count('audit_events'), audits);

    const change = await m.variables.replace(
      SPACE,
      project.id,
      [{ ...a!, value: 'one' }, b!, { name: 'D', value: '4' }],
      2,
      ACTOR,
    );
    assert.deepEqual(change, { variablesVersion: 3, changed: true, added: 1, updated: 1, removed: 1 });
    const now = await all(project.id);
    assert.deepEqual(
      now.map((v) => [v.name, v.value]),
      [
        ['A', 'one'],
        ['B', '2'],
        ['D', '4'],
      ],
    );
    assert.equal(now[0]!.id, a!.id);
    const audits3 = await m.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_type', '=', 'variables')
      .where('entity_id', '=', project.id)
      .execute();
    assert.equal(audits3.length, 2);
    const audit = audits3.find((r) => (r.after as { variablesVersion: number }).variablesVersion === 3)!;
    assert.deepEqual((audit.after as { variables: { name: string }[] }).variables.map((v) => v.name).sort(), [
      'A',
      'D',
    ]);
    assert.deepEqual(
      (audit.before as { variables: { name: string }[] }).variables.map((v) => v.name).sort(),
      ['A', 'C'],
    );

    await assert.rejects(
      m.variables.replace(SPACE, project.id, [], 2, ACTOR),
      code(
        'CONFLICT',
        /Cannot replace the variables of project "vars-\d+": they were changed since you read them \(you had version 2, they are now at 3\)/,
      ),
    );
    await assert.rejects(
      m.variables.replace(
        SPACE,
        project.id,
        [
          { id: 'Variables-nope', name: 'X', value: '' },
          { ...a!, value: 'x' },
          { ...a!, value: 'y' },
        ],
        3,
        ACTOR,
      ),
      code(
        'INVALID_INPUT',
        /variables\[0\]\.id: there is no variable "Variables-nope" in this set; leave out the id.*variables\[2\]\.id: .*is also variables\[1\]/,
      ),
    );
  });

  it('keeps sensitive values encrypted: { set: true } keeps, a string replaces, null is refused', async () => {
    const project = await newProject();
    await m.variables.replace(
      SPACE,
      project.id,
      [
        { name: 'Db', type: 'sensitive', value: 'pw-one-secret' },
        { name: 'Plain', value: 'p' },
      ],
      1,
      ACTOR,
    );
    const [db] = await all(project.id);
    assert.deepEqual(db!.value, { set: true });
    const raw = await m.store.db
      .selectFrom('variables')
      .selectAll()
      .where('id', '=', db!.id)
      .executeTakeFirstOrThrow();
    assert.equal(raw.value, null);
    assert.match(raw.secret_value!, /^v1:/);
    const kept = await m.variables.replace(SPACE, project.id, await all(project.id), 2, ACTOR);
    assert.equal(kept.changed, false);
    const snap = await m.variables.snapshot(SPACE, project.id);
    assert.deepEqual(
      snap.map((v) => [v.name, v.value, v.type, v.source]),
      [
        ['Db', 'pw-one-secret', 'sensitive', { kind: 'project' }],
        ['Plain', 'p', 'text', { kind: 'project' }],
      ],
    );

    const replaced = await m.variables.replace(
      SPACE,
      project.id,
      [{ ...db!, value: 'pw-two-secret' }],
      2,
      ACTOR,
    );
    assert.deepEqual([replaced.updated, replaced.removed], [1, 1]);
    assert.equal((await m.variables.snapshot(SPACE, project.id))[0]!.value, 'pw-two-secret');
    const issues = [
      [
        { ...db!, value: null },
        /a sensitive variable needs a value; send it, or remove the variable instead/,
      ],
      [
        { name: 'New', type: 'sensitive', value: { set: true } },
        /variables\[0\]\.value: \{"set": true\} keeps the stored value, but variable "New" has none/,
      ],
      [{ ...db!, value: { env: 'DB_PASSWORD' } }, /references are resolved by `slipway apply`/],
      [{ name: 'T', value: { set: true } }, /a text variable's value must be a string/],
    ] as const;
    for (const [item, pattern] of issues) {
      await assert.rejects(
        m.variables.replace(SPACE, project.id, [item], 3, ACTOR),
        code('INVALID_INPUT', pattern),
      );
    }
    const dump = JSON.stringify(await m.store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(!dump.includes('pw-one-secret') && !dump.includes('pw-two-secret'));
  });

  it('refuses unknown scope references and channel scopes in a library set, naming the item', async () => {
    const project = await newProject();
    await assert.rejects(
      m.variables.replace(
        SPACE,
        project.id,
        [
          { name: 'A', value: '' },
          { name: 'B', value: '', scope: { environments: ['Dev', 'Qa'] } },
        ],
        1,
        ACTOR,
      ),
      code(
        'INVALID_INPUT',
        /^Invalid variables: variables\[1\]\.scope\.environments\[1\]: there is no environment "Qa" in this space/,
      ),
    );
    await assert.rejects(
      m.variables.replace(
        SPACE,
        project.id,
        [{ name: 'A', value: '', scope: { channels: ['Nope'] } }],
        1,
        ACTOR,
      ),
      code('INVALID_INPUT', /there is no channel "Nope" in this project/),
    );
    await assert.rejects(
      m.variables.replace(SPACE, project.id, [{ name: '', value: '' }], 1, ACTOR),
      code('INVALID_INPUT', /variables\[0\]\.name: name must not be empty/),
    );
    assert.deepEqual(await all(project.id), []);
    const set = await m.repo('library-set').create(SPACE, { name: 'Shared' }, ACTOR);
    await assert.rejects(
      m.variables.replace(
        SPACE,
        set.id,
        [{ name: 'A', value: '', scope: { channels: ['Default'] } }],
        1,
        ACTOR,
      ),
      code(
        'INVALID_INPUT',
        /variables\[0\]\.scope\.channels: a library variable set's variables cannot be scoped to channels/,
      ),
    );
    await m.variables.replace(
      SPACE,
      set.id,
      [{ name: 'Region', value: 'eu-west-1', scope: { environments: ['Dev'] } }],
      1,
      ACTOR,
    );
    assert.deepEqual(
      (await m.variables.snapshot(SPACE, set.id)).map((v) => [v.value, v.source, v.scope]),
      [['eu-west-1', { kind: 'library', setId: set.id, setName: 'Shared' }, { environments: [m.dev.id] }]],
    );
  });

  it('only projects and library sets hold variables', async () => {
    const tenant = await m.repo('tenant').create(SPACE, { name: 'NoVars' }, ACTOR);
    await assert.rejects(
      m.variables.list(SPACE, tenant.id, {}),
      code('INVALID_INPUT', /Tenant "NoVars" holds values for variable templates, not variables/),
    );
    const set = await m.repo('tag-set').create(SPACE, { name: 'NoVarsSet' }, ACTOR);
    await assert.rejects(
      m.variables.replace(SPACE, set.id, [], 1, ACTOR),
      code('NOT_FOUND', /no project, library variable set or tenant/),
    );
    await assert.rejects(m.variables.list(SPACE, 'Projects-none', {}), code('NOT_FOUND'));
  });
});
