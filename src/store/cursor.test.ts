/**
 * The cursor codec: what it refuses (INVALID_INPUT naming the cursor), and that whatever it
 * accepts, however odd, the database takes too (PGlite and PostgreSQL).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { DEFAULT_SPACE_ID } from '../core/model/space.js';
import { listAuditEvents } from './audit.js';
import { cursorCodec, cursorInt4, cursorText, cursorTime, encodeNameCursor, keysetPage } from './cursor.js';
import type { Store } from './database.js';
import { environmentsRepository } from './environments.js';
import { listUsers } from './users.js';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function refused(root: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'INVALID_INPUT');
    assert.equal(
      e.message,
      `Invalid ${root}: ${root}.cursor: not a cursor this server returned (start again without one)`,
    );
    assert.deepEqual(e.data?.issues, [e.message.slice(`Invalid ${root}: `.length)]);
    return true;
  };
}

// Odd but valid keys: the database must take each of them in the condition it builds.
const ODD_TEXT = ['', 'ÄÖÜ straße', '𝄞 clef', 'it\'s \\ "quoted"', 'x'.repeat(5000)];
const ODD_INT = [-2_147_483_648, 0, 2_147_483_647];
const ODD_TIME = [
  '0001-01-01T00:00:00.000000Z',
  '2024-02-29T23:59:59.999999Z',
  '9999-12-31T23:59:59.999999Z',
];

describe('cursor codec', () => {
  const codec = cursorCodec(cursorInt4, cursorText, cursorTime);

  it('decodes what it encodes', () => {
    const keys: [number, string, string][] = [
      [0, 'Dev', '2026-01-01T00:00:00.000000Z'],
      [-5, '𝄞', '2024-02-29T12:34:56.123456Z'],
    ];
    for (const key of keys) {
      assert.deepEqual(codec.decode(codec.encode(key)), key);
    }
  });

  it('refuses what it never encodes, naming the cursor under the query’s root', () => {
    const bad: unknown[] = [
      [2_147_483_648, 'Dev', '2026-01-01T00:00:00.000000Z'],
      [1.5, 'Dev', '2026-01-01T00:00:00.000000Z'],
      ['1', 'Dev', '2026-01-01T00:00:00.000000Z'],
      [1, 'Dev\u0000', '2026-01-01T00:00:00.000000Z'],
      [1, '\udc00', '2026-01-01T00:00:00.000000Z'],
      [1, 'Dev', '2026-02-29T00:00:00.000000Z'], // not a leap year
      [1, 'Dev', '2026-04-31T00:00:00.000000Z'],
      [1, 'Dev', '2026-01-01T23:60:00.000000Z'],
      [1, 'Dev', '0000-01-01T00:00:00.000000Z'],
      [1, 'Dev', '2026-01-01T00:00:00.000Z'],
      [1, 'Dev', '2026-01-01 00:00:00.000000Z'],
      [1, 'Dev'],
      [1, 'Dev', '2026-01-01T00:00:00.000000Z', 'more'],
      { 0: 1, 1: 'Dev', 2: '2026-01-01T00:00:00.000000Z' },
      null,
    ];
    for (const value of bad) {
      assert.throws(() => codec.decode(cursorOf(value)), refused('list query'), JSON.stringify(value));
    }
    assert.throws(() => codec.decode('not json at all'), refused('list query'));
    assert.throws(() => codec.decode('%%%'), refused('list query'));
    assert.throws(() => codec.decode(cursorOf(null), 'audit query'), refused('audit query'));
  });

  it('keysetPage: the extra row only says there is a next page, cut after the last item', () => {
    const rows = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const cursor = (r: { n: number }) => `after-${r.n}`;
    assert.deepEqual(
      keysetPage(rows, 2, (r) => r.n, cursor),
      { items: [1, 2], nextCursor: 'after-2' },
    );
    assert.deepEqual(
      keysetPage(rows, 3, (r) => r.n, cursor),
      { items: [1, 2, 3] },
    );
  });
});

forEachBackend('cursors in SQL', (backend) => {
  let store: Store;
  before(async () => {
    store = await backend.open();
  });

  it('the database takes every odd cursor the codec accepts, on lists by name, sort order and time', async () => {
    const environments = environmentsRepository(store.db);
    const order = cursorCodec(cursorInt4, cursorText);
    for (const text of ODD_TEXT) {
      assert.deepEqual((await listUsers(store.db, { cursor: encodeNameCursor(text, text) })).items, []);
      for (const n of ODD_INT) {
        await environments.list(DEFAULT_SPACE_ID, { cursor: order.encode([n, text]) });
      }
      for (const time of ODD_TIME) {
        await listAuditEvents(store.db, DEFAULT_SPACE_ID, { cursor: cursorOf([time, text]) });
      }
    }
  });
});
