/**
 * The export of a "Deploy Amazon ECS Service" step is a template people run elsewhere: `slipway
 * export cloudformation` (a real CLI process against a real server) writes it, the test fills in
 * the image where the export wrote `#{Octopus.Action.Package[web].Image}`, and the AWS CLI v1's
 * `aws cloudformation deploy` deploys it to the sandbox: CREATE_COMPLETE with the service running
 * the image, and a re-run is "No changes to deploy" (spec C.14). The stack has the resources the
 * step itself would deploy (core renderServiceStack). Skips when `aws` is not on the machine.
 *
 * The CLI's waiters poll every 5–30 real seconds, its first DescribeStacks comes ~4 ms after
 * ExecuteChangeSet, and the stack needs a few more milliseconds even at the sandbox's fastest time
 * scale: a proxy in front of the sandbox answers ExecuteChangeSet once the stack has settled (as if
 * the call had taken that long), so the CLI's first look finds the final status.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { checkEvaluatedDeployService, renderServiceStack } from '../../src/core/cfn/index.js';
import { cfnOf } from '../../src/sandbox/cloudformation/model.js';
import type { SandboxHandle } from '../../src/sandbox/index.js';
import { AWS_CLI, runAwsCli, type CliResult } from '../helpers/aws-cli.js';
import { startWorld, type World } from '../helpers/slipway-world.js';
import { forwardRequest } from '../kits/aws-proxy.js';
import { cleanEnv, killStartedProcesses, spawnSlipway } from '../kits/slipway-process.js';

const AWS = AWS_CLI;
const CLUSTER = 'main';
const STACK = 's';
const IMAGE = 'registry.example.com/acme/web:1.4.2';
const IMAGE_EXPRESSION = '#{Octopus.Action.Package[web].Image}';

/** The step: a Fargate service of one container, logs to an in-stack log group, an in-stack execution role. */
const STEP = {
  name: 'Deploy',
  roles: ['web'],
  action: {
    type: 'ecs-deploy-service',
    service: 'web-#{Octopus.Environment.Name}',
    taskFamily: 'web',
    cpu: 256,
    memory: 512,
    subnets: ['subnet-0a1b2c3d'],
    tags: [{ key: 'team', value: 'web' }],
    containers: [{ name: 'web', image: 'web', portMappings: [{ containerPort: 80 }] }],
    packages: [{ name: 'web', feed: 'Registry', image: 'acme/web' }],
  },
};

const CONFIG = JSON.stringify({
  apiVersion: 'slipway/v1',
  space: 'Default',
  environments: [{ name: 'Staging' }],
  feeds: [{ name: 'Registry', type: 'docker', url: 'https://registry.example.com' }],
  lifecycles: [{ name: 'Straight', phases: [{ name: 'Staging', manualEnvironments: ['Staging'] }] }],
  projects: [{ name: 'web', lifecycle: 'Straight', process: { steps: [STEP] } }],
  ecsTargets: [
    { name: 'main', region: 'us-east-1', cluster: CLUSTER, roles: ['web'], environments: ['Staging'] },
  ],
});

/** A pass-through proxy that answers ExecuteChangeSet once the stack is no longer in progress. */
async function startSettlingProxy(sb: SandboxHandle): Promise<{ endpoint: string; close(): Promise<void> }> {
  const upstream = new URL(sb.endpoint);
  const settled = (name: string) => {
    const stacks = cfnOf(sb.runtime.world.accounts[sb.accountId]!.regions[sb.region]!).stacks;
    const stack = Object.values(stacks).find((s) => s.stackName === name && s.status !== 'DELETE_COMPLETE');
    return stack !== undefined && stack.operation === undefined && !stack.status.endsWith('_IN_PROGRESS');
  };
  const forward = (req: IncomingMessage, body: Buffer) => forwardRequest(upstream, req, body);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const form = new URLSearchParams(body.toString('utf8'));
        const answer = await forward(req, body);
        if (form.get('Action') === 'ExecuteChangeSet' && answer.status === 200) {
          const name = form.get('StackName') ?? '';
          const deadline = Date.now() + 10_000;
          while (!settled(name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        }
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })().catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${String(e)}`);
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

const resourcesSchema = z.object({
  StackResources: z.array(z.object({ LogicalResourceId: z.string(), ResourceType: z.string() })),
});
const stacksSchema = z.object({ Stacks: z.array(z.object({ StackStatus: z.string() })) });
const processSchema = z.object({ steps: z.array(z.object({ name: z.string(), action: z.unknown() })) });
const environmentsSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

describe('an exported ECS service stack deployed with `aws cloudformation deploy`', () => {
  let world: World | undefined;
  let proxy: Awaited<ReturnType<typeof startSettlingProxy>> | undefined;
  let dir = '';
  let exported = '';
  let exportedStderr = '';

  before(
    async () => {
      if (!AWS) return;
      world = await startWorld({ timeScale: 100_000, throttling: false });
      const w = world;
      const settings = await fetch(`${w.sandbox.endpoint}/_sandbox/settings`, {
        method: 'PUT',
        body: JSON.stringify({
          timings: {
            cfnStackSeconds: 0,
            cfnChangeSetSeconds: 0,
            provisioningSeconds: 0,
            imagePullSeconds: 0,
            startSeconds: 0,
          },
        }),
      });
      assert.equal(settings.status, 200, await settings.text());
      const ecs = w.ecs();
      await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
      ecs.destroy();
      proxy = await startSettlingProxy(w.sandbox);
      await w.apply(CONFIG);
      dir = mkdtempSync(join(tmpdir(), 'slipway-cfn-export-'));
      // The connection options after `cloudformation`, --format before it: both places work.
      const cli = spawnSlipway(
        'slipway export cloudformation',
        [
          ...['export', '--format', 'yaml', 'cloudformation', '--server', w.url, '--api-key', w.apiKey],
          ...['--project', 'web', '--step', 'Deploy', '--environment', 'Staging'],
        ],
        cleanEnv({}),
      );
      const ended = await cli.exited;
      exportedStderr = cli.stderr();
      assert.equal(ended.code, 0, cli.output());
      exported = cli.stdout();
      writeFileSync(join(dir, 'f.yaml'), exported.replaceAll(IMAGE_EXPRESSION, IMAGE));
    },
    { timeout: 120_000 },
  );
  after(async () => {
    await killStartedProcesses();
    await proxy?.close();
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function aws(...args: string[]): Promise<CliResult> {
    const sb = world?.sandbox;
    if (!sb || !AWS || !proxy) throw new Error('no sandbox');
    return runAwsCli({ endpoint: proxy.endpoint, credentials: sb.credentials, timeoutMs: 60_000 }, ...args);
  }

  /** `aws cloudformation deploy` of the filled-in export; the cluster is the one parameter without a default. */
  const deploy = (...more: string[]) =>
    aws(
      ...['cloudformation', 'deploy', '--template-file', join(dir, 'f.yaml'), '--stack-name', STACK],
      ...['--capabilities', 'CAPABILITY_IAM', '--parameter-overrides', `ClusterName=${CLUSTER}`, ...more],
    );

  /** The CLI names change sets after the epoch second: a re-run in the same second would collide. */
  const nextSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

  it('the export names the image by its package reference, and nothing else is left to fill in', (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    assert.ok(exported.includes(IMAGE_EXPRESSION), exported);
    assert.equal(exported.replaceAll(IMAGE_EXPRESSION, IMAGE).includes('#{'), false, exported);
    assert.equal(exportedStderr, '');
  });

  it('creates the stack: CREATE_COMPLETE, and the service runs the image', async (t) => {
    if (!AWS || !world) return t.skip('aws CLI not found on PATH');
    const created = await deploy();
    assert.equal(created.code, 0, created.stdout + created.stderr);
    assert.match(created.stdout, /Waiting for changeset to be created\.\./);
    assert.match(created.stdout, new RegExp(`Successfully created/updated stack - ${STACK}`));
    const described = await aws('cloudformation', 'describe-stacks', '--stack-name', STACK);
    assert.equal(described.code, 0, described.stderr);
    assert.equal(stacksSchema.parse(JSON.parse(described.stdout)).Stacks[0]?.StackStatus, 'CREATE_COMPLETE');

    const ecs = world.ecs();
    try {
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster: CLUSTER, services: ['web-Staging'] }),
      );
      const svc = out.services?.[0];
      assert.equal(svc?.status, 'ACTIVE');
      assert.equal(svc?.runningCount, 1);
      assert.deepEqual(
        svc?.deployments?.map((d) => [d.status, d.rolloutState]),
        [['PRIMARY', 'COMPLETED']],
      );
      const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc?.taskDefinition }));
      assert.deepEqual(
        td.taskDefinition?.containerDefinitions?.map((c) => [c.name, c.image]),
        [['web', IMAGE]],
      );
    } finally {
      ecs.destroy();
    }
  });

  it('a re-run prints "No changes to deploy" (exit 255; 0 with --no-fail-on-empty-changeset)', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    await nextSecond();
    const again = await deploy();
    assert.equal(again.code, 255, again.stdout + again.stderr);
    assert.match(
      again.stdout + again.stderr,
      new RegExp(`No changes to deploy\\. Stack ${STACK} is up to date`),
    );
    await nextSecond();
    const tolerated = await deploy('--no-fail-on-empty-changeset');
    assert.equal(tolerated.code, 0, tolerated.stdout + tolerated.stderr);
    assert.match(tolerated.stdout + tolerated.stderr, /No changes to deploy/);
  });

  it('the stack has the resources (logical ids and types) of the stack the step itself renders', async (t) => {
    if (!AWS || !world) return t.skip('aws CLI not found on PATH');
    const listed = await aws('cloudformation', 'describe-stack-resources', '--stack-name', STACK);
    assert.equal(listed.code, 0, listed.stderr);
    const deployed = resourcesSchema
      .parse(JSON.parse(listed.stdout))
      .StackResources.map((r) => `${r.LogicalResourceId} ${r.ResourceType}`)
      .sort();

    // The step as stored, evaluated for Staging (its one template), rendered as the deployment would.
    const c = world.client;
    const { steps } = await c.get(c.spacePath('projects', 'web', 'process'), processSchema);
    const stored = steps.find((s) => s.name === 'Deploy');
    assert.ok(stored);
    const evaluated = JSON.parse(
      JSON.stringify(stored.action).replaceAll('#{Octopus.Environment.Name}', 'Staging'),
    ) as unknown;
    const environment = (await c.get(c.spacePath('environments'), environmentsSchema)).items.find(
      (e) => e.name === 'Staging',
    );
    assert.ok(environment);
    const rendered = renderServiceStack(checkEvaluatedDeployService(evaluated, 'Deploy'), {
      images: { web: IMAGE },
      clusterName: CLUSTER,
      environmentId: environment.id,
    });
    const expected = Object.entries(rendered.template.Resources)
      .map(([id, r]) => `${id} ${r.Type}`)
      .sort();
    assert.deepEqual(deployed, expected);
    assert.deepEqual(expected, [
      'AwsLogGroupweb AWS::Logs::LogGroup',
      'Serviceweb AWS::ECS::Service',
      'TaskDefinitionweb AWS::ECS::TaskDefinition',
      'TaskExecutionRoleweb AWS::IAM::Role',
    ]);
  });
});
