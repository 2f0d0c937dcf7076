import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import type { Resource } from '../core/model/resource.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';

forEachBackend('variables: tenant template values', (backend) => {
  let m: Model;
  let web: Resource;
  let common: Resource;
  let n = 0;
  // A new tenant connected to web in Dev only.
  const newTenant = async () =>
    m
      .repo('tenant')
      .create(SPACE, { name: `tenant-${++n}`, projects: [{ project: 'web', environments: ['Dev'] }] }, ACTOR);
  before(async () => {
    m = await openModel(backend);
    await m.repo('lifecycle').create(SPACE, { name: 'LC' }, ACTOR);
    common = await m
      .repo('library-set')
      .create(SPACE, { name: 'Common', templates: [{ name: 'Region' }] }, ACTOR);
    await m.repo('library-set').create(SPACE, { name: 'Other', templates: [{ name: 'Unused' }] }, ACTOR);
    web = await m.repo('project').create(
      SPACE,
      {
        name: 'web',
        lifecycle: 'LC',
        librarySets: ['Common'],
        templates: [{ name: 'Colour' }, { name: 'ApiToken', type: 'sensitive' }],
      },
      ACTOR,
    );
    await m.repo('project').create(SPACE, { name: 'api', lifecycle: 'LC' }, ACTOR);
  });

  it('stores values per project × environment and per library set, sensitive ones encrypted', async () => {
    const tenant = await newTenant();
    const change = await m.variables.replaceTenantValues(
      SPACE,
      tenant.id,
      [
        { project: 'web', environment: 'dev', template: 'colour', value: 'orange' },
        { project: 'web', environment: 'Dev', template: 'ApiToken', value: 'tenant-token-123456' },
        { librarySet: 'Common', template: 'Region', value: 'eu-west-1' },
      ],
      1,
      ACTOR,
    );
    assert.deepEqual(change, { variablesVersion: 2, changed: true, added: 3, updated: 0, removed: 0 });
    const page = await m.variables.listTenantValues(SPACE, tenant.id, {});
    assert.equal(page.variablesVersion, 2);
    assert.deepEqual(
      page.items.map(({ id: _id, ...v }) => v),
      [
        { project: web.id, environment: m.dev.id, template: 'ApiToken', value: { set: true } },
        { project: web.id, environment: m.dev.id, template: 'Colour', value: 'orange' },
        { librarySet: common.id, template: 'Region', value: 'eu-west-1' },
      ],
    );
    const revealed = await m.variables.revealTenantValues(SPACE, tenant.id);
    assert.equal(revealed.find((v) => v.template === 'ApiToken')!.value, 'tenant-token-123456');
    const dump = JSON.stringify(await m.store.db.selectFrom('audit_events').selectAll().execute());
    assert.ok(!dump.includes('tenant-token-123456'));

    // A read sent back is no change; a value without its id still updates the same row.
    assert.equal(
      (await m.variables.replaceTenantValues(SPACE, tenant.id, page.items, 2, ACTOR)).changed,
      false,
    );
    const colour = page.items.find((v) => v.template === 'Colour')!;
    const next = await m.variables.replaceTenantValues(
      SPACE,
      tenant.id,
      [
        { project: web.id, environment: m.dev.id, template: 'Colour', value: 'purple' },
        { project: 'web', environment: 'Dev', template: 'ApiToken', value: { set: true } },
      ],
      2,
      ACTOR,
    );
    assert.deepEqual(next, { variablesVersion: 3, changed: true, added: 0, updated: 1, removed: 1 });
    const after = await m.variables.listTenantValues(SPACE, tenant.id, {});
    assert.equal(after.items.find((v) => v.template === 'Colour')!.id, colour.id);
    assert.equal(
      (await m.variables.revealTenantValues(SPACE, tenant.id)).find((v) => v.template === 'ApiToken')!.value,
      'tenant-token-123456',
    );
    await assert.rejects(
      m.variables.replaceTenantValues(SPACE, tenant.id, [], 2, ACTOR),
      code('CONFLICT', /template values of tenant "tenant-\d+"/),
    );
  });

  it('refuses values the tenant, the project or the templates do not allow, saying what to do', async () => {
    const tenant = await newTenant();
    const cases: [unknown, RegExp][] = [
      [
        { project: 'web', environment: 'Prod', template: 'Colour', value: 'x' },
        /variables\[0\]\.environment: tenant "tenant-\d+" is connected to project "web" but not in environment "Prod"; add the environment/,
      ],
      [
        { project: 'api', environment: 'Dev', template: 'Colour', value: 'x' },
        /variables\[0\]\.project: tenant "tenant-\d+" is not connected to project "api"; connect it/,
      ],
      [
        { project: 'web', environment: 'Dev', template: 'Size', value: 'x' },
        /variables\[0\]\.template: project "web" has no variable template "Size"; add it to its templates first/,
      ],
      [
        { librarySet: 'Other', template: 'Unused', value: 'x' },
        /variables\[0\]\.librarySet: library variable set "Other" is not included by any project tenant "tenant-\d+" is connected to/,
      ],
      [
        { librarySet: 'Common', template: 'Nope', value: 'x' },
        /library variable set "Common" has no variable template "Nope"/,
      ],
      [
        { project: 'nope', environment: 'Dev', template: 'Colour', value: 'x' },
        /variables\[0\]\.project: there is no project "nope"/,
      ],
      [
        { project: 'web', environment: 'Dev', template: 'Colour', value: { set: true } },
        /template "Colour" is not sensitive: send its value as a string/,
      ],
      [
        { project: 'web', environment: 'Dev', template: 'ApiToken', value: null },
        /a sensitive template value needs a value/,
      ],
      [
        { project: 'web', environment: 'Dev', template: 'ApiToken', value: { set: true } },
        /keeps the stored value, but template "ApiToken" has none here yet/,
      ],
      [
        { id: 'Variables-x', librarySet: 'Common', template: 'Region', value: 'x' },
        /variables\[0\]\.id: tenant "tenant-\d+" has no template value "Variables-x"/,
      ],
      [{ project: 'web', template: 'Colour', value: 'x' }, /variables\[0\]/],
    ];
    for (const [item, pattern] of cases) {
      await assert.rejects(
        m.variables.replaceTenantValues(SPACE, tenant.id, [item], 1, ACTOR),
        code('INVALID_INPUT', pattern),
      );
    }
    await assert.rejects(
      m.variables.replaceTenantValues(
        SPACE,
        tenant.id,
        [
          { librarySet: 'Common', template: 'Region', value: 'a' },
          { librarySet: common.id, template: 'REGION', value: 'b' },
        ],
        1,
        ACTOR,
      ),
      code(
        'INVALID_INPUT',
        /variables\[1\]: a second value for template "Region" of library variable set "Common" \(see variables\[0\]\)/,
      ),
    );
    assert.deepEqual((await m.variables.listTenantValues(SPACE, tenant.id, {})).items, []);
    assert.equal((await m.variables.listTenantValues(SPACE, tenant.id, {})).variablesVersion, 1);
    await assert.rejects(
      m.variables.listTenantValues(SPACE, web.id, {}),
      code('INVALID_INPUT', /only tenants have template values/),
    );
    await assert.rejects(
      m.variables.snapshot(SPACE, tenant.id),
      code('INVALID_INPUT', /holds values for variable templates/),
    );
  });

  it('deleting a tenant takes its values with it', async () => {
    const tenant = await newTenant();
    await m.variables.replaceTenantValues(
      SPACE,
      tenant.id,
      [{ librarySet: 'Common', template: 'Region', value: 'x' }],
      1,
      ACTOR,
    );
    await m.repo('tenant').delete(SPACE, tenant.id, ACTOR);
    assert.equal(
      (await m.store.db.selectFrom('variables').select('id').where('owner_id', '=', tenant.id).execute())
        .length,
      0,
    );
    assert.equal(
      (await m.store.db.selectFrom('resource_refs').select('path').where('from_id', '=', tenant.id).execute())
        .length,
      0,
    );
  });
});
