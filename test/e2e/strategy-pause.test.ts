/**
 * End to end, through the HTTP API of a whole Slipway over the AWS sandbox: a BLUE_GREEN service
 * whose strategy has a PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT, deployed by the Update ECS
 * Service step. The pause becomes a manual intervention naming the test listener rule; proceed
 * finishes the ECS deployment (SUCCESSFUL), abort rolls it back (ROLLBACK_SUCCESSFUL) and fails the
 * Slipway deployment with the reason; a server restart while paused keeps the intervention; a
 * hook continued outside Slipway closes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { deploymentSchema, interruptionSchema, releaseSchema } from '../../src/server/routes/release-http.js';
import { startWorld, type World } from '../helpers/slipway-world.js';
import { createPausedBlueGreenService } from '../kits/blue-green-service.js';

const REGION = 'us-east-1';
const CLUSTER = 'e2e-bg';
const SERVICE = 'bg-web';
/** Generous: a deployment here takes a few seconds; the deadline only turns a hang into a failure. */
const DEADLINE_MS = 30_000;

type Deployment = z.output<typeof deploymentSchema>;
type Interruption = z.output<typeof interruptionSchema>;

const CONFIG = `apiVersion: slipway/v1
space: Default
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: ${REGION} }
lifecycles:
  - name: Dev only
    phases: [{ name: Development, manualEnvironments: [Dev] }]
projects:
  - name: bluegreen
    lifecycle: Dev only
    process:
      steps:
        - name: Deploy
          roles: [bg]
          action:
            type: ecs-update-service
            service: ${SERVICE}
            containers:
              - name: web
                environment: [{ name: RELEASE, value: '#{Octopus.Release.Number}' }]
ecsTargets:
  - { name: bg, awsAccount: Sandbox, region: ${REGION}, cluster: ${CLUSTER}, roles: [bg], environments: [Dev] }
`;

describe('e2e: a BLUE_GREEN deployment paused at a PAUSE hook, answered through the API', () => {
  let world: World;
  let ecs: ECSClient;
  let testListener = '';

  const api = (...segments: string[]) => world.client.spacePath(...segments);

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function deploy(version: string): Promise<Deployment> {
    const release = await world.client.post(
      api('releases'),
      { project: 'bluegreen', version, packages: [] },
      releaseSchema,
    );
    const created = await world.client.post(
      api('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    assert.equal(created.items.length, 1);
    return created.items[0]!;
  }

  const interruptionsOf = async (id: string) =>
    (
      await world.client.get(
        api('deployments', id, 'interruptions'),
        z.object({ items: z.array(interruptionSchema) }),
      )
    ).items;

  const openInterruption = (id: string) =>
    waitFor(`an open interruption of ${id}`, async () =>
      (await interruptionsOf(id)).find((i) => i.answer === undefined),
    );

  const answer = (i: Interruption, reply: string, notes: string) =>
    world.client.post(api('interruptions', i.id, 'answer'), { answer: reply, notes }, interruptionSchema);

  /** The service's newest ECS service deployment. */
  async function latestEcsDeployment() {
    const out = await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: SERVICE }));
    return out.serviceDeployments?.[0];
  }

  const logText = async (id: string) =>
    (await world.log(id)).map((l) => `[${l.path.join(' / ')}] ${l.level}: ${l.message}`).join('\n');

  before(async () => {
    world = await startWorld({ timeScale: 100, throttling: false });
    ecs = world.ecs();
    const made = await createPausedBlueGreenService(world, ecs, {
      region: REGION,
      cluster: CLUSTER,
      service: SERVICE,
      prefix: 'bg',
    });
    testListener = made.testListener;
    const first = made.first;
    assert.equal(first.status, 'SUCCESSFUL');
    await world.apply(CONFIG);
  });

  after(async () => {
    ecs?.destroy();
    await world?.close();
  });

  it('proceed: ContinueServiceDeployment CONTINUE, ECS SUCCESSFUL, the deployment succeeds', async () => {
    const d = await deploy('1.0.0');
    const question = await openInterruption(d.id);
    assert.equal(question.kind, 'manual-intervention');
    assert.equal(question.step, 'Deploy');
    assert.match(question.instructions, /paused at POST_TEST_TRAFFIC_SHIFT \(PAUSE hook ecs-pause-/);
    assert.ok(question.instructions.includes(`test listener rule ${testListener}`), question.instructions);
    assert.equal((await latestEcsDeployment())?.status, 'IN_PROGRESS', 'ECS waits for the answer');
    assert.equal((await world.client.get(api('deployments', d.id), deploymentSchema)).state, 'executing');

    await answer(question, 'proceed', 'test traffic looks good');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    assert.equal((await latestEcsDeployment())?.status, 'SUCCESSFUL');
    assert.deepEqual((await world.describeService(CLUSTER, SERVICE)).environment['web'], {
      RELEASE: '1.0.0',
    });
    const log = await logText(d.id);
    assert.match(log, /Manual intervention: proceed \(admin: test traffic looks good\): continuing/);
  });

  it('abort: ContinueServiceDeployment ROLLBACK, ECS ROLLBACK_SUCCESSFUL, the deployment fails naming it', async () => {
    const d = await deploy('1.0.1');
    const question = await openInterruption(d.id);
    assert.ok(question.instructions.includes(testListener), question.instructions);
    await answer(question, 'abort', 'errors on the test listener');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'failed');
    assert.match(ended.error ?? '', /rolled the service back/);
    const ecsDeployment = await latestEcsDeployment();
    assert.equal(ecsDeployment?.status, 'ROLLBACK_SUCCESSFUL');
    assert.deepEqual(
      (await world.describeService(CLUSTER, SERVICE)).environment['web'],
      { RELEASE: '1.0.0' },
      'still what 1.0.0 deployed',
    );
    const log = await logText(d.id);
    assert.match(log, /Manual intervention: abort \(admin: errors on the test listener\): rolling back/);
  });

  it('a server restart while paused: the intervention survives, and proceed after it finishes the deployment', async () => {
    const d = await deploy('1.0.2');
    const question = await openInterruption(d.id);
    await world.restartNode();
    assert.equal((await latestEcsDeployment())?.status, 'IN_PROGRESS', 'ECS still waits for the answer');
    const after = await openInterruption(d.id);
    assert.equal(after.id, question.id, 'the same intervention, not a second one');
    await answer(after, 'proceed', 'answered after a restart');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    assert.equal((await latestEcsDeployment())?.status, 'SUCCESSFUL');
    assert.deepEqual((await world.describeService(CLUSTER, SERVICE)).environment['web'], {
      RELEASE: '1.0.2',
    });
    const all = await interruptionsOf(d.id);
    assert.equal(all.length, 1, JSON.stringify(all));
  });

  it('a hook continued outside Slipway closes the intervention, answered by the system', async () => {
    const d = await deploy('1.0.3');
    const question = await openInterruption(d.id);
    const ecsDeployment = await latestEcsDeployment();
    const described = await ecs.send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [ecsDeployment!.serviceDeploymentArn!],
      }),
    );
    const hook = described.serviceDeployments?.[0]?.lifecycleHookDetails?.find(
      (h) => h.status === 'AWAITING_ACTION',
    );
    // As `slipway ecs-deploy continue` or ECS's console does it.
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: ecsDeployment!.serviceDeploymentArn,
        hookId: hook!.hookId,
        action: 'CONTINUE',
      }),
    );
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    const closed = (await interruptionsOf(d.id)).find((i) => i.id === question.id);
    assert.equal(closed?.answer, 'proceed', JSON.stringify(closed));
    assert.equal(closed?.answeredBy, 'system (ECS)');
    assert.match(
      closed?.notes ?? '',
      /answered outside Slipway \(ECS shows the (hook is SUCCEEDED|deployment is (IN_PROGRESS|SUCCESSFUL))/,
    );
  });
});
