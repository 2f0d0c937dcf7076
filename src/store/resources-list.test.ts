import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import type { Resource } from '../core/model/resource.js';
import { ACTOR, code, openModel, SPACE, type Model } from '../../test/kits/store-resources.js';

forEachBackend('resources: lists', (backend) => {
  let m: Model;
  const names = (items: Resource[]) => items.map((r) => r.name);
  before(async () => {
    m = await openModel(backend);
    await m
      .repo('tag-set')
      .create(SPACE, { name: 'Tier', tags: [{ name: 'Gold' }, { name: 'Silver' }] }, ACTOR);
    // Names that sort differently by case and by code point, and two that differ only in case order.
    const tenants = [
      'beta',
      'Alpha',
      'gamma',
      'Delta',
      'epsilon',
      'Zeta',
      'eta',
      'Theta',
      'iota',
      'Kappa',
      'lambda',
    ];
    for (const [i, name] of tenants.entries()) {
      await m
        .repo('tenant')
        .create(SPACE, { name, tags: i % 3 === 0 ? ['Tier/Gold'] : ['Tier/Silver'] }, ACTOR);
    }
  });

  it('pages in name order ignoring case; the pages together are the whole list', async () => {
    const all = await m.repo('tenant').list(SPACE, { limit: 500 });
    assert.equal(all.nextCursor, undefined);
    assert.deepEqual(names(all.items), [
      'Alpha',
      'beta',
      'Delta',
      'epsilon',
      'eta',
      'gamma',
      'iota',
      'Kappa',
      'lambda',
      'Theta',
      'Zeta',
    ]);
    for (const limit of [1, 2, 3, 4, 10, 11]) {
      const seen: Resource[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await m.repo('tenant').list(SPACE, { limit, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.deepEqual(seen, all.items, `limit ${limit}`);
      assert.equal(pages, Math.ceil(11 / limit), `limit ${limit}`);
    }
  });

  it('stays correct when rows are added between pages', async () => {
    const first = await m.repo('tenant').list(SPACE, { limit: 3 });
    assert.deepEqual(names(first.items), ['Alpha', 'beta', 'Delta']);
    const added = await m.repo('tenant').create(SPACE, { name: 'AAA-late' }, ACTOR);
    const second = await m.repo('tenant').list(SPACE, { limit: 3, cursor: first.nextCursor });
    assert.deepEqual(names(second.items), ['epsilon', 'eta', 'gamma']);
    await m.repo('tenant').delete(SPACE, added.id, ACTOR);
  });

  it("filters by name substring, by the kind's list filters, and by ids", async () => {
    assert.deepEqual(names((await m.repo('tenant').list(SPACE, { name: 'ET' })).items), [
      'beta',
      'eta',
      'Theta',
      'Zeta',
    ]);
    const gold = await m.repo('tenant').list(SPACE, { tag: 'Tier/Gold' });
    assert.deepEqual(names(gold.items), ['beta', 'Delta', 'eta', 'Kappa']);
    const paged = await m.repo('tenant').list(SPACE, { tag: 'Tier/Gold', limit: 3 });
    assert.deepEqual(
      names((await m.repo('tenant').list(SPACE, { tag: 'Tier/Gold', cursor: paged.nextCursor })).items),
      ['Kappa'],
    );
    assert.deepEqual(
      names((await m.repo('tenant').list(SPACE, { tag: ['Tier/Gold', 'Tier/Silver'] })).items),
      [],
    );
    const ids = new Set(gold.items.slice(0, 2).map((t) => t.id));
    assert.deepEqual(names((await m.repo('tenant').list(SPACE, {}, { ids })).items), ['beta', 'Delta']);
    assert.deepEqual((await m.repo('tenant').list(SPACE, {}, { ids: new Set() })).items, []);
  });

  it('lists nested kinds per project, and across projects without one', async () => {
    await m.repo('lifecycle').create(SPACE, { name: 'L' }, ACTOR);
    const a = await m.repo('project').create(SPACE, { name: 'pa', lifecycle: 'L' }, ACTOR);
    const b = await m.repo('project').create(SPACE, { name: 'pb', lifecycle: 'L' }, ACTOR);
    await m.repo('channel').create(SPACE, { name: 'Only-a' }, ACTOR, a.id);
    assert.deepEqual(names((await m.repo('channel').list(SPACE, {}, { parentId: a.id })).items), [
      'Default',
      'Only-a',
    ]);
    assert.deepEqual(names((await m.repo('channel').list(SPACE, {}, { parentId: b.id })).items), ['Default']);
    assert.equal((await m.repo('channel').list(SPACE, {})).items.length, 3);
    const byLifecycle = await m
      .repo('project')
      .list(SPACE, { lifecycle: (await m.repo('lifecycle').find(SPACE, 'L'))!.id });
    assert.deepEqual(names(byLifecycle.items), ['pa', 'pb']);
  });

  it('rejects unknown query fields, naming them and what the list takes, and bad cursors and limits', async () => {
    await assert.rejects(
      m.repo('tenant').list(SPACE, { colour: 'red', size: 1 }),
      code(
        'INVALID_INPUT',
        /unknown fields "colour", "size" \(a tenant list takes limit, cursor, name, tag\)/,
      ),
    );
    await assert.rejects(
      m.repo('tag-set').list(SPACE, { tag: 'x' }),
      code('INVALID_INPUT', /unknown field "tag" \(a tag set list takes limit, cursor, name\)/),
    );
    await assert.rejects(
      m.repo('tenant').list(SPACE, { tag: '' }),
      code('INVALID_INPUT', /tag must be a non-empty string/),
    );
    await assert.rejects(
      m.repo('tenant').list(SPACE, { cursor: 'nonsense' }),
      code('INVALID_INPUT', /cursor: not a cursor this server returned/),
    );
    await assert.rejects(
      m.repo('tenant').list(SPACE, { limit: 0 }),
      code('INVALID_INPUT', /limit must be at least 1/),
    );
    assert.equal((await m.repo('tenant').list(SPACE, { limit: '2' })).items.length, 2);
  });
});
