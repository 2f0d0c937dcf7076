/**
 * Promise: a server killed with -9 while a deployment's CloudFormation stack operation is in flight
 * is resumed by another node within 60 s; the new node re-attaches to the operation by its token
 * instead of sending it again (exactly one CreateStack, and for the update exactly one
 * UpdateStack), the deployment succeeds, and the step leaves nothing on disk.
 *
 * `slipway server` processes on one PostgreSQL; AWS in a sandbox whose clock stands still while a
 * node is to be killed. A "Deploy a CloudFormation template" step deploys a stack whose
 * AWS::ECS::Service runs an image that starts slowly: the kill comes while CloudFormation waits for
 * the service to stabilise. Node 1 is killed during the create (node 2 resumes it), node 2 during
 * the update of a second release (node 3 resumes it).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../../src/cli/api-client.js';
import { deploymentsCreatedSchema, releaseSchema } from '../../src/cli/ci/schemas.js';
import { planApply } from '../../src/cli/config/planner.js';
import { parseConfigText } from '../../src/cli/config/read-file.js';
import { isFinalState } from '../../src/core/model/release.js';
import { cfnOf, type CfnStack } from '../../src/sandbox/cloudformation/model.js';
import { CFN_SKIP } from '../kits/cloudformation.js';
import { CLUSTER, FROZEN, RUNNING, startFaultCluster, type FaultCluster } from '../kits/fault-cluster.js';
import type { ServerProcess } from '../kits/slipway-process.js';
import { figure, seconds, waitUntil } from '../kits/waits.js';
import { postgresUnavailableReason } from '../helpers/postgres.js';

/** The issue's bound: another node resumes a dead node's deployments within this (a wait limit). */
const RESUME_LIMIT_MS = 60_000;
const STACK = 'web-Staging';
/** The sandbox assumes images of registries other than its own exist (Fargate pulls them without a role). */
const IMAGE = 'registry.example.com/acme/web';
/** Sandbox seconds the image takes to start: the service stabilises this long after CreateService. */
const SLOW_START_SECONDS = 120;

/** A task definition and a Fargate service of two tasks running the release's image. */
const TEMPLATE = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { Image: { Type: 'String' } },
  Resources: {
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: 'web',
        Cpu: '256',
        Memory: '512',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        ContainerDefinitions: [{ Name: 'web', Image: { Ref: 'Image' }, Essential: true }],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: CLUSTER,
        LaunchType: 'FARGATE',
        TaskDefinition: { Ref: 'Task' },
        DesiredCount: 2,
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'] } },
      },
    },
  },
  Outputs: { ServiceName: { Value: { 'Fn::GetAtt': ['Service', 'Name'] } } },
});

/** One project "web" with the stack step, one environment, the sandbox's account as the ambient one. */
const CONFIG = JSON.stringify({
  apiVersion: 'slipway/v1',
  space: 'Default',
  environments: [{ name: 'Staging' }],
  awsAccounts: [{ name: 'Ambient', mode: 'ambient', region: 'us-east-1' }],
  lifecycles: [{ name: 'Straight', phases: [{ name: 'Staging', manualEnvironments: ['Staging'] }] }],
  projects: [
    {
      name: 'web',
      lifecycle: 'Straight',
      process: {
        steps: [
          {
            name: 'Stack',
            roles: ['app'],
            action: {
              type: 'cloudformation-deploy',
              stackName: 'web-#{Octopus.Environment.Name}',
              template: TEMPLATE,
              parameters: [{ key: 'Image', value: `${IMAGE}:#{Octopus.Release.Number}` }],
              wait: { mode: 'wait', timeoutMinutes: 30 },
            },
          },
        ],
      },
    },
  ],
  ecsTargets: [
    {
      name: 'main',
      awsAccount: 'Ambient',
      region: 'us-east-1',
      cluster: CLUSTER,
      roles: ['app'],
      environments: ['Staging'],
    },
  ],
});

interface Outcome {
  state: string;
  log: string;
  /** How long after the kill the new node said it resumed the deployment. */
  resumedAfterMs: number;
}

const skip = postgresUnavailableReason() || CFN_SKIP;

describe('kill -9 of a server during a CloudFormation stack operation', skip ? { skip } : {}, () => {
  let cluster: FaultCluster | undefined;
  let created: Outcome;
  let updated: Outcome;
  /** The stack's Service resource when each node was killed. */
  const serviceAtKill: string[] = [];
  let calls: Record<string, number>;
  let stack: CfnStack;
  let runningImage: string;
  let runningCount: number;
  let leftInTmp: string[];
  let dataDirBefore: string[];
  let dataDirAfter: string[];

  after(async () => {
    await cluster?.close();
  });

  before(
    async () => {
      cluster = await startFaultCluster([]);
      const c = cluster;
      const sb = c.sandbox;
      const dataDir = c.serverArgs[c.serverArgs.indexOf('--data-dir') + 1]!;
      const stackNow = (): CfnStack | undefined =>
        Object.values(cfnOf(sb.runtime.world.accounts[sb.accountId]!.regions[sb.region]!).stacks).find(
          (s) => s.stackName === STACK && s.status !== 'DELETE_COMPLETE',
        );
      for (const version of ['1.0.0', '1.1.0'])
        await c.admin('POST', 'faults/images', {
          image: `${IMAGE}:${version}`,
          slowStartSeconds: SLOW_START_SECONDS,
        });

      const deploy = async (client: ApiClient, version: string) => {
        const release = await client.post(
          client.spacePath('releases'),
          { project: 'web', version, packages: [] },
          releaseSchema,
        );
        const out = await client.post(
          client.spacePath('deployments'),
          { release: release.id, environment: 'Staging' },
          deploymentsCreatedSchema,
        );
        assert.equal(out.items.length, 1);
        return out.items[0]!.id;
      };

      /**
       * Waits until `node` sent the stack operation `operation` (its token and the stack's id
       * saved), then moves sandbox time a second at a time until CloudFormation waits on the ECS
       * service (`status`, with its ARN), and kills the node there.
       */
      const killDuring = async (
        node: ServerProcess,
        id: string,
        operation: 'create' | 'update',
        status: string,
      ) => {
        const sent = await waitUntil(
          `${node.name} to send the ${operation} of the stack`,
          async () => {
            const rows = await c.query<{ progress: Record<string, unknown> | null }>(
              `select progress from deployment_steps where deployment_id = $1`,
              [id],
            );
            const p = rows[0]?.progress ?? {};
            if (p['operation'] === operation && typeof p['stackId'] === 'string') return 'sent';
            // A deployment that ended before (e.g. its step failed) will never send it: say why now.
            const d = await c.deployment(c.client(node), id);
            return isFinalState(d.state) ? `deployment ${id} ended ${d.state}: ${d.error ?? ''}` : undefined;
          },
          { context: c.context },
        );
        assert.equal(sent, 'sent', `${sent}\n${c.context()}`);
        await waitUntil(
          `the stack's ECS service to be ${status}`,
          async () => {
            const svc = stackNow()?.resources['Service'];
            if (svc?.status === status && svc.physicalId !== '') return true;
            await c.admin('POST', 'time', { advanceSeconds: 1 });
            return undefined;
          },
          { context: c.context },
        );
        const s = stackNow()!;
        serviceAtKill.push(`${s.status} / Service ${s.resources['Service']!.status}`);
        const killedAt = Date.now();
        await node.kill();
        return killedAt;
      };

      /** Starts the next node, waits until it resumed `id` and re-attached to the stack operation; runs the clock. */
      const resumeOn = async (name: string, id: string, killedAt: number) => {
        const node = await c.startNode(name);
        const client = c.client(node);
        const resumedAt = await waitUntil(
          `${name} to resume deployment ${id}`,
          async () =>
            (await c.log(client, id)).some((l) => l.message.startsWith('Resuming ')) ? Date.now() : undefined,
          { timeoutMs: RESUME_LIMIT_MS - (Date.now() - killedAt), context: c.context },
        );
        await waitUntil(
          `${name} to re-attach to the stack operation`,
          async () =>
            (await c.log(client, id)).some((l) =>
              l.message.startsWith('Resuming: an earlier attempt started'),
            )
              ? true
              : undefined,
          { context: c.context },
        );
        await c.setTimeScale(RUNNING);
        const d = await c.finalDeployment(client, id);
        const outcome: Outcome = {
          state: `${d.state}${d.error ? `: ${d.error}` : ''}`,
          log: (await c.log(client, id)).map((l) => l.message).join('\n'),
          resumedAfterMs: resumedAt - killedAt,
        };
        return { node, client, outcome };
      };

      // 1. The create: node 1 is killed while CloudFormation waits for the new service.
      const node1 = await c.startNode('node 1');
      const client1 = c.client(node1);
      const apply = await planApply(client1, parseConfigText(CONFIG, 'the test configuration'), {});
      for (const step of apply.steps) await step.run?.();
      dataDirBefore = readdirSync(dataDir).sort();
      const first = await deploy(client1, '1.0.0');
      const killed1 = await killDuring(node1, first, 'create', 'CREATE_IN_PROGRESS');
      const second = await resumeOn('node 2', first, killed1);
      created = second.outcome;
      figure('kill-9-during-stack-create.resumed-after', seconds(created.resumedAfterMs));

      // 2. The update of the next release: node 2 is killed while the service rolls.
      await c.setTimeScale(FROZEN);
      const next = await deploy(second.client, '1.1.0');
      const killed2 = await killDuring(second.node, next, 'update', 'UPDATE_IN_PROGRESS');
      updated = (await resumeOn('node 3', next, killed2)).outcome;
      figure('kill-9-during-stack-update.resumed-after', seconds(updated.resumedAfterMs));

      calls = await c.calls();
      stack = stackNow()!;
      const service = stack.resources['Service']!.physicalId;
      const svc = await c.describeService(service.slice(service.lastIndexOf('/') + 1));
      runningCount = svc.runningCount ?? 0;
      const outcome = await c.outcome(svc.serviceName ?? '');
      runningImage = outcome.image;
      // tsx's compile cache (TMPDIR/tsx-<uid>) is there because the servers run from source.
      leftInTmp = readdirSync(c.serverTmp).filter((n) => !n.startsWith('tsx-'));
      dataDirAfter = readdirSync(dataDir).sort();
    },
    { timeout: 300_000 },
  );

  it('killed during the create: the next node re-attaches to it and the stack is created once', () => {
    assert.equal(created.state, 'success', created.log);
    assert.equal(serviceAtKill[0], 'CREATE_IN_PROGRESS / Service CREATE_IN_PROGRESS');
    assert.match(
      created.log,
      /Resuming: an earlier attempt started the create of stack web-Staging \(arn:aws:cloudformation:[^)]+\); watching it instead of sending it again\./,
    );
    assert.match(created.log, /Stack web-Staging create finished: CREATE_COMPLETE\./);
    assert.ok(created.resumedAfterMs < RESUME_LIMIT_MS);
  });

  it('killed during the update: the next node re-attaches to it and the stack is updated once', () => {
    assert.equal(updated.state, 'success', updated.log);
    assert.equal(serviceAtKill[1], 'UPDATE_IN_PROGRESS / Service UPDATE_IN_PROGRESS');
    assert.match(updated.log, /Resuming: an earlier attempt started the update of stack web-Staging/);
    assert.match(updated.log, /Stack web-Staging update finished: UPDATE_COMPLETE\./);
    assert.equal(stack.status, 'UPDATE_COMPLETE');
    assert.equal(runningImage, `${IMAGE}:1.1.0`);
    assert.equal(runningCount, 2);
  });

  it('CloudFormation saw exactly one CreateStack and one UpdateStack, and no DeleteStack', () => {
    assert.equal(calls['cloudformation:CreateStack'], 1, JSON.stringify(calls));
    assert.equal(calls['cloudformation:UpdateStack'], 1, JSON.stringify(calls));
    assert.equal(calls['cloudformation:DeleteStack'], undefined, JSON.stringify(calls));
  });

  it('nothing of the step is left on disk', () => {
    assert.deepEqual(leftInTmp, [], "the servers' temporary directory");
    assert.deepEqual(dataDirAfter, dataDirBefore, 'the data directory');
  });
});
