import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { tempDataDir } from '../../../test/helpers/postgres.js';
import { testSecrets } from '../../../test/kits/secrets.js';
import type { ScriptTools } from '../../jobs/executors/script-tools.js';
import { openStore, type Store } from '../../store/database.js';
import { buildServer } from '../app.js';
import { scriptsHealth } from './health.js';

const TOOLS: ScriptTools = {
  path: '/usr/bin:/bin',
  bash: { path: '/usr/bin/bash', version: '5.2.15' },
  node: { path: '/usr/bin/node', version: '20.19.0' },
  aws: { path: '/usr/bin/aws', version: '2.9.19', major: 2, readsEndpointUrl: false },
};
const FIXED = new Date('2026-01-02T03:04:05.000Z');

describe('/healthz says what script steps can use', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openStore({ dataDir: tempDataDir() });
    app = buildServer({
      store,
      secrets: testSecrets(),
      now: () => FIXED,
      scripts: { mode: 'user', user: 'slipway-script', uid: 999, gid: 995, pidNamespace: true, tools: TOOLS },
    });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('which interpreters and which AWS CLI, without versions or paths (no key needed)', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      status: 'ok',
      time: FIXED.toISOString(),
      scripts: { enabled: true, bash: true, node: true, python3: false, awsCli: 2 },
    });
  });

  it('in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      components: { schemas: Record<string, unknown> };
    }>();
    const liveness = JSON.stringify(doc.components.schemas['Liveness'] ?? null);
    assert.ok(/"scripts"/.test(liveness) && /"awsCli"/.test(liveness), liveness.slice(0, 2000));
  });

  it('refused scripts, unknown tools', () => {
    assert.deepEqual(scriptsHealth({ mode: 'refused', reason: 'no user' }), {
      enabled: false,
      bash: false,
      node: false,
      python3: false,
      awsCli: null,
    });
    assert.equal(scriptsHealth({ mode: 'server-user' }), undefined);
  });
});
