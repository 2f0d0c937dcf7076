/**
 * CloudFormation render benchmark. Not a test: prints its figures and the ratio to its anchor.
 * Renders a 10-container "Deploy Amazon ECS Service" step (every container with ports, environment,
 * secrets, a health check, mounts, dependencies and labels) with renderServiceStack, and also writes
 * its export as YAML. Anchor: a render takes at most 10 ms (ratio = median / 10 ms ≤ 1).
 * Run: npm run bench:cfn-render [-- runs]   (default 1,000 runs after 50 warm-ups)
 */
import { exportServiceStack, formatServiceStack, renderServiceStack } from '../src/core/cfn/index.js';
import type { EvaluatedDeployService } from '../src/core/cfn/index.js';
import { ecsDeployServiceActionSchema } from '../src/core/model/kinds/deploy-service.js';

const ANCHOR_MS = 10;
const CONTAINERS = 10;

function step(): EvaluatedDeployService {
  const containers = Array.from({ length: CONTAINERS }, (_, i) => ({
    name: `c${i}`,
    image: `pkg${i}`,
    essential: i === 0,
    cpu: 64,
    memory: 256,
    portMappings: [{ containerPort: 8000 + i }],
    environment: Array.from({ length: 20 }, (_, j) => ({ name: `VAR_${j}`, value: `value-${i}-${j}` })),
    secrets: [{ name: 'DB', valueFrom: `arn:aws:ssm:us-east-1:123456789012:parameter/db${i}` }],
    healthCheck: { command: ['CMD-SHELL', `curl -f http://localhost:${8000 + i}/ || exit 1`] },
    dockerLabels: { tier: `t${i}`, team: 'web' },
    mountPoints: [{ sourceVolume: 'scratch', containerPath: `/tmp/c${i}` }],
    dependsOn: i === 0 ? [] : [{ containerName: 'c0', condition: 'START' }],
    ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
  }));
  return ecsDeployServiceActionSchema.parse({
    type: 'ecs-deploy-service',
    service: 'bench',
    taskFamily: 'bench-service-task',
    cpu: 4096,
    memory: 8192,
    subnets: ['subnet-0123abcd', 'subnet-89abcdef'],
    securityGroups: ['sg-0123abcd'],
    tags: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    containers,
    desiredCount: 3,
    volumes: [
      { name: 'scratch', type: 'bind' },
      { name: 'data', type: 'efs', fileSystemId: 'fs-0123abcd' },
    ],
    packages: containers.map((c) => ({ name: c.image, feed: 'Hub', image: `team/${c.image}` })),
  }) as EvaluatedDeployService;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function time(fn: () => unknown, runs: number): { median: number; p95: number } {
  for (let i = 0; i < 50; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

function main(): void {
  const runs = Number(process.argv[2] ?? 1000);
  const action = step();
  const inputs = {
    images: Object.fromEntries(
      action.containers.map((c) => [c.name, `registry.example.com/team/${c.image}:1.0.${c.name}`]),
    ),
    clusterName: 'bench-cluster',
    environmentId: 'Environments-1',
  };
  const render = time(() => renderServiceStack(action, inputs), runs);
  const yaml = time(
    () => formatServiceStack(exportServiceStack(action), 'yaml'),
    Math.max(1, Math.floor(runs / 10)),
  );
  const ratio = render.median / ANCHOR_MS;
  const size = JSON.stringify(renderServiceStack(action, inputs).template).length;
  console.log(
    `cfn-render: ${CONTAINERS} containers, template ${(size / 1024).toFixed(1)} KiB as JSON, ${runs} runs`,
  );
  console.log(`renderServiceStack:   median ${render.median.toFixed(3)} ms, p95 ${render.p95.toFixed(3)} ms`);
  console.log(`export as YAML:       median ${yaml.median.toFixed(3)} ms, p95 ${yaml.p95.toFixed(3)} ms`);
  console.log(
    `ratio ${ratio.toFixed(3)}× the ${ANCHOR_MS} ms anchor (≤ 1×): ${ratio <= 1 ? 'met' : 'NOT met'}`,
  );
}

main();
