import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moved, orderPatches } from './environment-order.js';

const envs = [
  { id: 'E1', version: 1, sortOrder: 0 },
  { id: 'E2', version: 3, sortOrder: 1 },
  { id: 'E3', version: 1, sortOrder: 2 },
];

describe('environment order', () => {
  it('moves one place up or down, and not past either end', () => {
    assert.deepEqual(
      moved(envs, 2, -1).map((e) => e.id),
      ['E1', 'E3', 'E2'],
    );
    assert.deepEqual(
      moved(envs, 0, 1).map((e) => e.id),
      ['E2', 'E1', 'E3'],
    );
    assert.deepEqual(
      moved(envs, 0, -1).map((e) => e.id),
      ['E1', 'E2', 'E3'],
    );
    assert.deepEqual(
      moved(envs, 2, 5).map((e) => e.id),
      ['E1', 'E2', 'E3'],
    );
  });

  it('patches only the environments whose sortOrder changes, with the version read', () => {
    assert.deepEqual(orderPatches(moved(envs, 2, -1)), [
      { id: 'E3', version: 1, sortOrder: 1 },
      { id: 'E2', version: 3, sortOrder: 2 },
    ]);
    assert.deepEqual(orderPatches(envs), []);
  });

  it('renumbers environments that share a sortOrder', () => {
    const same = envs.map((e) => ({ ...e, sortOrder: 5 }));
    assert.deepEqual(
      orderPatches(same).map((p) => [p.id, p.sortOrder]),
      [
        ['E1', 0],
        ['E2', 1],
        ['E3', 2],
      ],
    );
  });
});
