/**
 * ecs-deploy benchmarks (issue 3). Not tests: each prints its figures and the ratio to its anchor
 * (ratio ≤ 1 meets the anchor). The engine runs in-process, with the request built from flags
 * exactly as the CLI builds it.
 *  1. Completion latency: from the sandbox marking our deployment COMPLETED (its updatedAt) to the
 *     engine returning; median over 10 rollouts. Anchor ≤ 1 s (the script polls every 10 s).
 *  2. ECS read calls (DescribeServices + DescribeTasks + ListTasks) during a ~5-minute rollout,
 *     against a 1-second poller over the same sandbox time. Anchor ≤ 1/3. Runs at time scale 1
 *     (5 real minutes): the engine paces itself on the wall clock, so a faster sandbox would flatter it.
 *  3. 50 services (50 families) in one run with throttling on: zero failures, and total time within
 *     1.2× the floor that RegisterTaskDefinition's limit sets (burst 20, then 1/s: ~30 s).
 * Run: npm run bench:ecs-deploy [-- 1 2 3]   (default: all; 1 and 2 run side by side)
 */
import {
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  CreateServiceCommand,
} from '@aws-sdk/client-ecs';
import { createAwsClients, resetRateLimiter } from '../src/aws/clients.js';
import { planFromFlags } from '../src/cli/ecs-deploy/options.js';
import { runEcsDeploy } from '../src/deploy/ecs-deploy.js';
import { startSandbox, type SandboxHandle } from '../src/sandbox/index.js';

const NGINX = 'public.ecr.aws/docker/library/nginx';
const FAST = {
  provisioningSeconds: 1,
  imagePullSeconds: 2,
  startSeconds: 1,
  targetHealthySeconds: 2,
  deregistrationDelaySeconds: 1,
  stopSeconds: 1,
  relaunchDelaySeconds: 2,
};

async function admin(sb: SandboxHandle, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${sb.endpoint}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

function ecsOf(sb: SandboxHandle): ECSClient {
  return new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
}

async function createService(
  sb: SandboxHandle,
  ecs: ECSClient,
  cluster: string,
  name: string,
  desiredCount: number,
) {
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      networkMode: 'bridge',
      containerDefinitions: [{ name: 'web', image: `${NGINX}:1.27`, memory: 64, essential: true }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount,
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
    }),
  );
  for (;;) {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }))).services?.[0];
    if (svc?.deployments?.length === 1 && svc.runningCount === desiredCount) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Deploys `image` to `services` with the engine, as `ecs-deploy -c cluster -n ... -i image` would. */
async function deploy(sb: SandboxHandle, cluster: string, services: string[], image: string) {
  const plan = planFromFlags({ cluster, serviceName: services, image }, { env: {}, readFile: () => '' });
  const clients = createAwsClients({
    region: sb.region,
    credentials: { kind: 'static', ...sb.credentials },
    endpoint: sb.endpoint,
  });
  try {
    return await runEcsDeploy(plan.request, clients, () => {});
  } finally {
    clients.destroy();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function completionLatency(): Promise<void> {
  const sb = await startSandbox({ port: 0, timeScale: 1, throttling: true });
  try {
    await admin(sb, 'PUT', '/_sandbox/settings', { timings: FAST });
    await admin(sb, 'POST', '/_sandbox/clusters', { name: 'lat', instances: { count: 4 } });
    const ecs = ecsOf(sb);
    await createService(sb, ecs, 'lat', 'lat', 2);
    const lags: number[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await deploy(sb, 'lat', ['lat'], `${NGINX}:v${i}`);
      const returnedAt = sb.runtime.now();
      if (result.outcome !== 'succeeded') throw new Error(`rollout ${i}: ${result.outcome}`);
      const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'lat', services: ['lat'] })))
        .services?.[0];
      const done = svc?.deployments?.find((d) => d.rolloutState === 'COMPLETED');
      if (!done?.updatedAt) throw new Error('no COMPLETED deployment');
      lags.push((returnedAt - done.updatedAt.getTime()) / sb.runtime.clock.timeScale);
    }
    ecs.destroy();
    const m = median(lags);
    console.log(
      `1. completion → return: median ${m.toFixed(0)} ms over ${lags.length} rollouts ` +
        `(min ${Math.min(...lags).toFixed(0)}, max ${Math.max(...lags).toFixed(0)}); anchor ≤ 1000 ms; ratio ${(m / 1000).toFixed(2)}`,
    );
  } finally {
    await sb.close();
  }
}

async function readCalls(): Promise<void> {
  const sb = await startSandbox({ port: 0, timeScale: 1, throttling: true });
  try {
    await admin(sb, 'PUT', '/_sandbox/settings', { timings: FAST });
    await admin(sb, 'POST', '/_sandbox/clusters', { name: 'calls', instances: { count: 4 } });
    const ecs = ecsOf(sb);
    await createService(sb, ecs, 'calls', 'calls', 4);
    ecs.destroy();
    // The new image takes ~4.5 minutes to start: a ~5-minute rollout.
    await admin(sb, 'POST', '/_sandbox/faults/images', { image: `${NGINX}:slow`, slowStartSeconds: 270 });
    await admin(sb, 'DELETE', '/_sandbox/stats');
    const t0 = sb.runtime.now();
    const result = await deploy(sb, 'calls', ['calls'], `${NGINX}:slow`);
    const sandboxSeconds = (sb.runtime.now() - t0) / 1000;
    if (result.outcome !== 'succeeded') throw new Error(`rollout: ${result.outcome}`);
    const stats = JSON.stringify(await admin(sb, 'GET', '/_sandbox/stats'));
    const count = (action: string) => {
      const m = new RegExp(`"ecs:${action}":\\{"calls":(\\d+)`).exec(stats);
      return m ? Number(m[1]) : 0;
    };
    const reads = count('DescribeServices') + count('DescribeTasks') + count('ListTasks');
    const poller = Math.round(sandboxSeconds);
    console.log(
      `2. read calls in a ${sandboxSeconds.toFixed(0)} s rollout: ${reads} (DescribeServices ${count('DescribeServices')}, ` +
        `DescribeTasks ${count('DescribeTasks')}, ListTasks ${count('ListTasks')}) vs ${poller} for a 1 s poller; ` +
        `anchor ≤ 1/3; ratio ${(reads / poller / (1 / 3)).toFixed(2)} (calls/poller ${(reads / poller).toFixed(3)})`,
    );
  } finally {
    await sb.close();
  }
}

async function manyServices(): Promise<void> {
  const N = 50;
  const sb = await startSandbox({ port: 0, timeScale: 100, throttling: false });
  try {
    await admin(sb, 'PUT', '/_sandbox/settings', { timings: FAST });
    await admin(sb, 'POST', '/_sandbox/clusters', { name: 'many', instances: { count: 25 } });
    const ecs = ecsOf(sb);
    const names = Array.from({ length: N }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((n) => createService(sb, ecs, 'many', n, 2)));
    ecs.destroy();
    // Switching throttling on refills every bucket: the run starts with the full burst.
    await admin(sb, 'PUT', '/_sandbox/settings', { throttling: true });
    await admin(sb, 'DELETE', '/_sandbox/stats');
    const t0 = performance.now();
    const result = await deploy(sb, 'many', names, `${NGINX}:1.28`);
    const seconds = (performance.now() - t0) / 1000;
    const failures = result.results.filter((r) => r.outcome !== 'succeeded');
    const stats = JSON.stringify(await admin(sb, 'GET', '/_sandbox/stats'));
    const throttled = [...stats.matchAll(/"throttled":(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
    const floor = N - 20; // RegisterTaskDefinition: a burst of 20 at once, then 1 per second
    console.log(
      `3. ${N} services in one run (limiter headroom ${process.env.BENCH_HEADROOM ?? 'the default: 0.95 of the burst and of the rate'}): ${seconds.toFixed(1)} s, ${failures.length} failures, ${throttled} throttled calls answered by retries; ` +
        `floor ~${floor} s (RegisterTaskDefinition: burst 20, then 1/s); anchor ≤ 1.2× floor; ratio ${(seconds / floor / 1.2).toFixed(2)} (time/floor ${(seconds / floor).toFixed(2)})`,
    );
    if (failures.length)
      console.log(`   failures: ${failures.map((f) => `${f.name}: ${f.outcome} ${f.message}`).join('; ')}`);
  } finally {
    await sb.close();
  }
}

// The client-side limiter keeps to 0.95 of the published burst and rate (so it stays under AWS's bucket);
// BENCH_HEADROOM=1 shows what the published limits alone allow.
if (process.env.BENCH_HEADROOM) resetRateLimiter({ headroom: Number(process.env.BENCH_HEADROOM) });

const which = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ['1', '2', '3']);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// 1 and 2 mostly wait; run side by side. 3 measures throughput, so it runs alone afterwards.
await Promise.all([
  which.has('1') ? completionLatency() : undefined,
  which.has('2') ? readCalls() : undefined,
]);
if (which.has('3')) await manyServices();
