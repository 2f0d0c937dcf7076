/**
 * Secrets benchmark. Not a test: it prints its figures and the ratio to its anchor (ratio ≤ 1
 * meets it). 200 tenants' deployments of one release run at once against one account and region
 * of the sandbox, throttling on (SSM's published rates, src/core/aws-limits.ts: PutParameter
 * 3/s, GetParameters 40/s): each delivers its tenant's sensitive values as secrets the way the
 * ECS steps do (src/deploy/secrets: plan, GetParameters, PutParameter when changed) and checks
 * the execution role (IAM SimulatePrincipalPolicy). Three rounds:
 *   create   — the first deployment: every parameter is written;
 *   same     — the same release again: nothing is written (one GetParameters per deployment);
 *   rotate   — every value changed: every parameter is rewritten.
 * For each round: wall time, SSM calls per deployment (GetParameters, PutParameter), IAM calls per
 * deployment, throttled answers the sandbox gave (the client retried them) and failed
 * deployments. Anchor: 0 failed deployments in every round.
 * Run: npm run bench:secrets [-- tenants=200] [secrets=1]
 */
import { performance } from 'node:perf_hooks';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { createAwsClients, resetRateLimiter } from '../src/aws/clients.js';
import { deliverSecrets, secretScopeOf, verifySecretAccess } from '../src/deploy/secrets/index.js';
import { startSandbox } from '../src/sandbox/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a) => {
    const [k, v] = a.split('=');
    return k && v ? [[k, Number(v)]] : [];
  }),
);
const TENANTS = args['tenants'] ?? 200;
const SECRETS = args['secrets'] ?? 1;
const ANCHOR_FAILURES = 0;

const sb = await startSandbox({ port: 0, timeScale: 10, throttling: true });
resetRateLimiter();
const clients = createAwsClients({
  region: sb.region,
  endpoint: sb.endpoint,
  credentials: { kind: 'static', ...sb.credentials },
});

const ROLE = 'bench-task-execution';
await clients.iam.send(
  new CreateRoleCommand({
    RoleName: ROLE,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    }),
  }),
);
await clients.iam.send(
  new PutRolePolicyCommand({
    RoleName: ROLE,
    PolicyName: 'read-slipway-secrets',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: 'arn:aws:ssm:*:*:parameter/slipway/*' },
      ],
    }),
  }),
);

const tenants = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i + 1).padStart(3, '0')}`);

/** One tenant's deployment: what an ECS step does with its secrets before registering. */
async function deploy(tenant: string, round: string) {
  const values = {
    'Octopus.Project.Name': 'web',
    'Octopus.Environment.Name': 'Production',
    'Octopus.Deployment.Tenant.Name': tenant,
  };
  const secretValues = Array.from({ length: SECRETS }, (_, i) => `${round}-${tenant}-secret-${i}-5f1c9a7e`);
  const environment = secretValues.map((value, i) => ({ name: `SECRET_${i}`, value }));
  const delivery = await deliverSecrets(
    {
      scope: secretScopeOf(values, 'bench', `web-${tenant}`),
      containers: [{ name: 'app', environment }],
      sensitive: secretValues,
    },
    clients,
    () => {},
  );
  let iamCalls = 0;
  const access = await verifySecretAccess(
    ROLE,
    delivery.delivered,
    {
      ...clients,
      iam: {
        send: (c) => {
          iamCalls++;
          return clients.iam.send(c);
        },
      } as typeof clients.iam,
    },
    () => {},
    { service: `web-${tenant}` },
  );
  if (access.kind !== 'allowed') throw new Error(`access ${access.kind}`);
  return { ...delivery.calls, iamCalls };
}

function throttledSsm(): number {
  let n = 0;
  for (const [key, s] of sb.runtime.stats) if (key.startsWith('ssm:')) n += s.throttled;
  return n;
}

const avg = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

console.log(
  `secrets bench: ${TENANTS} tenants' deployments at once, ${SECRETS} secret(s) each, sandbox throttling on`,
);
let worst = 0;
for (const round of ['create', 'same', 'rotate'] as const) {
  const valuesRound = round === 'same' ? 'create' : round;
  const throttledBefore = throttledSsm();
  const t0 = performance.now();
  const results = await Promise.allSettled(tenants.map((t) => deploy(t, valuesRound)));
  const seconds = (performance.now() - t0) / 1000;
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  worst = Math.max(worst, failed.length);
  console.log(
    `  ${round.padEnd(6)} ${seconds.toFixed(1)} s; per deployment: ` +
      `SSM ${avg(ok.map((r) => r.getParameters)).toFixed(2)} GetParameters + ${avg(ok.map((r) => r.putParameter)).toFixed(2)} PutParameter, ` +
      `IAM ${avg(ok.map((r) => r.iamCalls)).toFixed(2)} SimulatePrincipalPolicy; ` +
      `throttled answers (retried) ${throttledSsm() - throttledBefore}; failed deployments ${failed.length}`,
  );
  for (const f of failed.slice(0, 3))
    console.log(`    failed: ${String((f.reason as Error)?.message ?? f.reason)}`);
}
console.log(
  `anchor: ${ANCHOR_FAILURES} failed deployments; worst round ${worst}; ratio ${worst === 0 ? '0.00 (meets it)' : `${worst} > 0 (misses it)`}`,
);
clients.destroy();
await sb.close();
