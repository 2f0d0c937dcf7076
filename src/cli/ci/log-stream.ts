/**
 * Follows one deployment's task log: the Server-Sent Events stream
 * (`GET /deployments/{id}/log/stream`), reconnecting with `Last-Event-ID` when the connection drops,
 * and polling `GET /deployments/{id}/log?after=` when the server has no stream. Ends when the
 * deployment reaches a final state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalState, type DeploymentState } from '../../core/model/release.js';
import { SlipwayError } from '../../core/errors.js';
import type { CiConnection } from './connection.js';
import { deploymentSchema, logLineSchema, logPageSchema, type LogLineView } from './schemas.js';

/** What the follower reports. */
export interface LogHandlers {
  line(line: LogLineView): void;
  state(state: DeploymentState): void;
}

/** Options of followLog. */
export interface FollowOptions {
  /** Pause between polls and the first reconnect; default 1000 ms (doubles to 10 s on repeated drops). */
  pollMs?: number;
  /** Consecutive failed reconnects before giving up; default 30. */
  maxRetries?: number;
  /** The fetch implementation; default the global fetch. */
  fetch?: typeof fetch;
  /** Stops following (the promise rejects with the signal's reason); default never. */
  signal?: AbortSignal;
}

interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Splits an SSE byte stream into events (the WHATWG format: fields, blank line ends an event). */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: SseEvent = { event: 'message', data: '' };
  let hasData = false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (hasData || event.event !== 'message') yield event;
          event = { event: 'message', data: '' };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Follows deployment `id`'s log until it is final; answers the final state. */
export async function followLog(
  conn: CiConnection,
  id: string,
  on: LogHandlers,
  options: FollowOptions = {},
): Promise<DeploymentState> {
  const { client } = conn;
  const pollMs = options.pollMs ?? 1000;
  const maxRetries = options.maxRetries ?? 30;
  const doFetch = options.fetch ?? fetch;
  const base = client.spacePath('deployments', id);
  let after = 0;
  let failures = 0;
  let streaming = true;
  const emit = (raw: unknown) => {
    const line = logLineSchema.safeParse(raw);
    // A line seen before a reconnect is not printed twice.
    if (line.success && line.data.seq > after) {
      after = line.data.seq;
      on.line(line.data);
    }
  };
  const stateNow = async () => (await client.get(base, deploymentSchema)).state;

  const signal = options.signal;
  const pause = (ms: number) => sleep(ms, undefined, signal ? { signal } : {});
  for (;;) {
    signal?.throwIfAborted();
    if (streaming) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (conn.apiKey !== undefined) headers.authorization = `Bearer ${conn.apiKey}`;
        if (after > 0) headers['last-event-id'] = String(after);
        const res = await doFetch(`${client.server}${base}/log/stream?after=${after}`, {
          headers,
          ...(signal ? { signal } : {}),
        });
        if (res.status === 404 || res.status === 501 || res.status === 405) {
          // No stream on this server (or not yet): poll instead. A missing deployment is reported by the poll.
          await res.body?.cancel();
          streaming = false;
          continue;
        }
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          if (res.status === 401 || res.status === 403) {
            throw new SlipwayError(
              res.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
              `The server refused to stream the log of ${id} (HTTP ${res.status}); check the API key and its permissions.`,
            );
          }
          throw new Error(`HTTP ${res.status}`);
        }
        for await (const ev of sseEvents(res.body)) {
          failures = 0;
          if (ev.event === 'line') emit(parseJson(ev.data));
          else if (ev.event === 'state') {
            const s = deploymentSchema.shape.state.safeParse(
              (parseJson(ev.data) as { state?: unknown } | undefined)?.state,
            );
            if (s.success) on.state(s.data);
          } else if (ev.event === 'end') break;
        }
      } catch (e) {
        if (e instanceof SlipwayError) throw e;
        signal?.throwIfAborted();
        // A dropped connection: counted below, then reconnected.
      }
      const state = await stateNow();
      if (isFinalState(state)) {
        // Lines written between the stream's last event and the end are read once more by polling.
        await drain(conn, base, after, emit);
        return state;
      }
      // The stream ended (or dropped) before the deployment did: reconnect, backing off.
      failures++;
      if (failures > maxRetries) {
        throw new SlipwayError(
          'CONFIG',
          `Lost the log stream of ${id} ${maxRetries} times in a row; the deployment goes on on the server.`,
        );
      }
      await pause(Math.min(pollMs * 2 ** Math.min(failures - 1, 4), 10_000));
      continue;
    }
    // Polling: read new lines, then the state; final once the state is final and the log is drained.
    await drain(conn, base, after, emit);
    const state = await stateNow();
    on.state(state);
    if (isFinalState(state)) {
      await drain(conn, base, after, emit);
      return state;
    }
    await pause(pollMs);
  }
}

async function drain(
  conn: CiConnection,
  base: string,
  from: number,
  emit: (raw: unknown) => void,
): Promise<void> {
  let after = from;
  for (;;) {
    let page;
    try {
      page = await conn.client.get(`${base}/log`, logPageSchema, { query: { after } });
    } catch (e) {
      // A server without the log route still has the state: the summary says how it ended.
      if (e instanceof SlipwayError && (e.code === 'NOT_FOUND' || e.code === 'NOT_IMPLEMENTED')) return;
      throw e;
    }
    for (const l of page.items) emit(l);
    const next = page.nextAfter ?? page.items.at(-1)?.seq ?? after;
    if (page.items.length === 0 || next <= after) return;
    after = next;
  }
}
