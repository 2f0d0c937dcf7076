import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, relativeTime } from './time.js';

describe('time', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  it('says how long ago', () => {
    assert.equal(relativeTime('2026-12-07T11:55:00Z', now), '5 minutes ago');
    assert.equal(relativeTime('2026-12-07T11:59:58Z', now), 'just now');
    assert.equal(relativeTime('2026-12-05T12:00:00Z', now), '2 days ago');
    assert.equal(relativeTime('not a time', now), 'not a time');
  });
  it('formats durations', () => {
    assert.equal(duration(5), '5 s');
    assert.equal(duration(184), '3 min 4 s');
    assert.equal(duration(3720), '1 h 2 min');
  });
});
