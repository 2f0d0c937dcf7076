import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { DEFAULT_SPACE_ID as SPACE } from '../core/model/space.js';
import { forEachBackend } from '../../test/helpers/postgres.js';
import type { Store } from './database.js';
import { environmentsRepository, type EnvironmentsRepository } from './environments.js';

const alice = { actor: 'alice', sourceIp: '10.0.0.7' };

function code(expected: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, expected, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

forEachBackend('environments', (backend) => {
  let store: Store;
  let envs: EnvironmentsRepository;
  const auditCount = async () =>
    Number(
      (
        await store.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    store = await backend.open();
    envs = environmentsRepository(store.db);
  });

  it('creates, reads, updates and deletes, with an audit row for each change', async () => {
    const created = await envs.create(SPACE, { name: 'Staging', description: 'pre-prod' }, alice);
    assert.equal(created.name, 'Staging');
    assert.equal(created.description, 'pre-prod');
    assert.equal(created.guidedFailure, false);
    assert.equal(created.version, 1);
    assert.ok(created.createdAt instanceof Date);
    assert.deepEqual(await envs.get(SPACE, created.id), created);
    assert.deepEqual(await envs.findByName(SPACE, 'STAGING'), created);

    const updated = await envs.update(SPACE, created.id, { guidedFailure: true }, 1, alice);
    assert.equal(updated.version, 2);
    assert.equal(updated.guidedFailure, true);
    assert.equal(updated.description, 'pre-prod');
    assert.ok(updated.updatedAt >= created.updatedAt);

    await envs.delete(SPACE, created.id, alice, 2);
    await assert.rejects(envs.get(SPACE, created.id), code('NOT_FOUND', /no environment/));
    await assert.rejects(envs.delete(SPACE, created.id, alice), code('NOT_FOUND'));

    const audit = await store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', created.id)
      .execute();
    // Sorted by action: the three may share a timestamp.
    assert.deepEqual(audit.map((a) => [a.action, a.actor, a.source_ip, a.entity_type, a.space_id]).sort(), [
      ['create', 'alice', '10.0.0.7', 'environment', SPACE],
      ['delete', 'alice', '10.0.0.7', 'environment', SPACE],
      ['update', 'alice', '10.0.0.7', 'environment', SPACE],
    ]);
    const upd = audit.find((a) => a.action === 'update')!;
    assert.deepEqual(
      [upd.before, upd.after].map((j) => (j as { guidedFailure: boolean }).guidedFailure),
      [false, true],
    );
    const del = audit.find((a) => a.action === 'delete')!;
    assert.equal(del.after, null);
    assert.equal((del.before as { name: string }).name, 'Staging');
  });

  it('refuses a duplicate name, ignoring case, and names it', async () => {
    await envs.create(SPACE, { name: 'Unique-1' }, alice);
    const before = await auditCount();
    await assert.rejects(
      envs.create(SPACE, { name: 'unique-1' }, alice),
      code('ALREADY_EXISTS', /"unique-1" already exists/),
    );
    const other = await envs.create(SPACE, { name: 'Unique-2' }, alice);
    await assert.rejects(
      envs.update(SPACE, other.id, { name: 'UNIQUE-1' }, other.version, alice),
      code('ALREADY_EXISTS', /"UNIQUE-1"/),
    );
    assert.equal(await auditCount(), before + 1, 'only the successful create is audited');
    assert.equal((await envs.get(SPACE, other.id)).name, 'Unique-2');
  });

  it('lets one of two updates at the same version win; the other gets CONFLICT and writes no audit row', async () => {
    const env = await envs.create(SPACE, { name: 'Race' }, alice);
    const before = await auditCount();
    const results = await Promise.allSettled([
      envs.update(SPACE, env.id, { description: 'from A' }, env.version, { actor: 'a' }),
      envs.update(SPACE, env.id, { description: 'from B' }, env.version, { actor: 'b' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    code('CONFLICT', /changed since you read it \(you had version 1, it is now at 2\)/)(lost[0]!.reason);
    assert.equal(await auditCount(), before + 1);
    const now = await envs.get(SPACE, env.id);
    assert.equal(now.version, 2);
    await assert.rejects(envs.delete(SPACE, env.id, alice, 1), code('CONFLICT'));
  });

  it('writes nothing, not even the audit row, when the surrounding transaction fails', async () => {
    const before = await auditCount();
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await environmentsRepository(trx).create(SPACE, { name: 'Ghost' }, alice);
        throw new Error('later step failed');
      }),
      /later step failed/,
    );
    assert.equal(await envs.findByName(SPACE, 'Ghost'), undefined);
    assert.equal(await auditCount(), before);
  });

  it('rejects bad input naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /environment\.name: name must be a string/],
      [{ name: '' }, /environment\.name: name must not be empty/],
      [{ name: ' Dev' }, /environment\.name: .*whitespace/],
      [{ name: 'Dev', sortOrder: 1.5 }, /environment\.sortOrder: sortOrder must be a whole number/],
      [
        { name: 'Dev', guidedFailure: 'yes' },
        /environment\.guidedFailure: guidedFailure must be true or false/,
      ],
      [{ name: 'Dev', colour: 'red' }, /unknown field "colour"/],
    ];
    for (const [input, pattern] of cases) {
      await assert.rejects(envs.create(SPACE, input, alice), code('INVALID_INPUT', pattern));
    }
    const env = await envs.create(SPACE, { name: 'Valid' }, alice);
    await assert.rejects(envs.update(SPACE, env.id, {}, 1, alice), code('INVALID_INPUT', /at least one/));
    await assert.rejects(envs.create('Spaces-none', { name: 'X' }, alice), code('NOT_FOUND', /no space/));
  });

  it('pages through a filtered list in sort order with a cursor', async () => {
    for (let i = 0; i < 7; i++) {
      await envs.create(SPACE, { name: `Page ${i}`, sortOrder: 1000 + (i % 3) }, alice);
    }
    await envs.create(SPACE, { name: 'Elsewhere', sortOrder: 1000 }, alice);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await envs.list(SPACE, { name: 'page', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['Page 0', 'Page 3', 'Page 6', 'Page 1', 'Page 4', 'Page 2', 'Page 5']);
    const all = await envs.list(SPACE);
    assert.ok(all.items.length >= 8);
    await assert.rejects(envs.list(SPACE, { cursor: 'nonsense' }), code('INVALID_INPUT', /cursor/));
    await assert.rejects(envs.list(SPACE, { limit: 0 }), code('INVALID_INPUT', /limit must be at least 1/));
  });

  it('lists only the ids a scoped caller may see, with full pages', async () => {
    const a = await envs.create(SPACE, { name: 'Scoped A' }, alice);
    const b = await envs.create(SPACE, { name: 'Scoped B' }, alice);
    const page = await envs.list(SPACE, { limit: 1 }, { ids: new Set([a.id, b.id]) });
    assert.deepEqual(
      page.items.map((e) => e.id),
      [a.id],
    );
    assert.ok(page.nextCursor);
    const rest = await envs.list(
      SPACE,
      { limit: 1, cursor: page.nextCursor },
      { ids: new Set([a.id, b.id]) },
    );
    assert.deepEqual(
      rest.items.map((e) => e.id),
      [b.id],
    );
    assert.deepEqual((await envs.list(SPACE, {}, { ids: new Set() })).items, []);
  });

  it('places a new environment after the last one by default', async () => {
    const last = await envs.create(SPACE, { name: 'Far', sortOrder: 5000 }, alice);
    const next = await envs.create(SPACE, { name: 'Next' }, alice);
    assert.equal(next.sortOrder, last.sortOrder + 1);
  });
});
