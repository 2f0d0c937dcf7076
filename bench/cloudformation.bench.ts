/**
 * CloudFormation step benchmarks. Not tests: each prints its figures and the ratio to its anchor
 * (ratio ≤ 1 meets it). A whole Slipway runs in this process (test/helpers/slipway-world.ts: the
 * AWS sandbox, PGlite, one node with engine and API on loopback); the configuration goes in
 * through the API as `slipway apply -f` sends it. A tenanted project has one "Deploy a
 * CloudFormation template" step whose stack (`web-<tenant>`) is a Fargate task definition and
 * service of the release's image, so CloudFormation waits for real tasks.
 *  a. Stack final → step finished: deployments one at a time (each creates its tenant's stack),
 *     from the stack's final event (CREATE_COMPLETE, sandbox time converted to wall-clock time with
 *     the sandbox clock's scale; nothing advances the clock meanwhile) to the step's "Succeeded."
 *     line in the task log. Median and p95; anchor median ≤ 1 s (the deployer polls every second).
 *     Octopus polls a stack every 5 s: the ratio to 5 s is printed too.
 *  b. Fan-out: one release to 50 tenants at once (50 stacks in one account and region) with
 *     sandbox throttling on (CloudFormation's published rates, src/core/aws-limits.ts). Anchor:
 *     0 failed deployments. Prints the throttled calls and the CloudFormation calls per deployment
 *     by action.
 * Run: npm run bench:cloudformation [-- a b] [samples=20] [scale=10]
 */
import { performance } from 'node:perf_hooks';
import { resetRateLimiter } from '../src/aws/clients.js';
import { deploymentsCreatedSchema, releaseSchema } from '../src/cli/ci/schemas.js';
import { cfnOf, type CfnStack } from '../src/sandbox/cloudformation/model.js';
import { prng } from '../test/helpers/prng.js';
import { startWorld, type World } from '../test/helpers/slipway-world.js';
import { sandboxAdmin } from './deployments/fleet.js';
import { failures, percentile, sandboxStats, waitFinal } from './deployments/measure.js';

const ENVIRONMENT = 'Production';
const FAN_OUT = 50;
const ANCHOR_MS = 1000;
const OCTOPUS_POLL_MS = 5000;
/** Sandbox seconds for each task state change: short, so stacks wait on their service briefly. */
const FAST_TIMINGS = {
  provisioningSeconds: 1,
  imagePullSeconds: 2,
  startSeconds: 1,
  targetHealthySeconds: 2,
  deregistrationDelaySeconds: 1,
  stopSeconds: 1,
  relaunchDelaySeconds: 2,
};

const TEMPLATE = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { Image: { Type: 'String' } },
  Resources: {
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
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
        Cluster: 'bench',
        LaunchType: 'FARGATE',
        TaskDefinition: { Ref: 'Task' },
        DesiredCount: 1,
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'] } },
      },
    },
  },
  Outputs: { ServiceName: { Value: { 'Fn::GetAtt': ['Service', 'Name'] } } },
});

/** The configuration: tenants `a-01…` (part a) and `b-01…` (part b), one target taking them all. */
function config(tenants: readonly string[]): string {
  return JSON.stringify({
    apiVersion: 'slipway/v1',
    space: 'Default',
    environments: [{ name: ENVIRONMENT }],
    lifecycles: [{ name: 'Straight', phases: [{ name: ENVIRONMENT, manualEnvironments: [ENVIRONMENT] }] }],
    projects: [
      {
        name: 'web',
        lifecycle: 'Straight',
        tenantedMode: 'tenanted',
        process: {
          steps: [
            {
              name: 'Stack',
              roles: ['web'],
              action: {
                type: 'cloudformation-deploy',
                stackName: 'web-#{Octopus.Deployment.Tenant.Name}',
                template: TEMPLATE,
                parameters: [
                  { key: 'Image', value: 'registry.example.com/acme/web:#{Octopus.Release.Number}' },
                ],
              },
            },
          ],
        },
      },
    ],
    tenants: tenants.map((name) => ({
      name,
      projects: [{ project: 'web', environments: [ENVIRONMENT] }],
    })),
    ecsTargets: [
      {
        name: 'bench',
        region: 'us-east-1',
        cluster: 'bench',
        roles: ['web'],
        environments: [ENVIRONMENT],
        tenantedParticipation: 'tenanted',
        tenants,
      },
    ],
  });
}

const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);

/** Deploys release `releaseId` to `tenants` through the API; answers the deployment ids. */
async function deploy(world: World, releaseId: string, tenants: readonly string[]): Promise<string[]> {
  const created = await world.client.post(
    world.client.spacePath('deployments'),
    { release: releaseId, environment: ENVIRONMENT, tenants },
    deploymentsCreatedSchema,
  );
  return created.items.map((d) => d.id);
}

/** The stack named `name` (not a deleted one), read in this process from the sandbox's state. */
function stackNamed(world: World, name: string): CfnStack | undefined {
  const sb = world.sandbox;
  const region = sb.runtime.world.accounts[sb.accountId]!.regions[sb.region]!;
  return Object.values(cfnOf(region).stacks).find(
    (s) => s.stackName === name && s.status !== 'DELETE_COMPLETE',
  );
}

/** Wall-clock ms of sandbox time `t`, by the clock's scale now (valid while nothing advanced it since). */
function wallOf(world: World, t: number): number {
  const clock = world.sandbox.runtime.clock;
  return Date.now() - (clock.now() - t) / clock.timeScale;
}

/** Part a: one deployment at a time; stack final event → the step's "Succeeded." line. */
async function finalToFinished(world: World, releaseId: string, tenants: readonly string[]): Promise<void> {
  const samples: number[] = [];
  const stackSeconds: number[] = [];
  const scale = world.sandbox.runtime.clock.timeScale;
  const random = prng(13);
  for (const tenant of tenants) {
    // The sandbox's timings are whole sandbox seconds (its ECS::Service handler looks every 5), so a
    // stack would always end at the same point of the deployer's 1 s poll. A stack start and finish
    // of 0.5–1 wall-clock seconds each, drawn per deployment, spreads that point over the poll.
    const cfnStackSeconds = scale * (0.5 + 0.5 * random());
    await sandboxAdmin(world, 'PUT', 'settings', { timings: { cfnStackSeconds } });
    const [id] = await deploy(world, releaseId, [tenant]);
    const [row] = await waitFinal(world, releaseId, [id!], 120_000, 50);
    if (row?.state !== 'success')
      throw new Error(`deployment to ${tenant}: ${row?.state} ${row?.error ?? ''}`);
    const stack = stackNamed(world, `web-${tenant}`);
    const final = stack?.events.findLast(
      (e) => e.logicalId === stack.stackName && e.status === 'CREATE_COMPLETE',
    );
    const started = stack?.events.find((e) => e.logicalId === stack.stackName);
    if (!final || !started) throw new Error(`stack web-${tenant} has no CREATE_COMPLETE event`);
    const finalAt = wallOf(world, final.timestamp);
    const log = await world.log(id!);
    const succeeded = log.find((l) => l.path[0] === 'Stack' && l.message === 'Succeeded.');
    if (!succeeded) throw new Error(`deployment ${id} has no "Succeeded." line for its step`);
    samples.push(Date.parse(succeeded.at) - finalAt);
    stackSeconds.push((final.timestamp - started.timestamp) / 1000);
  }
  const median = percentile(samples, 0.5);
  const p95 = percentile(samples, 0.95);
  console.log(
    `a. stack final status → step finished: median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, ` +
      `min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)} over ${samples.length} deployments ` +
      `(each creating its stack, one at a time); anchor median ≤ ${ANCHOR_MS} ms; ratio ${(median / ANCHOR_MS).toFixed(3)}; ` +
      `against Octopus's ${OCTOPUS_POLL_MS / 1000} s poll: ratio ${(median / OCTOPUS_POLL_MS).toFixed(3)}`,
  );
  console.log(
    `   sandbox time scale ${scale} (event times converted with it); each stack took ${percentile(stackSeconds, 0.5).toFixed(1)} ` +
      `sandbox s (median; ${(percentile(stackSeconds, 0.5) / scale).toFixed(2)} s wall) from CREATE_IN_PROGRESS to CREATE_COMPLETE, ` +
      `its start and finish drawn from 0.5–1 s each`,
  );
}

/** Part b: one release to FAN_OUT tenants at once, throttling on. */
async function fanOut(world: World, releaseId: string, tenants: readonly string[]): Promise<void> {
  await sandboxAdmin(world, 'PUT', 'settings', { throttling: true });
  await sandboxAdmin(world, 'DELETE', 'stats');
  // Slipway's limiter starts full too, like the sandbox's buckets once armed.
  resetRateLimiter();
  const t0 = Date.now();
  const p0 = performance.now();
  const ids = await deploy(world, releaseId, tenants);
  const rows = await waitFinal(world, releaseId, ids, 600_000);
  const total = (performance.now() - p0) / 1000;
  const stats = await sandboxStats(world);
  const n = rows.length;
  const failed = rows.filter((r) => r.state !== 'success').length;
  const lastFinished = (Math.max(...rows.map((r) => r.finishedAt ?? t0)) - t0) / 1000;
  console.log(
    `b. fan-out to ${n} tenants (${n} stacks in one account and region), throttling on: ${failed} failed; ` +
      `all final after ${total.toFixed(1)} s (last finished ${lastFinished.toFixed(1)} s after the request); ` +
      `anchor 0 failed; ${failed === 0 ? 'met' : 'NOT met'}` +
      failures(rows),
  );
  const of = (service: string) =>
    Object.entries(stats)
      .filter(([action, a]) => action.startsWith(`${service}:`) && a.calls > 0)
      .sort((a, b) => b[1].calls - a[1].calls);
  const perDeployment = of('cloudformation')
    .map(([action, a]) => `${action.slice('cloudformation:'.length)} ${(a.calls / n).toFixed(2)}`)
    .join(', ');
  const throttled = Object.entries(stats).filter(([, a]) => a.throttled > 0);
  const throttledTotal = throttled.reduce((s, [, a]) => s + a.throttled, 0);
  console.log(`   CloudFormation calls per deployment: ${perDeployment}`);
  console.log(
    `   throttled calls (answered "Rate exceeded" by the sandbox): ${throttledTotal}` +
      (throttled.length ? ` (${throttled.map(([action, a]) => `${action} ${a.throttled}`).join(', ')})` : ''),
  );
  const ecs = of('ecs')
    .map(([action, a]) => `${action.slice('ecs:'.length)} ${a.calls}`)
    .join(', ');
  console.log(`   ECS calls (the stacks' resources, made by CloudFormation): ${ecs || 'none counted'}`);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`${name}=`));
  return found ? Number(found.slice(name.length + 1)) : fallback;
};
const parts = new Set(args.filter((a) => a === 'a' || a === 'b'));
if (parts.size === 0) for (const p of ['a', 'b'] as const) parts.add(p);
const samples = option('samples', 20);
const scale = option('scale', 10);
const tenantsA = names('a', samples);
const tenantsB = names('b', FAN_OUT);

const started = performance.now();
const world = await startWorld({ timeScale: scale, throttling: false, concurrency: FAN_OUT });
try {
  await sandboxAdmin(world, 'PUT', 'settings', { timings: FAST_TIMINGS });
  await world.admin('clusters', { name: 'bench', instances: { count: 1 } });
  await world.apply(config([...tenantsA, ...tenantsB]));
  const release = await world.client.post(
    world.client.spacePath('releases'),
    { project: 'web', version: '1.0.0', packages: [] },
    releaseSchema,
  );
  console.log(
    `seeded in ${((performance.now() - started) / 1000).toFixed(1)} s; sandbox time scale ${scale}`,
  );
  if (parts.has('a')) await finalToFinished(world, release.id, tenantsA);
  if (parts.has('b')) await fanOut(world, release.id, tenantsB);
} finally {
  await world.close();
}
