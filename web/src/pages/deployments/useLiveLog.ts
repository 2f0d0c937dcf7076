/**
 * A deployment's task log, live: Server-Sent Events from GET .../log/stream (EventSource sends the
 * session cookie, same origin), lines batched into one render per 150 ms, resumed after the last
 * seq on reconnect, and, when the stream cannot be opened at all, paging GET .../log every 2 s.
 */
import { useEffect, useRef, useState } from 'react';
import { get, spacePath, withQuery } from '../../api/client.js';
import { isFinal } from '../../lib/states.js';
import { appendLines } from './log-tree.js';
import type { LogLine, StreamState } from './types.js';

/** How the log is being followed. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'ended';

/** What the hook answers. */
export interface LiveLog {
  lines: LogLine[];
  status: LiveStatus;
  /** The latest state the stream sent (undefined before its first `state` event). */
  state: StreamState | undefined;
  /** An error the stream reported (it keeps trying). */
  error: string | undefined;
}

const FLUSH_MS = 150;
const POLL_MS = 2000;
/** Stream failures in a row before falling back to paging. */
const MAX_STREAM_FAILURES = 3;

/** Follows the task log of deployment `id` in `space` until the deployment is final (key the caller by id). */
export function useLiveLog(space: string, id: string, onState?: (state: StreamState) => void): LiveLog {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [status, setStatus] = useState<LiveStatus>(() =>
    typeof EventSource === 'undefined' ? 'polling' : 'connecting',
  );
  const [state, setState] = useState<StreamState | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const onStateRef = useRef(onState);
  useEffect(() => {
    onStateRef.current = onState;
  });

  useEffect(() => {
    let closed = false;
    let lastSeq = 0;
    let buffer: LogLine[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let source: EventSource | undefined;
    let failures = 0;
    // State starts empty: the page mounts this hook afresh (keyed) for each deployment.

    const flush = () => {
      flushTimer = undefined;
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      setLines((held) => appendLines(held, batch));
    };
    const take = (line: LogLine) => {
      if (line.seq <= lastSeq) return;
      lastSeq = line.seq;
      buffer.push(line);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    };
    const seeState = (s: StreamState) => {
      setState(s);
      onStateRef.current?.(s);
    };

    const base = spacePath(space, 'deployments', id, 'log');

    async function poll(): Promise<void> {
      if (closed) return;
      try {
        let more = true;
        while (more && !closed) {
          const page = await get<{ items: LogLine[]; nextAfter: number }>(
            withQuery(base, { after: lastSeq, limit: 1000 }),
          );
          page.items.forEach(take);
          more = page.items.length === 1000;
        }
        const d = await get<StreamState>(spacePath(space, 'deployments', id));
        seeState({
          state: d.state,
          ...(d.error ? { error: d.error } : {}),
          ...(d.startedAt ? { startedAt: d.startedAt } : {}),
          ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
        });
        setError(undefined);
        if (isFinal(d.state)) {
          flush();
          setStatus('ended');
          return;
        }
      } catch (e) {
        setError((e as Error).message);
      }
      retryTimer = setTimeout(() => void poll(), POLL_MS);
    }

    function open(): void {
      if (closed) return;
      const es = new EventSource(withQuery(`${base}/stream`, { after: lastSeq || undefined }));
      source = es;
      es.addEventListener('open', () => {
        failures = 0;
        setStatus('live');
      });
      es.addEventListener('line', (e) => {
        failures = 0;
        take(JSON.parse((e as MessageEvent<string>).data) as LogLine);
      });
      es.addEventListener('state', (e) => {
        seeState(JSON.parse((e as MessageEvent<string>).data) as StreamState);
      });
      es.addEventListener('end', (e) => {
        seeState(JSON.parse((e as MessageEvent<string>).data) as StreamState);
        es.close();
        flush();
        setStatus('ended');
      });
      es.addEventListener('error', (e) => {
        // The server's own `event: error` carries a message; a dropped connection does not.
        const data = (e as MessageEvent<unknown>).data;
        if (typeof data === 'string' && data !== '') {
          try {
            setError((JSON.parse(data) as { message?: string }).message ?? data);
          } catch {
            setError(data);
          }
        }
        if (closed) return;
        // Our own reconnect, so it resumes with ?after= from what we hold (Last-Event-ID would too).
        es.close();
        failures += 1;
        if (failures >= MAX_STREAM_FAILURES) {
          setStatus('polling');
          void poll();
          return;
        }
        setStatus('reconnecting');
        retryTimer = setTimeout(open, 500 * failures);
      });
    }

    if (typeof EventSource === 'undefined') void poll();
    else open();

    return () => {
      closed = true;
      source?.close();
      if (flushTimer) clearTimeout(flushTimer);
      if (retryTimer) clearTimeout(retryTimer);
    };
  }, [space, id]);

  return { lines, status, state, error };
}
