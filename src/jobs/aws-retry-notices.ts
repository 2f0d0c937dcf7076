/**
 * What a step's log says while its AWS calls are being retried: an operator watching a deployment
 * that seems to stand still learns why (AWS unreachable, or throttling), without one line per
 * retry. At most one line per kind per `everyMs` for the step.
 */
import type { EventSink, SlipwayEvent } from '../core/events.js';

/** Default gap between two notices of the same kind in one step's log. */
export const RETRY_NOTICE_EVERY_MS = 15_000;

/** An EventSink for the step's AWS clients that writes throttled notices through `write`. */
export function retryNotices(
  write: (event: SlipwayEvent) => void,
  now: () => number = Date.now,
  everyMs: number = RETRY_NOTICE_EVERY_MS,
): EventSink {
  const last = new Map<string, number>();
  return (event) => {
    if (event.code !== 'aws.retry') return;
    const reason = typeof event.data.reason === 'string' ? event.data.reason : 'transient';
    const at = now();
    const before = last.get(reason);
    if (before !== undefined && at - before < everyMs) return;
    last.set(reason, at);
    const call = [event.data.service, event.data.action].filter((p) => typeof p === 'string').join(':');
    const what =
      reason === 'throttling'
        ? `AWS is throttling ${call || 'calls'}; Slipway slows down and retries`
        : reason === 'transient'
          ? `AWS did not answer ${call || 'a call'} (${String(event.data.errorCode ?? 'no answer')}); retrying`
          : `AWS refused ${call || 'a call'} for now (${String(event.data.errorCode ?? reason)}); retrying`;
    write({ ...event, level: 'warn', message: `${what} (attempt ${String(event.data.attempt ?? '?')}).` });
  };
}
