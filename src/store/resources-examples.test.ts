/**
 * The example document of every kind (test/kits/model-examples.ts) through the store with
 * the real kinds: created in EXAMPLE_ORDER, references by name stored as ids, read back, sent back
 * unchanged, with the example variables and tenant values, then deleted in reverse order.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import {
  EXAMPLE_ORDER,
  EXAMPLE_TENANT_VARIABLES,
  EXAMPLE_VARIABLES,
  EXAMPLES,
} from '../../test/kits/model-examples.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { Resource, ResourceKindName } from '../core/model/resource.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';

const SECRETS = [
  'hunter2-feed',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'correct-horse-battery',
  'tenant-token-123456',
];

forEachBackend('resources: the example of every kind', (backend) => {
  let m: Model;
  const created = new Map<ResourceKindName, Resource>();
  before(async () => {
    m = await openModel(backend, RESOURCE_KINDS);
  });

  it('creates every example in order, storing references as ids', async () => {
    for (const name of EXAMPLE_ORDER) {
      const repo = m.repo(name);
      const web = created.get('project');
      let resource: Resource;
      if (name === 'process') {
        const process = await repo.getSingleton(SPACE, web!.id);
        resource = (await repo.replace(SPACE, process.id, EXAMPLES.process, process.version, ACTOR)).resource;
      } else {
        resource = await repo.create(
          SPACE,
          EXAMPLES[name],
          ACTOR,
          m.kinds[name].parent ? web!.id : undefined,
        );
      }
      created.set(name, resource);
      assert.deepEqual(await repo.get(SPACE, resource.id), resource, name);
      // No reference in the stored document is still a name.
      const refs = m.kinds[name].refs(resource.data as never);
      for (const ref of refs) {
        if (ref.target === 'tag')
          assert.match(ref.value, /^Tier\/(Gold|Silver)$/, `${name} ${ref.path.join('.')}`);
        else assert.match(ref.value, /^[A-Za-z]+-[0-9a-f-]{36}$/, `${name} ${ref.path.join('.')}`);
      }
    }
    assert.equal(created.get('project')!.data.lifecycle, created.get('lifecycle')!.id);
    assert.deepEqual(created.get('team')!.data.members, [m.alice.id]);
    assert.deepEqual(created.get('feed')!.data.password, { set: true });
    assert.deepEqual(created.get('aws-account')!.data.secretAccessKey, { set: true });
    assert.deepEqual(await m.repo('feed').revealSecrets(SPACE, created.get('feed')!.id), {
      password: 'hunter2-feed',
    });
  });

  it('takes every document back unchanged: same version, nothing written', async () => {
    const audits = await m.count('audit_events');
    for (const name of EXAMPLE_ORDER) {
      const r = created.get(name)!;
      const result = await m.repo(name).replace(SPACE, r.id, r.data, r.version, ACTOR);
      assert.deepEqual(
        [result.changed, result.changedFields, result.resource.version],
        [false, [], r.version],
        name,
      );
    }
    assert.equal(await m.count('audit_events'), audits);
  });

  it('stores the example variables and tenant values', async () => {
    const web = created.get('project')!;
    const tenant = created.get('tenant')!;
    assert.equal((await m.variables.replace(SPACE, web.id, EXAMPLE_VARIABLES, 1, ACTOR)).added, 3);
    assert.equal(
      (await m.variables.replaceTenantValues(SPACE, tenant.id, EXAMPLE_TENANT_VARIABLES, 1, ACTOR)).added,
      3,
    );
    const snapshot = await m.variables.snapshot(SPACE, web.id);
    assert.equal(snapshot.find((v) => v.name === 'DbPassword')!.value, 'correct-horse-battery');
    const dump = JSON.stringify(
      await Promise.all(
        (['resources', 'audit_events', 'variables', 'resource_secrets'] as const).map((t) =>
          m.store.db.selectFrom(t).selectAll().execute(),
        ),
      ),
    );
    for (const secret of SECRETS) assert.ok(!dump.includes(secret), secret);
  });

  it('refuses to delete what others use, and deletes everything in reverse order', async () => {
    await assert.rejects(
      m.repo('lifecycle').delete(SPACE, created.get('lifecycle')!.id, ACTOR),
      code('IN_USE', /used by project "web" \(lifecycle\)/),
    );
    await assert.rejects(m.envs.delete(SPACE, m.prod.id, ACTOR), code('IN_USE', /lifecycle "Standard"/));
    for (const name of [...EXAMPLE_ORDER].reverse()) {
      if (name === 'process') continue;
      await m.repo(name).delete(SPACE, created.get(name)!.id, ACTOR);
    }
    assert.equal(await m.count('resources'), 0);
    assert.equal(await m.count('resource_refs'), 0);
    assert.equal(await m.count('resource_secrets'), 0);
    assert.equal(await m.count('variables'), 0);
    await m.envs.delete(SPACE, m.prod.id, ACTOR);
  });
});
