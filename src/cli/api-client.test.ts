import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import { ApiClient, clientFromFlags, DEFAULT_SERVER_URL } from './api-client.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', etag: '"7"' }).end(JSON.stringify(body));
}

describe('ApiClient', () => {
  let server: Server;
  let url: string;
  let handler: Handler = (_req, res) => json(res, 200, {});
  const seen: Seen[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        seen.push(s);
        handler(s, res);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  const client = (apiKey: string | null = 'slw_key') =>
    new ApiClient({ server: url, ...(apiKey !== null ? { apiKey } : {}), space: 'My Space' });

  it('sends the key, If-Match and JSON, and parses the answer with the schema', async () => {
    handler = (_req, res) => json(res, 200, { id: 'X-1', version: 2, extra: true });
    seen.length = 0;
    const body = await client().put(
      client().spacePath('projects', 'a/b'),
      { name: 'web' },
      z.object({ id: z.string() }),
      {
        ifMatch: 4,
        query: { dryRun: true, skip: undefined },
      },
    );
    assert.deepEqual(body, { id: 'X-1' });
    const req = seen[0]!;
    assert.equal(req.method, 'PUT');
    assert.equal(req.url, '/api/spaces/My%20Space/projects/a%2Fb?dryRun=true');
    assert.equal(req.headers.authorization, 'Bearer slw_key');
    assert.equal(req.headers['if-match'], '"4"');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), { name: 'web' });
  });

  it('follows cursors until the last page', async () => {
    handler = (req, res) => {
      const cursor = new URL(req.url, url).searchParams.get('cursor');
      assert.equal(new URL(req.url, url).searchParams.get('limit'), '500');
      if (cursor === null) json(res, 200, { items: [{ n: 1 }, { n: 2 }], nextCursor: 'c2' });
      else if (cursor === 'c2') json(res, 200, { items: [{ n: 3 }], nextCursor: 'c3' });
      else json(res, 200, { items: [] });
    };
    const items = await client().list('/api/things', z.object({ n: z.number() }), { name: 'x' });
    assert.deepEqual(items, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('turns error bodies into SlipwayErrors with the server’s code and message', async () => {
    handler = (_req, res) =>
      json(res, 412, {
        code: 'PRECONDITION_FAILED',
        message: 'changed since you read it',
        details: { v: 3 },
      });
    await assert.rejects(client().delete('/api/x', { ifMatch: 1 }), (e: unknown) => {
      assert.ok(e instanceof SlipwayError);
      assert.equal(e.code, 'PRECONDITION_FAILED');
      assert.equal(e.message, 'changed since you read it');
      assert.deepEqual(e.data, { status: 412, request: 'DELETE /api/x', details: { v: 3 } });
      return true;
    });
  });

  it('falls back to a code from the status, and hints at the key when none was sent', async () => {
    handler = (_req, res) => json(res, 401, { code: 'SOMETHING_NEW', message: 'Authentication required.' });
    await assert.rejects(client(null).get('/api/x', z.unknown()), (e: SlipwayError) => {
      assert.equal(e.code, 'UNAUTHENTICATED');
      assert.match(
        e.message,
        /^Authentication required\. No API key was sent: pass --api-key or set SLIPWAY_API_KEY\.$/,
      );
      return true;
    });
    handler = (_req, res) => res.writeHead(502).end('<html>bad gateway</html>');
    await assert.rejects(client().get('/api/x', z.unknown()), (e: SlipwayError) => {
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /answered GET \/api\/x with HTTP 502/);
      return true;
    });
  });

  it('refuses an answer that does not fit the schema', async () => {
    handler = (_req, res) => json(res, 200, { id: 5 });
    await assert.rejects(client().get('/api/x', z.object({ id: z.string() })), (e: SlipwayError) => {
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /unexpected body \(id: /);
      return true;
    });
  });

  it('says plainly when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const c = new ApiClient({ server: `http://127.0.0.1:${port}` });
    await assert.rejects(c.get('/api/x', z.unknown()), (e: SlipwayError) => {
      assert.equal(e.code, 'CONFIG');
      assert.match(
        e.message,
        new RegExp(`^Cannot reach the Slipway server at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`),
      );
      return true;
    });
  });

  it('refuses a server URL that is not http(s)', () => {
    assert.throws(() => new ApiClient({ server: 'ftp://x' }), /is not an http\(s\) URL/);
  });

  it('takes the server and key from the flags, else the environment, else the default URL', () => {
    const env = { SLIPWAY_SERVER: 'http://10.0.0.1:1/', SLIPWAY_API_KEY: 'k' };
    assert.equal(clientFromFlags({}, env).server, 'http://10.0.0.1:1');
    assert.equal(clientFromFlags({ server: 'http://a:2' }, env).server, 'http://a:2');
    assert.equal(clientFromFlags({}, {}).server, DEFAULT_SERVER_URL);
    assert.equal(clientFromFlags({}, {}, 'Ops').space, 'Ops');
    assert.equal(clientFromFlags({ space: 'Dev' }, {}, 'Ops').space, 'Dev');
  });
});
