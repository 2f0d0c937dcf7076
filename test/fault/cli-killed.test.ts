/**
 * Promise: killing the CLI (kill -9) changes nothing in flight: `slipway ecs-deploy` run again with
 * the same arguments re-attaches to the rollout it started (no second RegisterTaskDefinition or
 * UpdateService), and a deployment whose `release deploy --wait` was killed runs on unaffected and
 * is picked up by `slipway deployment watch`, which exits 0 when it succeeds.
 *
 * One Slipway node in the test process (the CLI is what dies here), AWS in a sandbox whose clock
 * stands still while the CLI is killed, the CLI as a child process as CI runs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deploymentSchema, releaseSchema } from '../../src/cli/ci/schemas.js';
import { configFor, FROZEN, REPOSITORY } from '../kits/fault-cluster.js';
import { cleanEnv, killStartedProcesses, spawnSlipway } from '../kits/slipway-process.js';
import { waitUntil } from '../kits/waits.js';
import { startWorld, type World } from '../helpers/slipway-world.js';

const CLUSTER = 'main';
/** Sandbox seconds per real second once the rollouts may finish. */
const RUNNING = 100;

describe('the CLI killed and run again', () => {
  let world: World;
  let registry: string;

  const setTimeScale = (scale: number) => world.admin('time', { scale });
  const calls = async (): Promise<Record<string, number>> => {
    const res = await fetch(`${world.sandbox.endpoint}/_sandbox/stats`);
    const { actions } = (await res.json()) as { actions: Record<string, { calls: number }> };
    return Object.fromEntries(Object.entries(actions).map(([k, v]) => [k, v.calls]));
  };
  const resetCalls = () => fetch(`${world.sandbox.endpoint}/_sandbox/stats`, { method: 'DELETE' });

  before(async () => {
    world = await startWorld({ timeScale: RUNNING, throttling: false });
    // Short rollouts once the clock runs.
    await fetch(`${world.sandbox.endpoint}/_sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({
        timings: { provisioningSeconds: 1, imagePullSeconds: 2, startSeconds: 1, targetHealthySeconds: 2 },
      }),
    });
    registry = await world.pushImages(REPOSITORY, ['1.0.0', '1.1.0']);
    for (const service of ['cli-web', 'web'])
      await world.createService({ cluster: CLUSTER, service, image: `${registry}:1.0.0` });
    await world.apply(configFor([{ name: 'web' }]));
  });
  after(async () => {
    await killStartedProcesses();
    await world?.close();
  });

  it('ecs-deploy killed mid-rollout, run again: re-attaches to the rollout it started', async () => {
    const env = cleanEnv({
      AWS_ENDPOINT_URL: world.sandbox.endpoint,
      AWS_ACCESS_KEY_ID: world.sandbox.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: world.sandbox.credentials.secretAccessKey,
      AWS_REGION: world.sandbox.region,
    });
    const args = ['ecs-deploy', '-c', CLUSTER, '-n', 'cli-web', '-i', `${registry}:1.1.0`, '-t', '600'];
    await setTimeScale(FROZEN);
    await resetCalls();
    const first = spawnSlipway('ecs-deploy (first run)', args, env);
    await first.stderrMatches(/updated to cli-web:2: deployment (\S+)/);
    await first.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    const firstCalls = await calls();
    assert.equal(firstCalls['ecs:RegisterTaskDefinition'], 1, JSON.stringify(firstCalls));
    assert.equal(firstCalls['ecs:UpdateService'], 1, JSON.stringify(firstCalls));

    await resetCalls();
    const again = spawnSlipway('ecs-deploy (run again)', args, env);
    await again.stderrMatches(/already in progress: watching deployment \S+ instead of starting another/);
    await setTimeScale(RUNNING);
    const { code } = await again.exited;
    assert.equal(code, 0, again.output());
    assert.match(again.stdout(), /^cli-web: succeeded/m);
    const againCalls = await calls();
    assert.equal(againCalls['ecs:RegisterTaskDefinition'], undefined, 'no second registration');
    assert.equal(againCalls['ecs:UpdateService'], undefined, 'no second update');
    const svc = await world.describeService(CLUSTER, 'cli-web');
    assert.match(svc.taskDefinitionArn, /:task-definition\/cli-web:2$/);
    assert.equal(svc.images['app'], `${registry}:1.1.0`);
  });

  it('release deploy --wait killed while waiting: deployment watch picks the deployment up', async () => {
    const env = cleanEnv({ SLIPWAY_SERVER: world.url, SLIPWAY_API_KEY: world.apiKey });
    await world.client.post(
      world.client.spacePath('releases'),
      { project: 'web', version: '1.1.0', packageVersion: '1.1.0' },
      releaseSchema,
    );
    await setTimeScale(FROZEN);
    await resetCalls();
    const deploy = spawnSlipway(
      'release deploy --wait',
      ['release', 'deploy', '--project', 'web', '--version', '1.1.0', '--to', 'Staging', '--wait'],
      env,
    );
    const [, id] = await deploy.stderrMatches(/Queued (\S+):/);
    // Killed while it follows the rollout.
    await deploy.stderrMatches(/updated to web:2: deployment/);
    await deploy.kill('SIGKILL');
    assert.equal((await deploy.exited).signal, 'SIGKILL');
    const d = await world.client.get(world.client.spacePath('deployments', id!), deploymentSchema);
    assert.equal(d.state, 'executing', 'the deployment goes on without its CLI');

    const watch = spawnSlipway('deployment watch', ['deployment', 'watch', id!], env);
    await watch.stderrMatches(new RegExp(`Watching ${id}:`));
    await setTimeScale(RUNNING);
    const { code } = await watch.exited;
    assert.equal(code, 0, watch.output());
    assert.match(watch.stdout(), new RegExp(`^${id} \\(.*\\): success$`, 'm'));
    // The deployment itself was unaffected: one registration, one update, success.
    const final = await world.waitForDeployment(id!);
    assert.equal(final.state, 'success');
    const log = (await world.log(id!)).map((l) => l.message).join('\n');
    assert.equal(log.match(/updated to web:2: deployment/g)?.length, 1, log);
    const c = await calls();
    assert.equal(c['ecs:RegisterTaskDefinition'], 1, JSON.stringify(c));
    assert.equal(c['ecs:UpdateService'], 1, JSON.stringify(c));
    await waitUntil('web to run 1.1.0', async () =>
      (await world.describeService(CLUSTER, 'web')).images['app'] === `${registry}:1.1.0` ? true : undefined,
    );
  });
});
