import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';
import { resourcesRepository } from './resources.js';
import { rotateMasterKey, secretBoxFromKey } from './secrets.js';
import { variablesRepository } from './variables.js';

const FEED = { name: 'Registry', type: 'docker', url: 'http://127.0.0.1:5000', username: 'ci' };
const PASSWORD = 'hunter2-feed-password';

forEachBackend('resources: secret fields', (backend) => {
  let m: Model;
  const everything = async () => {
    const tables = ['resources', 'resource_secrets', 'audit_events', 'resource_refs', 'variables'] as const;
    const dumps = await Promise.all(tables.map((t) => m.store.db.selectFrom(t).selectAll().execute()));
    return JSON.stringify(dumps);
  };
  before(async () => {
    m = await openModel(backend);
  });

  it('stores a secret field encrypted, shows only { set }, and never writes the value elsewhere', async () => {
    const feeds = m.repo('feed');
    const feed = await feeds.create(SPACE, { ...FEED, password: PASSWORD }, ACTOR);
    assert.deepEqual(feed.data.password, { set: true });
    assert.deepEqual((await feeds.get(SPACE, feed.id)).data.password, { set: true });
    assert.deepEqual(await feeds.revealSecrets(SPACE, feed.id), { password: PASSWORD });

    const rows = await m.store.db
      .selectFrom('resource_secrets')
      .selectAll()
      .where('resource_id', '=', feed.id)
      .execute();
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]!.id, rows[0]!.path], [`${feed.id}:password`, 'password']);
    assert.match(rows[0]!.value, /^v1:[0-9a-f]{8}:/);
    assert.ok(!rows[0]!.value.includes(PASSWORD));
    assert.ok(!(await everything()).includes(PASSWORD), 'the value appears nowhere in plain text');
    // Bound to its row: the ciphertext does not decrypt as another field's.
    assert.throws(() => m.secrets.decrypt(rows[0]!.value, `resource-secret/${feed.id}:other/value`));
  });

  it('keeps a secret on { set: true }, replaces it with a new value, clears it with null', async () => {
    const feeds = m.repo('feed');
    const feed = await feeds.create(SPACE, { ...FEED, name: 'Keep', password: PASSWORD }, ACTOR);
    // A read sent back unchanged is no change at all.
    const same = await feeds.replace(SPACE, feed.id, feed.data, 1, ACTOR);
    assert.deepEqual([same.changed, same.resource.version], [false, 1]);
    assert.deepEqual(await feeds.revealSecrets(SPACE, feed.id), { password: PASSWORD });
    // A new value is a change of `password`, though the document reads the same.
    const changed = await feeds.replace(
      SPACE,
      feed.id,
      { ...feed.data, password: 'second-password' },
      1,
      ACTOR,
    );
    assert.deepEqual(
      [changed.changed, changed.changedFields, changed.resource.data.password],
      [true, ['password'], { set: true }],
    );
    assert.deepEqual(await feeds.revealSecrets(SPACE, feed.id), { password: 'second-password' });
    const audit = await m.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', feed.id)
      .execute();
    assert.ok(!JSON.stringify(audit).includes('second-password'));
    assert.ok(!JSON.stringify(audit).includes(PASSWORD));

    const cleared = await feeds.replace(SPACE, feed.id, { ...feed.data, password: null }, 2, ACTOR);
    assert.deepEqual([cleared.changedFields, cleared.resource.data.password], [['password'], { set: false }]);
    assert.deepEqual(await feeds.revealSecrets(SPACE, feed.id), {});
    assert.equal(
      (
        await m.store.db
          .selectFrom('resource_secrets')
          .select('id')
          .where('resource_id', '=', feed.id)
          .execute()
      ).length,
      0,
    );
    await assert.rejects(
      feeds.replace(SPACE, feed.id, { ...feed.data, password: { set: true } }, 3, ACTOR),
      code(
        'INVALID_INPUT',
        /feed\.password: \{"set": true\} keeps the stored value, but there is nothing to keep; send the value/,
      ),
    );
  });

  it('refuses { set: true } on create and { env } references', async () => {
    const feeds = m.repo('feed');
    await assert.rejects(
      feeds.create(SPACE, { ...FEED, name: 'New', password: { set: true } }, ACTOR),
      code('INVALID_INPUT', /nothing to keep/),
    );
    await assert.rejects(
      feeds.create(SPACE, { ...FEED, name: 'Env', password: { env: 'FEED_PASSWORD' } }, ACTOR),
      code(
        'INVALID_INPUT',
        /feed\.password: \{"env": \.\.\.\} references are resolved by `slipway apply`.*send the value itself/,
      ),
    );
    assert.equal(await feeds.find(SPACE, 'New'), undefined);
  });

  it('handles secrets in every element of a list (path with *)', async () => {
    const accounts = m.repo('aws-account');
    const account = await accounts.create(
      SPACE,
      {
        name: 'Many',
        secretAccessKey: 'sak-1',
        tokens: [
          { name: 'a', token: 'tok-a' },
          { name: 'b', token: 'tok-b' },
        ],
      },
      ACTOR,
    );
    assert.deepEqual(account.data.tokens, [
      { name: 'a', token: { set: true } },
      { name: 'b', token: { set: true } },
    ]);
    assert.deepEqual(await accounts.revealSecrets(SPACE, account.id), {
      secretAccessKey: 'sak-1',
      'tokens.0.token': 'tok-a',
      'tokens.1.token': 'tok-b',
    });
    const next = await accounts.replace(
      SPACE,
      account.id,
      { name: 'Many', tokens: [{ name: 'a', token: { set: true } }] },
      1,
      ACTOR,
    );
    assert.deepEqual(next.changedFields, ['secretAccessKey', 'tokens']);
    assert.deepEqual(await accounts.revealSecrets(SPACE, account.id), { 'tokens.0.token': 'tok-a' });
  });

  it('rotation re-encrypts resource secrets and sensitive variables under the new key', async () => {
    const oldBox = secretBoxFromKey(randomBytes(32));
    const newBox = secretBoxFromKey(randomBytes(32));
    const rotated = await openModel(backend);
    const feeds = resourcesRepository(rotated.store.db, oldBox, rotated.kinds.feed, { kinds: rotated.kinds });
    const feed = await feeds.create(SPACE, { ...FEED, password: PASSWORD }, ACTOR);
    await rotated.repo('lifecycle').create(SPACE, { name: 'LC' }, ACTOR);
    const project = await rotated.repo('project').create(SPACE, { name: 'rot', lifecycle: 'LC' }, ACTOR);
    const oldVars = variablesRepository(rotated.store.db, oldBox, { kinds: rotated.kinds });
    await oldVars.replace(
      SPACE,
      project.id,
      [{ name: 'Db', type: 'sensitive', value: 'db-secret' }],
      1,
      ACTOR,
    );

    assert.deepEqual(await rotateMasterKey(rotated.store, oldBox, newBox), {
      reencrypted: 2,
      alreadyCurrent: 0,
    });
    const newFeeds = resourcesRepository(rotated.store.db, newBox, rotated.kinds.feed, {
      kinds: rotated.kinds,
    });
    assert.deepEqual(await newFeeds.revealSecrets(SPACE, feed.id), { password: PASSWORD });
    const newVars = variablesRepository(rotated.store.db, newBox, { kinds: rotated.kinds });
    assert.deepEqual(
      (await newVars.snapshot(SPACE, project.id)).map((v) => v.value),
      ['db-secret'],
    );
    await assert.rejects(feeds.revealSecrets(SPACE, feed.id), code('SECRET_UNREADABLE'));
    await assert.rejects(oldVars.snapshot(SPACE, project.id), code('SECRET_UNREADABLE'));
  });
});
