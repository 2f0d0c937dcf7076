/**
 * Promise: a rollout that outlasts its AWS session many times over — two hours on credentials of
 * an assumed role that last 15 minutes — succeeds, re-assuming the role as often as it needs, and
 * no call fails the deployment for an expired token.
 *
 * The target's AWS account is a role in another sandbox account (mode `role`,
 * `sessionDurationSeconds: 900`, STS's minimum, assumed from the server's ambient credentials);
 * the new image takes two sandbox hours to start (`slowStartSeconds`). The sandbox runs 600×, so
 * its clock (which expires sessions) races ahead of Slipway's: Slipway learns of each expiry from
 * AWS's ExpiredTokenException and re-assumes the role before retrying the call — the path a server
 * whose clock disagrees with AWS's takes. At real speed it re-assumes five minutes before expiry
 * (src/aws/credentials.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { releaseSchema } from '../../src/cli/ci/schemas.js';
import { startWorld, type World, type WorldAccount } from '../helpers/slipway-world.js';
import { countExpiredCredentials, figure, sandboxAdmin, sandboxStats, totals } from '../kits/fault-fleet.js';

const IMAGE = 'registry.example.com/acme/slow';
const ROLLOUT_SECONDS = 2 * 3600;
const SESSION_SECONDS = 900;
const TIME_SCALE = 600;

function config(prod: WorldAccount): string {
  return `apiVersion: slipway/v1
environments:
  - name: Production
awsAccounts:
  - name: Prod
    mode: role
    roleArn: arn:aws:iam::${prod.accountId}:role/Deployer
    sessionDurationSeconds: ${SESSION_SECONDS}
    region: us-east-1
feeds:
  - { name: Registry, type: docker, url: 'https://registry.example.com' }
lifecycles:
  - name: Straight to production
    phases:
      - { name: Production, manualEnvironments: [Production] }
projects:
  - name: slow
    lifecycle: Straight to production
    process:
      steps:
        - name: Deploy
          roles: [slow]
          action:
            type: ecs-update-service
            service: slow
            # Two hours of rollout: a person would give it three.
            timeoutMinutes: 180
            packages:
              - { name: slow, feed: Registry, image: acme/slow }
            containers:
              - { name: app, image: slow }
ecsTargets:
  - name: prod-apps
    awsAccount: Prod
    region: us-east-1
    cluster: apps
    roles: [slow]
    environments: [Production]
`;
}

let world: World;
let prod: WorldAccount;

before(async () => {
  world = await startWorld({ timeScale: TIME_SCALE });
  prod = await world.createAccount('prod');
  await world.admin('roles', {
    accountId: prod.accountId,
    roleName: 'Deployer',
    trustedAccountIds: [world.sandbox.accountId],
  });
  await world.createService({ account: prod, cluster: 'apps', service: 'slow', image: `${IMAGE}:1.0.0` });
  await world.admin('faults/images', { image: `${IMAGE}:2.0.0`, slowStartSeconds: ROLLOUT_SECONDS });
  await world.apply(config(prod));
});
after(async () => world?.close());

it('a two-hour rollout on 15-minute credentials succeeds, re-assuming the role as it goes', async () => {
  const release = await world.client.post(
    world.client.spacePath('releases'),
    { project: 'slow', version: '2.0.0', packageVersion: '2.0.0', packages: [] },
    releaseSchema,
  );
  await sandboxAdmin(world, 'DELETE', 'stats');
  const sandboxStart = world.sandbox.runtime.now();
  const expired = countExpiredCredentials(world);
  const res = await world.request('POST', world.client.spacePath('deployments'), {
    release: release.id,
    environment: 'Production',
  });
  assert.equal(res.status, 201, res.text);
  const id = (res.json as { items: { id: string }[] }).items[0]!.id;
  // Two sandbox hours are 12 s here; a loaded machine gets a generous margin.
  const done = await world.waitForDeployment(id, 180_000);
  expired.stop();
  const sandboxHours = (world.sandbox.runtime.now() - sandboxStart) / 3_600_000;
  const stats = await sandboxStats(world);
  const assumed = stats['sts:AssumeRole']?.calls ?? 0;
  const log = await world.log(id);
  const expiredLines = log.filter((l) => /expired/i.test(l.message) && l.level === 'error');
  figure('credentials-expiry.rollout-sandbox-hours', sandboxHours.toFixed(2));
  figure('credentials-expiry.assume-role-calls', assumed);
  figure('credentials-expiry.expired-token-answers', expired.count());
  figure('credentials-expiry.ecs-calls', totals(stats, 'ecs').calls);
  assert.equal(done.state, 'success', `deployment ${id}: ${done.state} ${done.error ?? ''}`);
  assert.ok(sandboxHours >= 2, `the rollout took ${sandboxHours.toFixed(2)} sandbox hours, not two`);
  assert.ok(
    assumed > 1,
    `the role was assumed ${assumed} time(s) in ${sandboxHours.toFixed(2)} sandbox hours`,
  );
  assert.deepEqual(
    expiredLines.map((l) => l.message),
    [],
    'no error line in the task log about expired credentials',
  );
  const service = await world.describeService('apps', 'slow', prod);
  assert.equal(service.images['app'], `${IMAGE}:2.0.0`);
  assert.equal(service.runningCount, service.desiredCount);
});
