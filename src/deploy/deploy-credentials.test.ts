/**
 * A rollout watched through an assumed role whose session expires mid-watch: the clients refresh
 * the credentials and the deployment still ends in success.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createAwsClients } from '../aws/clients.js';
import { parseImageReference } from '../core/images/reference.js';
import { startSandbox } from '../sandbox/index.js';
import { runEcsDeploy } from './ecs-deploy.js';
import {
  admin,
  collector,
  container,
  createStableService,
  register,
  request,
  sandboxClients,
} from '../../test/kits/deploy.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const NGINX = 'public.ecr.aws/docker/library/nginx';
let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 100 });
  await admin(sb, 'POST', 'clusters', { name: 'cred', instances: { count: 3 } });
  await admin(sb, 'POST', 'roles', {
    roleName: 'Deployer',
    trustedAccountIds: [sb.accountId],
    externalId: 'ci-1',
  });
});
after(async () => {
  await sb?.close();
});

it('refreshes an assumed-role session that expires during a long rollout', async () => {
  const setup = sandboxClients(sb);
  const td = await register(setup, 'cred-web', [container(`${NGINX}:1.27`)]);
  await createStableService(setup, {
    cluster: 'cred',
    serviceName: 'cred-web',
    taskDefinition: td,
    desiredCount: 2,
  });
  setup.destroy();
  // Slow the rollout down: it is still in flight when the session expires.
  await admin(sb, 'POST', 'time', { scale: 1 });
  const c = collector();
  const clients = createAwsClients(
    {
      region: sb.region,
      endpoint: sb.endpoint,
      credentials: {
        kind: 'assume-role',
        roleArn: `arn:aws:iam::${sb.accountId}:role/Deployer`,
        externalId: 'ci-1',
        durationSeconds: 900,
        source: { kind: 'static', ...sb.credentials },
      },
    },
    { emit: c.emit },
  );
  const emit = (e: Parameters<typeof c.emit>[0]) => {
    c.emit(e);
    // Once our update is in, jump the sandbox an hour ahead: the session is now expired.
    if (e.code === 'deploy.service-updated') sb.runtime.clock.advance(3_600_000);
  };
  try {
    const result = await runEcsDeploy(
      request({ cluster: 'cred', services: ['cred-web'], image: parseImageReference(`${NGINX}:1.28`) }),
      clients,
      emit,
    );
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
    assert.ok(c.codes().includes('aws.credentials-refreshed'), 'the expired session was refreshed');
  } finally {
    clients.destroy();
  }
});
