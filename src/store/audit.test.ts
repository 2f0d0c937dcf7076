import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { AuditEvent } from '../core/model/audit.js';
import { DEFAULT_SPACE_ID as SPACE } from '../core/model/space.js';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { auditTrail, listAuditEvents, recordAudit, redactSecrets, REDACTED } from './audit.js';
import type { Store } from './database.js';
import { environmentsRepository } from './environments.js';

const alice = { actor: 'alice', sourceIp: '10.0.0.7' };
const bob = { actor: 'bob' };
const OTHER_SPACE = 'Spaces-audit-other';

function invalid(field: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'INVALID_INPUT', e.message);
    assert.match(e.message, new RegExp(`audit query\\.${field}: `));
    return true;
  };
}

forEachBackend('audit log', (backend) => {
  let store: Store;
  const list = (query: Record<string, unknown> = {}) => listAuditEvents(store.db, SPACE, query);
  const ids = (items: AuditEvent[]) => items.map((e) => e.entityId);

  // Rows at fixed times (inserted directly: recordAudit takes the database's clock).
  const at = (iso: string, entityId: string, action = 'update', actor = 'carol', spaceId = SPACE) =>
    store.db
      .insertInto('audit_events')
      .values({
        id: `AuditEvents-${entityId}-${action}`,
        space_id: spaceId,
        actor,
        occurred_at: new Date(iso),
        source_ip: null,
        action,
        entity_type: 'timed',
        entity_id: entityId,
        before: null,
        after: JSON.stringify({ n: entityId }),
      })
      .execute();

  before(async () => {
    store = await backend.open();
    await store.db.insertInto('spaces').values({ id: OTHER_SPACE, name: 'Audit other' }).execute();
    await at('2026-01-01T00:00:00Z', 't1');
    await at('2026-01-02T00:00:00Z', 't2', 'create', 'dave');
    await at('2026-01-03T00:00:00Z', 't3');
    await at('2026-01-04T00:00:00Z', 't4', 'delete');
    await at('2026-01-02T12:00:00Z', 'elsewhere', 'update', 'carol', OTHER_SPACE);
  });

  it('lists the changes of a repository, newest first, with before/after as stored', async () => {
    const envs = environmentsRepository(store.db);
    const env = await envs.create(SPACE, { name: 'Audited' }, alice);
    await envs.update(SPACE, env.id, { description: 'changed' }, 1, bob);
    const page = await list({ entityId: env.id });
    assert.deepEqual(
      page.items.map((e) => [e.action, e.actor, e.sourceIp, e.entityType, e.spaceId]),
      [
        ['update', 'bob', null, 'environment', SPACE],
        ['create', 'alice', '10.0.0.7', 'environment', SPACE],
      ],
    );
    assert.equal(page.nextCursor, undefined);
    const [upd, crt] = page.items;
    assert.equal((upd?.before as { description: string }).description, '');
    assert.equal((upd?.after as { description: string }).description, 'changed');
    assert.equal(crt?.before, null);
    assert.ok(crt?.occurredAt instanceof Date);
  });

  it('filters by entity type, entity id, actor and action, and only in the space', async () => {
    assert.deepEqual(ids((await list({ entityType: 'timed' })).items), ['t4', 't3', 't2', 't1']);
    assert.deepEqual(ids((await list({ entityType: 'timed', actor: 'dave' })).items), ['t2']);
    assert.deepEqual(ids((await list({ entityType: 'timed', action: 'delete' })).items), ['t4']);
    assert.deepEqual(ids((await list({ entityId: 't3' })).items), ['t3']);
    assert.deepEqual(ids((await list({ actor: 'nobody' })).items), []);
    assert.deepEqual(ids((await listAuditEvents(store.db, OTHER_SPACE, {})).items), ['elsewhere']);
  });

  it('filters by a time window: from inclusive, to exclusive', async () => {
    const window = { entityType: 'timed', from: '2026-01-02T00:00:00Z', to: '2026-01-04T00:00:00Z' };
    assert.deepEqual(ids((await list(window)).items), ['t3', 't2']);
    // Any zone is accepted; 2026-01-03T01:00+02:00 is 2026-01-02T23:00Z.
    assert.deepEqual(ids((await list({ entityType: 'timed', to: '2026-01-03T01:00:00+02:00' })).items), [
      't2',
      't1',
    ]);
  });

  it('pages through events that share a timestamp, without gaps or repeats', async () => {
    // One transaction: every row gets the same now(), so only the id orders them.
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 7; i++) {
        await recordAudit(trx, alice, {
          spaceId: SPACE,
          action: 'create',
          entityType: 'paged',
          entityId: `p${i}`,
        });
      }
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ entityType: 'paged', limit: 3, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 3);
      seen.push(...ids(page.items));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    // Pages agree with one big page's order.
    assert.deepEqual(seen, ids((await list({ entityType: 'paged' })).items));
    // Times a microsecond apart (a JS Date holds milliseconds) still page exactly.
    for (const [i, us] of ['000001', '000002', '000003'].entries()) {
      await store.db
        .insertInto('audit_events')
        .values({
          id: `AuditEvents-us-${i}`,
          space_id: SPACE,
          actor: 'carol',
          occurred_at: sql<Date>`${`2026-02-01T00:00:00.${us}Z`}::timestamptz`,
          source_ip: null,
          action: 'update',
          entity_type: 'micro',
          entity_id: `u${i}`,
          before: null,
          after: null,
        })
        .execute();
    }
    const p1 = await list({ entityType: 'micro', limit: 1 });
    const p2 = await list({ entityType: 'micro', limit: 1, cursor: p1.nextCursor });
    const p3 = await list({ entityType: 'micro', limit: 1, cursor: p2.nextCursor });
    assert.deepEqual([...ids(p1.items), ...ids(p2.items), ...ids(p3.items)], ['u2', 'u1', 'u0']);
    assert.equal(p3.nextCursor, undefined);
    // The limit also accepts a query-string number.
    assert.equal((await list({ entityType: 'timed', limit: '2' })).items.length, 2);
  });

  it('refuses a bad query with INVALID_INPUT naming the field', async () => {
    await assert.rejects(list({ limit: 0 }), invalid('limit'));
    await assert.rejects(list({ limit: 501 }), invalid('limit'));
    await assert.rejects(list({ limit: 'many' }), invalid('limit'));
    await assert.rejects(list({ action: 'rename' }), invalid('action'));
    await assert.rejects(list({ from: 'yesterday' }), invalid('from'));
    await assert.rejects(list({ to: '2026-01-01T00:00:00' }), invalid('to'));
    await assert.rejects(list({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }), invalid('to'));
    await assert.rejects(list({ actor: '' }), invalid('actor'));
    await assert.rejects(list({ cursor: 'not-a-cursor' }), invalid('cursor'));
    await assert.rejects(list({ colour: 'red' }), (e: unknown) => {
      assert.ok(e instanceof SlipwayError && e.code === 'INVALID_INPUT');
      assert.match(e.message, /unknown field "colour"/);
      return true;
    });
  });

  it('an audit trail records create, update and delete of an entity through its JSON form', async () => {
    type Gadget = { id: string; kind: string; size: number };
    const trail = auditTrail<Gadget>(
      (g) => g.kind,
      (g) => ({ id: g.id, size: g.size, token: 'x' }),
    );
    const small = { id: 'Gadgets-1', kind: 'gadget', size: 1 };
    const large = { ...small, size: 2 };
    await store.db.transaction().execute(async (trx) => {
      assert.equal(await trail.created(trx, alice, SPACE, small), small);
      assert.equal(await trail.updated(trx, bob, SPACE, small, large), large);
      assert.equal(await trail.deleted(trx, bob, null, large), undefined);
    });
    const events = (await list({ entityType: 'gadget' })).items;
    // One transaction, one now(): sorted by action, not by time.
    assert.deepEqual(events.map((e) => [e.action, e.actor, e.entityId, e.before, e.after]).sort(), [
      ['create', 'alice', 'Gadgets-1', null, { id: 'Gadgets-1', size: 1, token: REDACTED }],
      [
        'update',
        'bob',
        'Gadgets-1',
        { id: 'Gadgets-1', size: 1, token: REDACTED },
        { id: 'Gadgets-1', size: 2, token: REDACTED },
      ],
    ]);
    // The delete has no space: it is not among the space's events.
    const [deleted] = await store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_type', '=', 'gadget')
      .where('action', '=', 'delete')
      .execute();
    assert.equal(deleted?.space_id, null);
    assert.deepEqual(deleted?.before, { id: 'Gadgets-1', size: 2, token: REDACTED });
    assert.equal(deleted?.after, null);
  });

  it('redacts secret-looking keys, at any depth, when recording', async () => {
    await store.db.transaction().execute((trx) =>
      recordAudit(trx, alice, {
        spaceId: SPACE,
        action: 'update',
        entityType: 'feed',
        entityId: 'Feeds-1',
        before: { name: 'hub', password: 'old', apiKey: 'k1', monkey: 'kept' },
        after: {
          name: 'hub',
          password: 'new',
          apiKey: 'k2',
          monkey: 'kept',
          auth: { client_secret: 's', accessToken: 't', tokenizer: 'kept', emptyKey: null },
          keys: ['a', 'b'],
          list: [{ secret: 'x', id: 1 }],
        },
      }),
    );
    const [event] = (await list({ entityType: 'feed' })).items;
    assert.deepEqual(event?.before, { name: 'hub', password: REDACTED, apiKey: REDACTED, monkey: 'kept' });
    assert.deepEqual(event?.after, {
      name: 'hub',
      password: REDACTED,
      apiKey: REDACTED,
      monkey: 'kept',
      auth: { client_secret: REDACTED, accessToken: REDACTED, tokenizer: 'kept', emptyKey: null },
      keys: REDACTED,
      list: [{ secret: REDACTED, id: 1 }],
    });
    assert.deepEqual(redactSecrets('plain'), 'plain');
  });
});
