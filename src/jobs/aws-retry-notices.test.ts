import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, type SlipwayEvent } from '../core/events.js';
import { retryNotices } from './aws-retry-notices.js';

function retry(reason: string, errorCode: string): SlipwayEvent {
  return makeEvent('aws.retry', 'Retrying', {
    service: 'ecs',
    action: 'DescribeServices',
    attempt: 2,
    errorCode,
    reason,
  });
}

describe('retry notices in a step log', () => {
  it('writes one warning per kind per interval, saying what happens', () => {
    const lines: SlipwayEvent[] = [];
    let now = 0;
    const sink = retryNotices(
      (e) => lines.push(e),
      () => now,
      15_000,
    );
    sink(retry('transient', 'ECONNREFUSED'));
    sink(retry('transient', 'ECONNREFUSED'));
    sink(retry('throttling', 'ThrottlingException'));
    sink(makeEvent('aws.throttled', 'throttled', { reason: 'throttling' }));
    now = 14_999;
    sink(retry('transient', 'ECONNREFUSED'));
    now = 15_000;
    sink(retry('transient', 'ECONNRESET'));
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [
        ['warn', 'AWS did not answer ecs:DescribeServices (ECONNREFUSED); retrying (attempt 2).'],
        ['warn', 'AWS is throttling ecs:DescribeServices; Slipway slows down and retries (attempt 2).'],
        ['warn', 'AWS did not answer ecs:DescribeServices (ECONNRESET); retrying (attempt 2).'],
      ],
    );
    assert.ok(lines.every((l) => l.code === 'aws.retry'));
  });
});
