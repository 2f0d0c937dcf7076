/**
 * Secrets never reach the server's log or the audit log: every example with secret fields and a
 * sensitive variable is written, read, replaced, refused for bad input and audited, with the
 * request log on; then the log and every response are searched for the values.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  assertNoSecretShown,
  createExamples,
  exampleSecrets,
  SPACE_URL,
  startApi,
  type ApiUnderTest,
} from '../../test/kits/server-resources.js';

const SENSITIVE = 'sensitive-variable-value-42';
const FEED_PASSWORD = 'rotated-feed-password-77';

describe('secrets in logs and the audit log', () => {
  let api: ApiUnderTest;
  let log = '';
  before(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    api = await startApi({ logStream });
  });
  after(async () => api.close());

  it('never writes a secret value to the request log, an error, the audit log or a response', async () => {
    await createExamples(api);
    const vars = await api.call({ method: 'GET', url: `${SPACE_URL}/projects/web/variables` });
    const put = await api.call({
      method: 'PUT',
      url: `${SPACE_URL}/projects/web/variables`,
      headers: { 'if-match': String(vars.headers.etag) },
      payload: [{ name: 'Token', type: 'sensitive', value: SENSITIVE }],
    });
    assert.equal(put.statusCode, 200, put.body);
    const feed = await api.call({ method: 'GET', url: `${SPACE_URL}/feeds/Hub` });
    const replaced = await api.call({
      method: 'PUT',
      url: `${SPACE_URL}/feeds/Hub`,
      headers: { 'if-match': String(feed.headers.etag) },
      payload: { ...feed.json<Record<string, unknown>>(), password: FEED_PASSWORD },
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    // Bad input carrying a secret: the error must name the field, not echo the value.
    const bad = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/feeds`,
      payload: { name: 'Bad', type: 'docker', url: 'not a url', username: 'u', password: FEED_PASSWORD },
    });
    assert.equal(bad.statusCode, 400);
    const audit = await api.call({ method: 'GET', url: `${SPACE_URL}/audit-events?limit=500` });
    assert.equal(audit.statusCode, 200);
    assert.ok(audit.json<{ items: unknown[] }>().items.length > 10);

    const secrets = [...exampleSecrets(), SENSITIVE, FEED_PASSWORD];
    assertNoSecretShown(api.responses, secrets);
    assert.ok(log.length > 0, 'the request log is on');
    for (const secret of secrets) assert.ok(!log.includes(secret), `the log shows ${secret}`);
  });
});
