/**
 * ECS-native strategies through the CLI run as users run it (a child process): a BLUE_GREEN
 * deployment whose Lambda hook fails at POST_TEST_TRAFFIC_SHIFT exits 14 naming the hook; one held
 * by a PAUSE hook exits 19 with the commands that answer it, and `ecs-deploy continue` finishes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
} from '@aws-sdk/client-ecs';
import { NGINX, short, World } from './world.js';

const CLUSTER = 'strat-cli';
const ROLE = 'arn:aws:iam::123456789012:role/ecs-hooks';
let world: World;
let fn = '';

before(async () => {
  world = await World.start({ timeScale: 100 });
  await world.cluster(CLUSTER, 8);
  fn = `arn:aws:lambda:${world.sb.region}:${world.sb.accountId}:function:strat-cli-check`;
});
after(async () => {
  await world?.close();
});

/**
 * Waits until the service's first service deployment is SUCCESSFUL, continuing its PAUSE hook (the
 * hooks apply to a service's first deployment too; its tasks run before the deployment ends, so
 * `world.service` returns earlier). Tests start from a service at rest.
 */
async function atRest(service: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const arn = (await latest(service))?.serviceDeploymentArn;
    const out = await world.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn!] }),
    );
    const d = out.serviceDeployments?.[0];
    if (d?.status === 'SUCCESSFUL') return;
    if (Date.now() > deadline)
      throw new Error(`${service}'s first deployment did not end: ${JSON.stringify(d)}`);
    const pause = d?.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
    if (pause) {
      await world.ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: arn,
          hookId: pause.hookId,
          action: 'CONTINUE',
        }),
      );
    }
    await world.admin('POST', '/_sandbox/time', { advanceSeconds: 30 });
  }
}

/** The service's newest ECS service deployment. */
async function latest(service: string) {
  const out = await world.ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service }));
  return out.serviceDeployments?.[0];
}

describe('ecs-deploy with ECS strategies (CLI process)', () => {
  it('14: a Lambda hook FAILED at POST_TEST_TRAFFIC_SHIFT rolls back; the output names the hook', async () => {
    await world.service({
      cluster: CLUSTER,
      service: 'hooked',
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ hookTargetArn: fn, roleArn: ROLE, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    });
    await atRest('hooked');
    await world.admin('POST', '/_sandbox/ecs/hook-outcomes', {
      functionArn: fn,
      outcomes: [{ hookStatus: 'FAILED' }],
    });
    const r = await world.cli(['-c', CLUSTER, '-n', 'hooked', '-i', `${NGINX}:1.28`]);
    assert.equal(r.code, 14, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /error: .*Lifecycle hook ecs-hook-[\w-]+ failed at POST_TEST_TRAFFIC_SHIFT/);
    assert.match(
      r.stdout,
      /^hooked: failed-ecs-rolled-back \(revision hooked:2, runs hooked:1\) .*Lifecycle hook ecs-hook-[\w-]+ failed at POST_TEST_TRAFFIC_SHIFT.*rolled the service back to hooked:1/,
    );
    assert.equal((await latest('hooked'))?.status, 'ROLLBACK_SUCCESSFUL');
    assert.equal(short((await world.describe(CLUSTER, 'hooked')).taskDefinition), 'hooked:1');
  });

  it('19: a PAUSE hook prints the continue/rollback commands; `continue` as a process finishes it', async () => {
    await world.service({
      cluster: CLUSTER,
      service: 'paused',
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    });
    await atRest('paused');
    const r = await world.cli(['-c', CLUSTER, '-n', 'paused', '-i', `${NGINX}:1.28`]);
    assert.equal(r.code, 19, `${r.stdout}\n${r.stderr}`);
    const out = `${r.stdout}\n${r.stderr}`;
    assert.match(out, /slipway ecs-deploy continue -c strat-cli -n paused/);
    assert.match(out, /slipway ecs-deploy rollback -c strat-cli -n paused/);
    assert.equal((await latest('paused'))?.status, 'IN_PROGRESS');
    // The stage and the weights on their own line under the table; ROLLOUT says what ECS says.
    assert.match(
      r.stderr,
      /\[paused\] BLUE_GREEN IN_PROGRESS · stage POST_TEST_TRAFFIC_SHIFT · test 100 % \/ production 0 % on paused:2\n/,
    );
    assert.match(r.stderr, /paused:2\s+TARGET\s+IN_PROGRESS/);

    const c = await world.cli(['continue', '-c', CLUSTER, '-n', 'paused']);
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    // continue finds the revision being replaced (not "-").
    assert.match(c.stderr, /paused:1\s+SOURCE\s+[A-Z_]+/);
    assert.match(
      c.stdout,
      /^paused: succeeded \(revision paused:2, runs paused:2\) .*completed \(SUCCESSFUL\)/,
    );
    assert.equal((await latest('paused'))?.status, 'SUCCESSFUL');
    assert.equal(short((await world.describe(CLUSTER, 'paused')).taskDefinition), 'paused:2');
  });
});
