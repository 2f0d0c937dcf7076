import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { forEachBackend, tempDataDir } from '../../test/helpers/postgres.js';
import type { Store } from './database.js';
import {
  createSecretBox,
  generateMasterKey,
  MASTER_KEY_FILE,
  rotateMasterKey,
  secretBoxFromKey,
  secretContext,
  writeMasterKeyFile,
  type EncryptedColumn,
} from './secrets.js';

const PLAIN = 'hunter2-très-secret';
const CTX = secretContext('variable', 'Variables-1', 'value');

function unreadable(e: unknown): boolean {
  assert.ok(e instanceof SlipwayError, String(e));
  assert.equal(e.code, 'SECRET_UNREADABLE', e.message);
  assert.equal(e.owner, 'user');
  assert.ok(!e.message.includes(PLAIN), 'the message must not contain the value');
  assert.ok(!JSON.stringify(e.data).includes(PLAIN), 'the data must not contain the value');
  assert.equal(e.cause, undefined);
  return true;
}

function config(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'CONFIG', e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('secret box', () => {
  const box = secretBoxFromKey(randomBytes(32));

  it('round-trips, with a fresh IV each time and a self-describing format', () => {
    const a = box.encrypt(PLAIN, CTX);
    const b = box.encrypt(PLAIN, CTX);
    assert.notEqual(a, b);
    assert.match(a, /^v1:[0-9a-f]{8}:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]+$/);
    assert.equal(a.split(':')[1], box.keyId);
    assert.notEqual(a.split(':')[2], b.split(':')[2]);
    assert.ok(!a.includes(PLAIN));
    assert.equal(box.decrypt(a, CTX), PLAIN);
    assert.equal(box.decrypt(box.encrypt('', CTX), CTX), '');
  });

  it('refuses the wrong key, tampered data, another context, and garbage', () => {
    const c = box.encrypt(PLAIN, CTX);
    const other = secretBoxFromKey(randomBytes(32));
    assert.throws(() => other.decrypt(c, CTX), unreadable);
    assert.throws(() => other.decrypt(c, CTX), /encrypted with master key/);
    // Same key id claimed, different key: the tag check catches it.
    const forged = c.replace(box.keyId, other.keyId);
    assert.throws(() => other.decrypt(forged, CTX), unreadable);

    const parts = c.split(':');
    const ct = Buffer.from(parts[4]!, 'base64');
    ct[0]! ^= 1;
    const tampered = [...parts.slice(0, 4), ct.toString('base64')].join(':');
    assert.throws(() => box.decrypt(tampered, CTX), unreadable);
    const tag = Buffer.from(parts[3]!, 'base64');
    tag[0]! ^= 1;
    assert.throws(
      () => box.decrypt([...parts.slice(0, 3), tag.toString('base64'), parts[4]].join(':'), CTX),
      unreadable,
    );

    assert.throws(() => box.decrypt(c, secretContext('variable', 'Variables-2', 'value')), unreadable);
    assert.throws(
      () => box.decrypt(c, secretContext('variable', 'Variables-2', 'value')),
      /copied from another/,
    );
    assert.throws(() => box.decrypt(PLAIN, CTX), unreadable);
    assert.throws(() => box.decrypt('v2:' + c.slice(3), CTX), unreadable);
  });

  it('takes a valid SLIPWAY_MASTER_KEY and rejects anything else, saying how to make one', () => {
    const key = generateMasterKey();
    const dataDir = tempDataDir();
    const a = createSecretBox({ dataDir, env: { SLIPWAY_MASTER_KEY: key } });
    const b = secretBoxFromKey(Buffer.from(key, 'base64'));
    assert.equal(a.keyId, b.keyId);
    assert.equal(b.decrypt(a.encrypt(PLAIN, CTX), CTX), PLAIN);
    assert.equal(existsSync(join(dataDir, MASTER_KEY_FILE)), false, 'no key file when the env has one');
    for (const bad of [
      'abc',
      randomBytes(16).toString('base64'),
      randomBytes(32).toString('hex'),
      key + '!!',
    ]) {
      assert.throws(
        () => createSecretBox({ dataDir, env: { SLIPWAY_MASTER_KEY: bad } }),
        config(/SLIPWAY_MASTER_KEY must be the base64 encoding of exactly 32.*openssl rand -base64 32/),
      );
    }
  });

  it('creates the key file with mode 0600 once and reuses it', () => {
    const dataDir = join(tempDataDir(), 'nested');
    const a = createSecretBox({ dataDir, env: {} });
    const path = join(dataDir, MASTER_KEY_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const b = createSecretBox({ dataDir, env: {} });
    assert.equal(a.keyId, b.keyId);
    assert.equal(b.decrypt(a.encrypt(PLAIN, CTX), CTX), PLAIN);
    assert.equal(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').length, 32);
  });

  it(
    'refuses a key file that others can read, and a malformed one',
    { skip: process.platform === 'win32' },
    () => {
      const dataDir = tempDataDir();
      const path = join(dataDir, MASTER_KEY_FILE);
      writeFileSync(path, generateMasterKey(), { mode: 0o644 });
      chmodSync(path, 0o644);
      assert.throws(
        () => createSecretBox({ dataDir, env: {} }),
        config(/other users \(mode 644\).*chmod 600/),
      );
      chmodSync(path, 0o640);
      assert.throws(() => createSecretBox({ dataDir, env: {} }), config(/chmod 600/));
      chmodSync(path, 0o600);
      assert.ok(createSecretBox({ dataDir, env: {} }).keyId);
      writeFileSync(path, 'not a key');
      assert.throws(
        () => createSecretBox({ dataDir, env: {} }),
        config(/master key file .* must be the base64/),
      );
    },
  );

  it('writeMasterKeyFile replaces a key with mode 0600', () => {
    const dataDir = tempDataDir();
    const path = join(dataDir, MASTER_KEY_FILE);
    writeFileSync(path, 'old', { mode: 0o644 });
    const key = generateMasterKey();
    writeMasterKeyFile(dataDir, key);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(
      createSecretBox({ dataDir, env: {} }).keyId,
      secretBoxFromKey(Buffer.from(key, 'base64')).keyId,
    );
  });
});

forEachBackend('master key rotation', (backend) => {
  let store: Store;
  const columns: EncryptedColumn[] = [
    { table: 'test_secrets', column: 'secret', entityType: 'test-thing' },
    { table: 'test_other_secrets', idColumn: 'key', column: 'token', entityType: 'other', field: 'apiToken' },
  ];
  const ctx = (id: string) => secretContext('test-thing', id, 'secret');
  const secrets = async () =>
    (
      await sql<{
        id: string;
        secret: string | null;
      }>`select id, secret from test_secrets order by id`.execute(store.db)
    ).rows;

  before(async () => {
    store = await backend.open();
    await sql`create table test_secrets (id text primary key, secret text)`.execute(store.db);
    await sql`create table test_other_secrets (key text primary key, token text)`.execute(store.db);
  });

  it('re-encrypts every registered column so only the new key reads it', async () => {
    const oldBox = secretBoxFromKey(randomBytes(32));
    const newBox = secretBoxFromKey(randomBytes(32));
    await sql`delete from test_secrets`.execute(store.db);
    for (const id of ['a', 'b', 'c']) {
      await sql`insert into test_secrets values (${id}, ${oldBox.encrypt(`value-${id}`, ctx(id))})`.execute(
        store.db,
      );
    }
    await sql`insert into test_secrets values ('empty', null)`.execute(store.db);
    const otherCtx = secretContext('other', 'k1', 'apiToken');
    await sql`insert into test_other_secrets values ('k1', ${oldBox.encrypt('tok', otherCtx)})`.execute(
      store.db,
    );

    assert.deepEqual(await rotateMasterKey(store, oldBox, newBox, columns), {
      reencrypted: 4,
      alreadyCurrent: 0,
    });
    const rows = await secrets();
    for (const r of rows.filter((r) => r.secret !== null)) {
      assert.equal(newBox.decrypt(r.secret!, ctx(r.id)), `value-${r.id}`);
      assert.throws(
        () => oldBox.decrypt(r.secret!, ctx(r.id)),
        (e: unknown) => (e as SlipwayError).code === 'SECRET_UNREADABLE',
      );
    }
    assert.equal(rows.find((r) => r.id === 'empty')?.secret, null);
    const tok = (await sql<{ token: string }>`select token from test_other_secrets`.execute(store.db))
      .rows[0]!;
    assert.equal(newBox.decrypt(tok.token, otherCtx), 'tok');
    // Running it again (say, after a crash before the new key was saved) is harmless.
    assert.deepEqual(await rotateMasterKey(store, oldBox, newBox, columns), {
      reencrypted: 0,
      alreadyCurrent: 4,
    });
  });

  it('is all or nothing: one unreadable value leaves every row as it was', async () => {
    const oldBox = secretBoxFromKey(randomBytes(32));
    const newBox = secretBoxFromKey(randomBytes(32));
    await sql`delete from test_secrets`.execute(store.db);
    await sql`delete from test_other_secrets`.execute(store.db);
    await sql`insert into test_secrets values ('a', ${oldBox.encrypt('value-a', ctx('a'))})`.execute(
      store.db,
    );
    // Copied from row a into row b: its context does not match, so decryption fails mid-way.
    await sql`insert into test_secrets values ('b', ${oldBox.encrypt('value-a', ctx('a'))})`.execute(
      store.db,
    );
    const beforeRows = await secrets();
    await assert.rejects(rotateMasterKey(store, oldBox, newBox, columns), (e: unknown) => {
      assert.ok(e instanceof SlipwayError);
      assert.equal(e.code, 'SECRET_UNREADABLE');
      assert.match(e.message, /test-thing\/b\/secret/);
      return true;
    });
    assert.deepEqual(await secrets(), beforeRows);
    assert.equal(oldBox.decrypt(beforeRows[0]!.secret!, ctx('a')), 'value-a');
  });
});
