/**
 * Every failure in the documented shape and our words: the database's own text never reaches a
 * caller (a response or a log stream's error event), and what fastify or Node refuse on their own
 * (oversized headers and URLs, overlong path parts, bad %-escapes) answers `{ code, message, details }`.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { expectError, SPACE_URL, startApi, type ApiUnderTest } from '../../test/kits/server-resources.js';
import { publicError, toErrorResponse } from './errors.js';

/** An error as pg and PGlite raise them. */
function pgError(code: string, message: string, severity = 'ERROR'): Error {
  return Object.assign(new Error(message), { code, severity });
}

describe('toErrorResponse keeps the database’s text out of every answer', () => {
  const HOST_TEXT = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed';
  const cases: [string, unknown, number, string][] = [
    [
      'a database shutting down',
      pgError('57P01', `${HOST_TEXT}: terminating connection`, 'FATAL'),
      503,
      'STORE_UNAVAILABLE',
    ],
    ['a lost connection', new Error('Connection terminated unexpectedly'), 503, 'STORE_UNAVAILABLE'],
    [
      'a refused connection',
      Object.assign(new Error(`connect ECONNREFUSED ${HOST_TEXT}`), { code: 'ECONNREFUSED' }),
      503,
      'STORE_UNAVAILABLE',
    ],
    ['a closed store', new Error('driver has already been destroyed'), 503, 'STORE_UNAVAILABLE'],
    [
      'a value it cannot store',
      pgError('22P02', 'invalid input syntax for type uuid: "secret_table"'),
      400,
      'INVALID_INPUT',
    ],
    ['a missing table', pgError('42P01', 'relation "secret_table" does not exist'), 500, 'INTERNAL'],
    [
      'a coded error that repeats a database message',
      new SlipwayError(
        'FEED_UNREACHABLE',
        'Could not read the tags: relation "secret_table" does not exist',
        {
          cause: pgError('42P01', 'relation "secret_table" does not exist'),
        },
      ),
      500,
      'INTERNAL',
    ],
    [
      'the store’s own open error (the driver’s text in it)',
      new SlipwayError(
        'STORE_UNAVAILABLE',
        'Cannot open the embedded database in /srv/secret_table: Aborted(). Build with -sASSERTIONS',
      ),
      503,
      'STORE_UNAVAILABLE',
    ],
  ];
  for (const [what, error, status, code] of cases) {
    it(what, () => {
      const answer = toErrorResponse(error, 'req-7');
      assert.equal(answer.status, status);
      assert.equal(answer.body.code, code);
      assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'details', 'message']);
      const shown = JSON.stringify(answer.body);
      for (const leak of ['secret_table', 'db.internal', '10.0.0.5', 'Aborted', 'ECONNREFUSED', 'uuid']) {
        assert.ok(!shown.includes(leak), `${what}: ${shown} shows ${leak}`);
      }
      assert.equal(answer.log, true, 'the cause goes to the log');
      assert.match(answer.body.message, /req-7/);
    });
  }

  it('says what to do when the database is unavailable', () => {
    const { body } = toErrorResponse(new Error('Connection terminated unexpectedly'), 'req-1');
    assert.match(body.message, /nothing was done; retry in a moment/);
    assert.match(body.message, /check that the database is running and reachable/);
  });

  it('keeps a coded error whose cause is a database error it does not repeat', () => {
    const e = new SlipwayError('ALREADY_EXISTS', 'A project named "web" already exists in this space.', {
      cause: pgError('23505', 'duplicate key value violates unique constraint "resources_name_key"'),
    });
    const answer = toErrorResponse(e, 'req-2');
    assert.equal(answer.status, 409);
    assert.equal(answer.body.message, e.message);
    assert.equal(answer.log, false);
  });

  it('keeps an AWS error whose cause is a refused connection to AWS: AWS’s endpoint, not the store', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const e = new SlipwayError(
      'AWS_CALL_FAILED',
      `AWS did not answer for AWS account "Prod": ECONNREFUSED: ${refused.message}. Check that the server can reach AWS.`,
      { cause: refused },
    );
    const answer = toErrorResponse(e, 'req-5');
    assert.equal(answer.status, 502);
    assert.equal(answer.body.code, 'AWS_CALL_FAILED');
    assert.equal(answer.body.message, e.message);
  });

  it('gives a stream the same public text as a response', () => {
    const body = publicError(pgError('57P01', `${HOST_TEXT}: terminating`, 'FATAL'), 'req-3');
    assert.equal(body.code, 'STORE_UNAVAILABLE');
    assert.ok(!body.message.includes('db.internal'));
    assert.deepEqual(publicError(new Error('boom at secret.ts:12'), 'req-4').details, { requestId: 'req-4' });
  });
});

describe('refusals before a route runs, in the error shape', () => {
  let api: ApiUnderTest;
  let base: string;

  before(async () => {
    api = await startApi();
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await api?.close();
  });

  /** A request over a real socket (inject skips Node's HTTP parser), with its status and JSON. */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{
      status: number;
      body: { code: string; message: string; details: Record<string, unknown> };
    }>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers 431 to headers larger than the server reads', async () => {
    const res = await raw('/healthz', { 'x-padding': 'a'.repeat(20_000) });
    assert.equal(res.status, 431);
    assert.equal(res.body.code, 'INVALID_INPUT');
    assert.match(res.body.message, /headers: are larger than the server reads \(16 KiB in all\)/);
    assert.deepEqual(Object.keys(res.body).sort(), ['code', 'details', 'message']);
  });

  it('answers 414 to a URL longer than the server reads', async () => {
    const res = await raw(`${SPACE_URL}/projects?name=${'a'.repeat(20_000)}`);
    assert.equal(res.status, 414);
    assert.equal(res.body.code, 'INVALID_INPUT');
    assert.match(res.body.message, /URL: is longer than the server reads/);
  });

  it('reaches a 200-character name in any script by the URL, and answers 414 past the limit', async () => {
    const name = 'é'.repeat(200);
    const created = await api.call({ method: 'POST', url: `${SPACE_URL}/teams`, payload: { name } });
    assert.equal(created.statusCode, 201, created.body);
    const read = await api.call({ method: 'GET', url: `${SPACE_URL}/teams/${encodeURIComponent(name)}` });
    assert.equal(read.statusCode, 200, read.body);
    const long = await api.call({ method: 'GET', url: `${SPACE_URL}/tag-sets/${'a'.repeat(3000)}` });
    expectError(long, 414, 'INVALID_INPUT', /URL: a path part is longer than 2400 characters/);
  });

  it('answers 400 in our words to a %-escape that is not UTF-8', async () => {
    const res = await api.call({ method: 'GET', url: `${SPACE_URL}/projects/%ED%A0%80` });
    expectError(res, 400, 'INVALID_INPUT', /does not decode to UTF-8 text/);
  });

  it('answers 503 saying what to do, without the driver’s text, once the database is gone', async () => {
    await api.store.close();
    const res = await api.call({ method: 'GET', url: `${SPACE_URL}/projects` });
    const body = expectError(res, 503, 'STORE_UNAVAILABLE', /retry in a moment/);
    assert.doesNotMatch(body.message, /destroyed|driver/);
  });
});
