import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../../test/helpers/prng.js';
import { releasesToRemove, type RetentionCandidate, type RetentionPolicy } from './index.js';

const NOW = new Date('2026-06-30T12:00:00Z');
const DAY = 86_400_000;

function release(id: string, daysAgo: number, current = false, version = id): RetentionCandidate {
  return { id, version, createdAt: new Date(NOW.getTime() - daysAgo * DAY), current };
}

// Listed out of order on purpose.
const RELEASES = [
  release('1.0.2', 20),
  release('1.0.0', 40),
  release('1.0.4', 1),
  release('1.0.1', 30, true), // deployed somewhere now
  release('1.0.3', 10),
];

describe('releasesToRemove', () => {
  const cases: [string, RetentionPolicy, string[]][] = [
    ['keep all', { keep: 'all' }, []],
    [
      'keep 2: the older ones go, newest first, never the current one',
      { keep: 'count', count: 2 },
      ['1.0.2', '1.0.0'],
    ],
    ['keep 1', { keep: 'count', count: 1 }, ['1.0.3', '1.0.2', '1.0.0']],
    ['keep more than there are', { keep: 'count', count: 10 }, []],
    ['keep 15 days', { keep: 'days', days: 15 }, ['1.0.2', '1.0.0']],
    ['keep 20 days: exactly 20 days old is kept', { keep: 'days', days: 20 }, ['1.0.0']],
    ['keep 365 days', { keep: 'days', days: 365 }, []],
  ];
  for (const [what, policy, expected] of cases) {
    it(what, () => assert.deepEqual(releasesToRemove(RELEASES, policy, NOW), expected));
  }

  it('releases created at the same moment: the higher version is newer', () => {
    const same = [
      release('a', 1, false, '1.10.0'),
      release('b', 1, false, '1.9.0'),
      release('c', 1, false, '1.2.0'),
    ];
    assert.deepEqual(releasesToRemove(same, { keep: 'count', count: 1 }, NOW), ['b', 'c']);
  });

  it('nothing to remove from nothing', () => {
    assert.deepEqual(releasesToRemove([], { keep: 'count', count: 1 }, NOW), []);
  });

  it('property: never removes a current release; keeps at least the newest N', () => {
    const rand = prng(99);
    for (let run = 0; run < 200; run++) {
      const candidates = Array.from({ length: Math.floor(rand() * 10) }, (_, i) =>
        release(`r${i}`, Math.floor(rand() * 100), rand() < 0.3),
      );
      const count = 1 + Math.floor(rand() * 5);
      const removed = new Set(releasesToRemove(candidates, { keep: 'count', count }, NOW));
      for (const c of candidates) if (c.current) assert.ok(!removed.has(c.id));
      assert.ok(candidates.length - removed.size >= Math.min(count, candidates.length));
      const days = 1 + Math.floor(rand() * 100);
      for (const id of releasesToRemove(candidates, { keep: 'days', days }, NOW)) {
        const c = candidates.find((x) => x.id === id);
        assert.ok(c !== undefined && !c.current && NOW.getTime() - c.createdAt.getTime() > days * DAY);
      }
    }
  });
});
