import assert from 'node:assert/strict';
import { it } from 'node:test';
import { busyPollDelay, POLL } from './poll.js';

it('a poll that needed retries slows the next ones down, doubling to a cap, until one goes through at once', () => {
  let delay = 0;
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    delay = busyPollDelay(delay, 2);
    seen.push(delay);
  }
  assert.deepEqual(seen, [2000, 4000, 8000, 16_000, 30_000, 30_000]);
  assert.equal(seen.at(-1), POLL.busyMaxMs);
  assert.equal(busyPollDelay(delay, 1), 0, 'an answer at the first attempt: the rollout sets the pace again');
  assert.equal(busyPollDelay(0, 1), 0);
});
