/**
 * BLUE_GREEN benchmark. Not a test: it prints its figures and the ratio to each anchor (ratio ≤ 1
 * meets it). 50 load-balanced BLUE_GREEN services in one sandbox account (each with its own blue and
 * green target groups and its own production and test listener rules on one shared load balancer:
 * AWS lets a target group serve one service, a load balancer hold 100 rules a listener) are deployed
 * in one run with throttling on, by the engine the CLI uses (`runEcsDeploy` with the request built
 * from flags as `ecs-deploy -c bg -n svc-00 … -n svc-49 -i image` builds it), in this process.
 * Figures:
 *  - failed deployments (anchor 0);
 *  - throttled answers (all services, all actions);
 *  - DescribeServiceDeployments calls per service, and the other ECS calls per service;
 *  - detection delay: from the sandbox entering a stage to the engine's `deploy.stage` event for it,
 *    median and p95, anchor 1 s. The stage's start (`phaseStartedAt`, sandbox clock) is converted to
 *    wall time with the time scale; the wall time at which an in-process observer (every 5 ms) first
 *    saw the stage is printed beside it as a check.
 * The sandbox runs at time scale 5 with a 1-minute bake (12 s of wall time) so the run stays short;
 * the engine polls on the wall clock (1 s, 3 s when nothing changed), so detection is in wall time.
 * Run: npm run bench:strategies
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateRuleCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createAwsClients } from '../src/aws/clients.js';
import { planFromFlags } from '../src/cli/ecs-deploy/options.js';
import type { SlipwayEvent } from '../src/core/events.js';
import { runEcsDeploy } from '../src/deploy/ecs-deploy.js';
import { startSandbox, type SandboxHandle } from '../src/sandbox/index.js';
import { regionOf } from '../src/sandbox/world.js';
import { createListener, createLoadBalancer, createTargetGroup } from '../test/kits/blue-green.js';

const N = 50;
const TIME_SCALE = 5;
const BAKE_MINUTES = 1;
const CLUSTER = 'bg';
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infra';
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

interface Lb {
  blue: string;
  green: string;
  prodRule: string;
  testRule: string;
}

/** One load balancer with a production (80) and a test (8080) listener; per service two target groups and a rule on each. */
async function loadBalancing(elbv2: ElasticLoadBalancingV2Client, names: string[]): Promise<Lb[]> {
  const lb = await createLoadBalancer(elbv2, 'bg-lb');
  const tg = (name: string) => createTargetGroup(elbv2, name, 8080);
  const fallback = await tg('bg-default');
  const prod = await createListener(elbv2, lb, 80, fallback);
  const test = await createListener(elbv2, lb, 8080, fallback);
  const rule = async (listenerArn: string, priority: number, path: string, blue: string, green: string) =>
    (
      await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: priority,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [path] } }],
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: blue, Weight: 100 },
                  { TargetGroupArn: green, Weight: 0 },
                ],
              },
            },
          ],
        }),
      )
    ).Rules![0]!.RuleArn!;
  const out: Lb[] = [];
  for (const [i, name] of names.entries()) {
    const blue = await tg(`${name}-blue`);
    const green = await tg(`${name}-green`);
    out.push({
      blue,
      green,
      prodRule: await rule(prod, i + 1, `/${name}/*`, blue, green),
      testRule: await rule(test, i + 1, `/${name}/*`, blue, green),
    });
  }
  return out;
}

async function createService(ecs: ECSClient, name: string, lb: Lb): Promise<void> {
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'web', image: `${NGINX}:1.27`, portMappings: [{ containerPort: 8080 }] },
      ],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: BAKE_MINUTES },
      loadBalancers: [
        {
          targetGroupArn: lb.blue,
          containerName: 'web',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: lb.green,
            productionListenerRule: lb.prodRule,
            testListenerRule: lb.testRule,
            roleArn: ROLE,
          },
        },
      ],
    }),
  );
}

/** Moves the sandbox clock a second at a time until every service has one COMPLETED deployment. */
async function settle(sb: SandboxHandle, ecs: ECSClient, names: string[]): Promise<void> {
  for (let round = 0; round < 60; round++) {
    for (let i = 0; i < 60; i++) sb.runtime.clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    let pending = 0;
    for (let i = 0; i < names.length; i += 10) {
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster: CLUSTER, services: names.slice(i, i + 10) }),
      );
      pending += (out.services ?? []).filter(
        (s) =>
          s.deployments?.length !== 1 ||
          s.deployments[0]?.rolloutState !== 'COMPLETED' ||
          s.runningCount !== 2,
      ).length;
    }
    if (pending === 0) return;
  }
  throw new Error('the first deployments did not finish in 60 sandbox minutes');
}

/**
 * Watches the sandbox's service deployment records in this process. For each (ARN, stage) it keeps
 * when the stage began (the record's sandbox-clock start converted to wall time) and when this
 * observer first saw it (wall time, ≤ 5 ms late).
 */
function observeStages(sb: SandboxHandle) {
  const began = new Map<string, number>();
  const seen = new Map<string, number>();
  const region = regionOf(sb.runtime.world.accounts[sb.accountId]!, sb.region);
  const scan = () => {
    const wall = performance.now();
    const sandboxNow = sb.runtime.clock.now();
    for (const r of Object.values(region.ecs.serviceDeployments ?? {})) {
      if (!r.lifecycleStage) continue;
      const key = `${r.serviceDeploymentArn}|${r.lifecycleStage}`;
      if (!seen.has(key)) seen.set(key, wall);
      // A stage entered twice (hooks, then the shift, of PRODUCTION_TRAFFIC_SHIFT) counts from its first start.
      if (!began.has(key))
        began.set(key, wall - (sandboxNow - r.phaseStartedAt) / sb.runtime.clock.timeScale);
    }
  };
  scan();
  const timer = setInterval(scan, 5);
  return { began, seen, stop: () => clearInterval(timer), scan };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

async function run(): Promise<void> {
  const sb = await startSandbox({ port: 0, timeScale: TIME_SCALE, throttling: false });
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const names = Array.from({ length: N }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  try {
    await admin(sb, 'PUT', '/_sandbox/settings', { timings: FAST });
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const lbs = await loadBalancing(elbv2, names);
    for (const [i, name] of names.entries()) await createService(ecs, name, lbs[i]!);
    await settle(sb, ecs, names);
    // Switching throttling on refills every bucket: the run starts with the full burst.
    await admin(sb, 'PUT', '/_sandbox/settings', { throttling: true });
    await admin(sb, 'DELETE', '/_sandbox/stats');

    const observer = observeStages(sb);
    const detections: { key: string; at: number }[] = [];
    const emit = (e: SlipwayEvent) => {
      if (e.code !== 'deploy.stage') return;
      const arn = e.data.serviceDeploymentArn;
      const stage = e.data.stage;
      if (typeof arn !== 'string' || typeof stage !== 'string') return;
      observer.scan(); // the record as it is now, in case the stage began under 5 ms ago
      detections.push({ key: `${arn}|${stage}`, at: performance.now() });
    };
    const plan = planFromFlags(
      { cluster: CLUSTER, serviceName: names, image: `${NGINX}:1.28` },
      { env: {}, readFile: () => '' },
    );
    const clients = createAwsClients({
      region: sb.region,
      credentials: { kind: 'static', ...sb.credentials },
      endpoint: sb.endpoint,
    });
    const t0 = performance.now();
    let result;
    try {
      result = await runEcsDeploy(plan.request, clients, emit);
    } finally {
      clients.destroy();
      observer.stop();
    }
    const seconds = (performance.now() - t0) / 1000;

    const failures = result.results.filter((r) => r.outcome !== 'succeeded');
    const stats = (await admin(sb, 'GET', '/_sandbox/stats')) as {
      actions: Record<string, { calls: number; throttled: number; errors: number }>;
    };
    const actions = Object.entries(stats.actions);
    const throttled = actions.reduce((s, [, v]) => s + v.throttled, 0);
    const throttledBy = actions
      .filter(([, v]) => v.throttled > 0)
      .map(([k, v]) => `${k} ${v.throttled}`)
      .join(', ');
    const ecsCalls = actions.filter(([k]) => k.startsWith('ecs:')).sort((a, b) => b[1].calls - a[1].calls);
    const dsd = stats.actions['ecs:DescribeServiceDeployments']?.calls ?? 0;
    const others = ecsCalls.filter(([k]) => k !== 'ecs:DescribeServiceDeployments');
    const otherTotal = others.reduce((s, [, v]) => s + v.calls, 0);

    const fromBegan: number[] = [];
    const fromSeen: number[] = [];
    const byStage = new Map<string, number[]>();
    for (const d of detections) {
      const b = observer.began.get(d.key);
      const s = observer.seen.get(d.key);
      if (b !== undefined) {
        fromBegan.push(d.at - b);
        const stage = d.key.split('|')[1]!;
        byStage.set(stage, [...(byStage.get(stage) ?? []), d.at - b]);
      }
      if (s !== undefined) fromSeen.push(d.at - s);
    }
    const stagesEntered = observer.began.size;
    const med = pct(fromBegan, 50);
    const p95 = pct(fromBegan, 95);

    console.log(
      `BLUE_GREEN: ${N} load-balanced services in one run, throttling on, time scale ${TIME_SCALE}, bake ${BAKE_MINUTES} min: ${seconds.toFixed(1)} s wall`,
    );
    console.log(
      `  failed deployments: ${failures.length}; anchor 0; ${failures.length === 0 ? 'met' : 'NOT met'}`,
    );
    if (failures.length)
      console.log(`   failures: ${failures.map((f) => `${f.name}: ${f.outcome} ${f.message}`).join('; ')}`);
    console.log(`  throttled answers: ${throttled}${throttledBy ? ` (${throttledBy})` : ''}`);
    console.log(
      `  DescribeServiceDeployments: ${dsd} calls, ${(dsd / N).toFixed(2)} per service (batched 20 ARNs a call)`,
    );
    console.log(
      `  other ECS calls: ${otherTotal}, ${(otherTotal / N).toFixed(2)} per service: ` +
        others.map(([k, v]) => `${k.slice(4)} ${(v.calls / N).toFixed(2)}`).join(', '),
    );
    console.log(
      `  detection delay (stage start → deploy.stage), ${fromBegan.length} events for ${stagesEntered} stages entered: ` +
        `median ${med.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms; anchor 1000 ms; ratio median ${(med / 1000).toFixed(2)}, p95 ${(p95 / 1000).toFixed(2)}`,
    );
    console.log(
      `  by stage (events, median ms): ` +
        [...byStage].map(([k, v]) => `${k} ${v.length} ${pct(v, 50).toFixed(0)}`).join(', '),
    );
    console.log(
      `  check, from the observer's first sight (wall clock): median ${pct(fromSeen, 50).toFixed(0)} ms, p95 ${pct(fromSeen, 95).toFixed(0)} ms`,
    );
  } finally {
    ecs.destroy();
    elbv2.destroy();
    await sb.close();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await run();
