/**
 * Sandbox benchmark (issue 2). Not a test: prints figures and their ratio to the anchors.
 *  1. With 1,000 services and 5,000 tasks in one sandbox, DescribeServices of 10 services over
 *     loopback with the official SDK: median and p95 latency (anchor: median < 5 ms).
 *  2. A 20-task rolling deployment whose simulated timings make it a ~5-minute rollout, at a time
 *     scale that should run it in under 2 s of wall time (anchor: < 2 s).
 * Run: npm run bench
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../src/sandbox/index.js';

const SERVICES = 1000;
const TASKS_PER_SERVICE = 5;
const DESCRIBE_CALLS = 2000;

function client(sb: SandboxHandle): ECSClient {
  return new ECSClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: sb.credentials,
  });
}

async function admin(sb: SandboxHandle, method: string, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${sb.endpoint}${path}`, { method, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function poolRun<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function describeLatency(): Promise<void> {
  const sb = await startSandbox({ port: 0, throttling: false, timeScale: 1000 });
  try {
    const ecs = client(sb);
    await admin(sb, 'POST', '/_sandbox/clusters', { name: 'big' });
    // Fargate-style tasks: placement is not the subject here.
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'svc',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'app', image: 'public.ecr.aws/docker/library/nginx:1.27', essential: true },
        ],
      }),
    );
    const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
    const t0 = performance.now();
    await poolRun(names, 16, async (serviceName) => {
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'big',
          serviceName,
          taskDefinition: td.taskDefinition!.taskDefinitionArn!,
          desiredCount: TASKS_PER_SERVICE,
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' },
          },
        }),
      );
    });
    const seedMs = performance.now() - t0;
    // Let every task reach RUNNING (the clock runs 1000× fast).
    for (;;) {
      const tasks = Object.values(sb.runtime.world.accounts[sb.accountId]!.regions[sb.region]!.ecs.tasks);
      const running = tasks.filter((t) => t.lastStatus === 'RUNNING').length;
      if (running >= SERVICES * TASKS_PER_SERVICE) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const taskCount = Object.keys(
      sb.runtime.world.accounts[sb.accountId]!.regions[sb.region]!.ecs.tasks,
    ).length;
    // Warm up, then measure sequential calls (latency, not throughput).
    for (let i = 0; i < 100; i++) {
      await ecs.send(new DescribeServicesCommand({ cluster: 'big', services: names.slice(0, 10) }));
    }
    const lat: number[] = [];
    for (let i = 0; i < DESCRIBE_CALLS; i++) {
      const start = (i * 10) % SERVICES;
      const t = performance.now();
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster: 'big', services: names.slice(start, start + 10) }),
      );
      lat.push(performance.now() - t);
      if (out.services?.length !== 10) throw new Error('DescribeServices did not return 10 services');
    }
    lat.sort((a, b) => a - b);
    const median = percentile(lat, 50);
    console.log(
      `DescribeServices (10 of ${SERVICES} services, ${taskCount} tasks), ${DESCRIBE_CALLS} sequential calls via @aws-sdk/client-ecs:`,
    );
    console.log(`  seeding ${SERVICES} CreateService calls: ${(seedMs / 1000).toFixed(2)} s`);
    console.log(
      `  median ${median.toFixed(2)} ms, p95 ${percentile(lat, 95).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms`,
    );
    console.log(
      `  anchor: median < 5 ms → ratio ${(median / 5).toFixed(2)} (${median < 5 ? 'meets' : 'MISSES'} the anchor)`,
    );
  } finally {
    await sb.close();
  }
}

/** Timings of an untuned-but-ordinary service (sandbox seconds); a 20-task rollout takes minutes. */
const FIVE_MINUTE_TIMINGS = {
  imagePullSeconds: 40,
  startSeconds: 10,
  targetHealthySeconds: 150,
  deregistrationDelaySeconds: 60,
  stopSeconds: 30,
};

async function rollout(timeScale: number): Promise<{ wallMs: number; sandboxMs: number }> {
  const sb = await startSandbox({ port: 0, throttling: true, timeScale });
  try {
    const ecs = client(sb);
    await admin(sb, 'PUT', '/_sandbox/settings', { timings: FIVE_MINUTE_TIMINGS });
    await admin(sb, 'POST', '/_sandbox/clusters', {
      name: 'roll',
      instances: { count: 10, cpu: 4096, memory: 8192 },
    });
    const register = async (image: string) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'web',
            networkMode: 'bridge',
            containerDefinitions: [
              { name: 'web', image, memory: 256, portMappings: [{ containerPort: 80, hostPort: 0 }] },
            ],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const td1 = await register('public.ecr.aws/docker/library/nginx:1.27');
    const lb = [
      {
        targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${sb.accountId}:targetgroup/web/0123456789abcdef`,
        containerName: 'web',
        containerPort: 80,
      },
    ];
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'roll',
        serviceName: 'web',
        taskDefinition: td1,
        desiredCount: 20,
        loadBalancers: lb,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 150 },
      }),
    );
    const waitCompleted = async (id: string) => {
      for (;;) {
        const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'roll', services: ['web'] })))
          .services![0]!;
        const d = svc.deployments!.find((x) => x.id === id);
        if (d?.rolloutState === 'COMPLETED' && svc.deployments!.length === 1) return;
        if (!d || d.rolloutState === 'FAILED')
          throw new Error(`rollout ${id} did not complete: ${JSON.stringify(svc.deployments)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const first = (await ecs.send(new DescribeServicesCommand({ cluster: 'roll', services: ['web'] })))
      .services![0]!;
    await waitCompleted(first.deployments![0]!.id!);

    const td2 = await register('public.ecr.aws/docker/library/nginx:1.28');
    const wall0 = performance.now();
    const sandbox0 = sb.runtime.now();
    const up = await ecs.send(
      new UpdateServiceCommand({ cluster: 'roll', service: 'web', taskDefinition: td2 }),
    );
    await waitCompleted(up.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!);
    return { wallMs: performance.now() - wall0, sandboxMs: sb.runtime.now() - sandbox0 };
  } finally {
    await sb.close();
  }
}

async function rolloutBench(): Promise<void> {
  // First at a modest scale to learn how long the rollout is in sandbox time, then at the scale
  // that makes that duration 1.5 s of wall time.
  const probe = await rollout(100);
  const scale = Math.ceil(probe.sandboxMs / 1500);
  const run = await rollout(scale);
  console.log(`20-task rolling deployment (min 50%, max 150%, LB health 150 s, draining 60 s, pull 40 s):`);
  console.log(
    `  simulated duration ${(run.sandboxMs / 60000).toFixed(1)} min of ECS time at time scale ${scale}`,
  );
  console.log(`  wall time ${(run.wallMs / 1000).toFixed(2)} s`);
  // What the sandbox adds beyond the simulated time itself (polling, HTTP, the engine's work).
  console.log(`  overhead beyond simulated time: ${(run.wallMs - run.sandboxMs / scale).toFixed(0)} ms`);
  console.log(
    `  anchor: < 2 s → ratio ${(run.wallMs / 2000).toFixed(2)} (${run.wallMs < 2000 ? 'meets' : 'MISSES'} the anchor)`,
  );
}

await describeLatency();
await rolloutBench();
