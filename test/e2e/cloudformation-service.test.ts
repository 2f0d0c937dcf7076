/**
 * "Deploy Amazon ECS Service" end to end: a tenanted project whose step renders a CloudFormation
 * stack, two tenants each with an AWS account of their own in the sandbox (a Fargate cluster there
 * and an ECS target for the tenant). A release deploys one stack per tenant in the tenant's
 * account, running the image the release chose; the task log carries the stack's events and the
 * ECS rollout, coded. A release whose image crashes fails with the breaker's rollback, naming the
 * stopped tasks, and the service keeps running the previous image.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { z } from 'zod';
import { deploymentSchema, releaseSchema, type ReleaseView } from '../../src/cli/ci/schemas.js';
import { camel } from '../../src/core/cfn/index.js';
import { CFN_SKIP } from '../kits/cloudformation.js';
import { startWorld, type World, type WorldAccount } from '../helpers/slipway-world.js';

const TENANTS = ['Acme', 'Globex'] as const;
type Tenant = (typeof TENANTS)[number];

function config(keys: Record<Tenant, string>): string {
  const accounts = TENANTS.map(
    (t) => `
  - name: ${t} AWS
    mode: keys
    accessKeyId: ${keys[t]}
    secretAccessKey: { env: ${t.toUpperCase()}_SECRET }
    region: us-east-1`,
  ).join('');
  const tenants = TENANTS.map(
    (t) => `
  - name: ${t}
    projects:
      - { project: shop, environments: [Dev] }`,
  ).join('');
  const targets = TENANTS.map(
    (t) => `
  - name: ${t.toLowerCase()}-apps
    awsAccount: ${t} AWS
    region: us-east-1
    cluster: apps
    roles: [shop]
    environments: [Dev]
    tenantedParticipation: tenanted
    tenants: [${t}]`,
  ).join('');
  return `
apiVersion: slipway/v1
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: us-east-1 }${accounts}
feeds:
  - { name: Sandbox ECR, type: ecr, region: us-east-1, awsAccount: Sandbox }
lifecycles:
  - name: Dev only
    phases:
      - { name: Development, manualEnvironments: [Dev] }
projects:
  - name: shop
    lifecycle: Dev only
    tenantedMode: tenanted
    process:
      steps:
        - name: Deploy shop
          roles: [shop]
          action:
            type: ecs-deploy-service
            service: shop
            taskFamily: shop
            cpu: 256
            memory: 512
            subnets: ['#{Subnet}']
            desiredCount: 2
            packages:
              - { name: web, feed: Sandbox ECR, image: shop }
            containers:
              - name: web
                image: web
                environment:
                  - { name: TENANT, value: '#{Octopus.Deployment.Tenant.Name}' }
            wait: { mode: wait, timeoutMinutes: 10 }
    variables:
      - { name: Subnet, value: subnet-0a1b2c3d }
tenants:${tenants}
ecsTargets:${targets}
`;
}

const createdSchema = z.object({ items: z.array(deploymentSchema) });
const tenantPageSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

describe(
  'Deploy Amazon ECS Service end to end: one stack per tenant, in the tenant’s account',
  { skip: CFN_SKIP },
  () => {
    let world: World;
    let repository: string;
    const accounts = new Map<Tenant, WorldAccount>();
    const tenantIds = new Map<string, Tenant>();

    before(async () => {
      world = await startWorld({ timeScale: 80 });
      repository = await world.pushImages('shop', ['1.0.0', '1.1.0', '2.0.0']);
      for (const t of TENANTS) {
        const account = await world.createAccount(t.toLowerCase());
        accounts.set(t, account);
        // A Fargate cluster: no container instances needed.
        await world.admin('clusters', {
          accountId: account.accountId,
          region: world.sandbox.region,
          name: 'apps',
        });
      }
      const acc = (t: Tenant) => accounts.get(t)!;
      await world.apply(
        config({ Acme: acc('Acme').accessKeyId, Globex: acc('Globex').accessKeyId }),
        Object.fromEntries(TENANTS.map((t) => [`${t.toUpperCase()}_SECRET`, acc(t).secretAccessKey])),
      );
      const page = await world.client.get(world.client.spacePath('tenants'), tenantPageSchema);
      for (const t of page.items) tenantIds.set(t.id, t.name as Tenant);
    });
    after(async () => world?.close());

    const release = (version: string): Promise<ReleaseView> =>
      world.client.post(
        world.client.spacePath('releases'),
        { project: 'shop', version, packages: [`web:${version}`] },
        releaseSchema,
      );

    /** Deploys to the tenants asked; answers each deployment once final, by tenant. */
    async function deploy(releaseId: string, tenants: string[]) {
      const res = await world.request('POST', world.client.spacePath('deployments'), {
        release: releaseId,
        environment: 'Dev',
        tenants,
      });
      assert.equal(res.status, 201, res.text);
      const done = new Map<Tenant, z.output<typeof deploymentSchema>>();
      for (const d of createdSchema.parse(res.json).items) {
        done.set(tenantIds.get(d.tenantId ?? '')!, await world.waitForDeployment(d.id, 120_000));
      }
      return done;
    }

    /** The stacks of a tenant's account. */
    async function stacksOf(t: Tenant): Promise<Stack[]> {
      const a = accounts.get(t)!;
      const cfn = new CloudFormationClient({
        endpoint: world.sandbox.endpoint,
        region: world.sandbox.region,
        credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
      });
      try {
        return (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
      } finally {
        cfn.destroy();
      }
    }

    it('a release makes one stack per tenant, each running the release’s image with the tenant’s values', async () => {
      const r = await release('1.0.0');
      const done = await deploy(r.id, ['*']);
      assert.deepEqual([...done.keys()].sort(), ['Acme', 'Globex']);
      for (const [t, d] of done) {
        assert.equal(d.state, 'success', `${t}: ${d.error ?? ''}`);
        const stacks = await stacksOf(t);
        assert.equal(stacks.length, 1, `${t} has one stack`);
        const stack = stacks[0]!;
        const tenantId = [...tenantIds].find(([, name]) => name === t)![0];
        assert.match(stack.StackName ?? '', /^cf-ecs-apps-serviceshop-environments/);
        assert.ok(
          stack.StackName?.endsWith(`-${camel(tenantId)}`),
          `${stack.StackName} names tenant ${tenantId}`,
        );
        assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
        const tags = Object.fromEntries((stack.Tags ?? []).map((x) => [x.Key, x.Value]));
        assert.equal(tags['slipway:tenant'], t);
        assert.equal(tags['slipway:release'], '1.0.0');
        const svc = await world.describeService('apps', 'shop', accounts.get(t));
        assert.equal(svc.images.web, `${repository}:1.0.0`);
        assert.equal(svc.environment.web?.TENANT, t);
        assert.equal(svc.runningCount, 2);

        const log = await world.log(d.id);
        const codes = new Set(log.map((l) => l.code));
        for (const code of [
          'cfn.operation-started',
          'cfn.stack-event',
          'cfn.stack-finished',
          'deploy.attached',
        ])
          assert.ok(codes.has(code), `${t}'s log has ${code}`);
      }
    });

    it('a crashing image fails the tenant’s deployment with the breaker’s rollback and the stopped tasks; the other tenant updates', async () => {
      await world.admin('faults/images', {
        image: `${repository}:2.0.0`,
        crashExitCode: 2,
        crashAfterSeconds: 1,
      });
      const bad = await release('2.0.0');
      const failed = (await deploy(bad.id, ['Acme'])).get('Acme')!;
      assert.equal(failed.state, 'failed');
      assert.match(failed.error ?? '', /UPDATE_ROLLBACK_COMPLETE/);
      assert.match(failed.error ?? '', /exit code 2/);
      assert.equal(
        (await world.describeService('apps', 'shop', accounts.get('Acme'))).images.web,
        `${repository}:1.0.0`,
      );

      const good = await release('1.1.0');
      const ok = (await deploy(good.id, ['Globex'])).get('Globex')!;
      assert.equal(ok.state, 'success', ok.error ?? '');
      const svc = await world.describeService('apps', 'shop', accounts.get('Globex'));
      assert.equal(svc.images.web, `${repository}:1.1.0`);
      assert.match(svc.taskDefinitionArn, /shop:2$/);
    });
  },
);
