/** The task log's live stream (Server-Sent Events) on a listening server, read with fetch. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startReleaseFixture, type ReleaseFixture } from '../../test/kits/releases.js';
import { deploymentsRepository, type DeploymentsRepository } from '../store/deployments.js';

interface Event {
  event: string;
  id?: string;
  data: unknown;
}

/** Reads Server-Sent Events from a response until `stop` says so or the stream ends. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<Event | { comment: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith(':')) {
        yield { comment: block.slice(1).trim() };
        continue;
      }
      const fields = new Map(
        block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
      yield {
        event: fields.get('event') ?? 'message',
        ...(fields.has('id') ? { id: fields.get('id') } : {}),
        data: JSON.parse(fields.get('data') ?? 'null'),
      };
    }
  }
}

describe('task log stream', () => {
  let f: ReleaseFixture;
  let base = '';
  let key = '';
  let repo: DeploymentsRepository;
  let deploymentId = '';
  before(async () => {
    f = await startReleaseFixture();
    repo = deploymentsRepository(f.api.store.db, f.api.deps.secrets);
    await f.api.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(f.api.app.server.address() as AddressInfo).port}/api/spaces/Default`;
    key = f.keys.admin;
    const release = await f.service.createRelease(
      'Spaces-1',
      { project: 'web', version: '1.0.0' },
      { actor: 't' },
    );
    const [d] = await f.service.deploy(
      'Spaces-1',
      { release: release.id, environment: 'Dev' },
      { actor: 't' },
    );
    deploymentId = d!.id;
  });
  after(async () => {
    await f.api.close();
  });

  const open = (query = '', headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${base}/deployments/${deploymentId}/log/stream${query}`, {
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(signal ? { signal } : {}),
    });

  it('sends lines, state changes and the end, then closes', async () => {
    await repo.appendLog(deploymentId, [{ path: [], level: 'info', at: new Date(), message: 'queued line' }]);
    const res = await open();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(res.body);
    const seen: Event[] = [];
    for await (const e of events(res.body)) {
      if ('comment' in e) continue;
      seen.push(e);
      if (e.event === 'state' && (e.data as { state: string }).state === 'queued') {
        await repo.transition(deploymentId, ['queued'], 'executing');
        await repo.appendLog(deploymentId, [
          { path: ['Deploy'], level: 'info', at: new Date(), message: 'working' },
        ]);
      }
      if (e.event === 'line' && (e.data as { message: string }).message === 'working') {
        await repo.appendLog(deploymentId, [
          { path: ['Deploy'], level: 'highlight', at: new Date(), message: 'done' },
        ]);
        await repo.transition(deploymentId, ['executing'], 'success');
      }
    }
    const lines = seen.filter((e) => e.event === 'line').map((e) => (e.data as { message: string }).message);
    assert.deepEqual(lines, ['queued line', 'working', 'done']);
    const states = seen.filter((e) => e.event === 'state').map((e) => (e.data as { state: string }).state);
    assert.deepEqual(states, ['queued', 'executing', 'success']);
    assert.equal(seen.at(-1)?.event, 'end');
    assert.equal((seen.at(-1)?.data as { state: string }).state, 'success');
    // Line events carry their seq as the event id.
    const ids = seen.filter((e) => e.event === 'line').map((e) => Number(e.id));
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      ids,
    );
  });

  it('resumes after Last-Event-ID (or ?after=)', async () => {
    const all = (await repo.log(deploymentId)).map((l) => l.seq);
    const collect = async (res: Response) => {
      const got: string[] = [];
      for await (const e of events(res.body!)) {
        if (!('comment' in e) && e.event === 'line') got.push((e.data as { message: string }).message);
      }
      return got;
    };
    assert.deepEqual(await collect(await open('', { 'last-event-id': String(all[0]) })), ['working', 'done']);
    assert.deepEqual(await collect(await open(`?after=${all[1]}`)), ['done']);
  });

  it('refuses without a key, and for an unknown deployment', async () => {
    const res = await fetch(`${base}/deployments/${deploymentId}/log/stream`);
    assert.equal(res.status, 401);
    const missing = await fetch(`${base}/deployments/Deployments-nope/log/stream`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(missing.status, 404);
  });

  it('stops when the client goes away (the server can then close)', async () => {
    const release = await f.service.createRelease(
      'Spaces-1',
      { project: 'web', version: '1.0.1' },
      { actor: 't' },
    );
    const [d] = await f.service.deploy(
      'Spaces-1',
      { release: release.id, environment: 'Dev' },
      { actor: 't' },
    );
    const controller = new AbortController();
    const res = await fetch(`${base}/deployments/${d!.id}/log/stream`, {
      headers: { authorization: `Bearer ${key}` },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /event: state/);
    controller.abort();
    await assert.rejects(reader.read());
    // after() closes the server: it would wait forever on a stream that kept writing.
  });
});
