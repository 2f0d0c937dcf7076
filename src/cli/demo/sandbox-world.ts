/**
 * The demo's AWS, seeded in the sandbox through its admin API and the AWS SDK: an account per
 * tenant, an ECS cluster with instances in every account, the existing services the
 * "Update Amazon ECS Service" step updates (one per environment per account, running 1.0.0), and
 * the `hello-color` ECR repository with three tags in the default account (which the feed reads).
 */
import { createHash } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import {
  DEMO_CLUSTER,
  DEMO_COLOURS,
  DEMO_ENVIRONMENTS,
  DEMO_PROJECT,
  DEMO_REPOSITORY,
  DEMO_TAGS,
  demoServiceName,
  type DemoEnvironment,
} from './hello-color.js';

/** What the demo needs of a running sandbox. */
export interface DemoSandbox {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** One AWS account of the demo: the default one (untenanted) or a tenant's. */
export interface DemoAccount {
  /** The tenant, or undefined for the default account. */
  tenant?: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** What one service runs after the demo (for the check and the table). */
export interface ServiceCheck {
  project: string;
  tenant?: string;
  environment: DemoEnvironment;
  service: string;
  image: string;
  colour: string;
  running: number;
  desired: number;
  /** The CloudFormation stack that manages the service, and its status (hello-stack only). */
  stack?: string;
  ok: boolean;
  problem?: string;
}

const accountSchema = z.object({
  id: z.string(),
  accessKeys: z.array(z.object({ accessKeyId: z.string(), secretAccessKey: z.string() })).min(1),
});

async function admin(sb: DemoSandbox, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new SlipwayError('DEMO_FAILED', `Seeding the sandbox (${path}) failed: ${text}`);
  return JSON.parse(text) as unknown;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/hello-color:<tag>`, which the sandbox's ECS pulls from its ECR. */
export function demoImage(registryAccountId: string, region: string, tag: string): string {
  return `${registryAccountId}.dkr.ecr.${region}.amazonaws.com/${DEMO_REPOSITORY}:${tag}`;
}

// A small image manifest per tag (config and layer digests differ per tag), as `docker push` would leave.
function manifest(tag: string): string {
  const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 7,
      digest: d(`config ${tag}`),
    },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 10, digest: d(`layer ${tag}`) },
    ],
  });
}

function ecsOf(sb: DemoSandbox, account: DemoAccount): ECSClient {
  return new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: account.credentials });
}

/** Seeds the sandbox; answers the default account first, then one per tenant. */
export async function seedSandbox(
  sb: DemoSandbox,
  tenants: readonly string[],
  say: (line: string) => void,
): Promise<DemoAccount[]> {
  const defaultAccount: DemoAccount = { accountId: '000000000000', credentials: sb.credentials };
  const accounts: DemoAccount[] = [defaultAccount];
  for (const tenant of tenants) {
    const a = accountSchema.parse(await admin(sb, 'accounts', { name: tenant.toLowerCase() }));
    const key = a.accessKeys[0]!;
    accounts.push({ tenant, accountId: a.id, credentials: key });
    say(`  AWS account ${a.id} for tenant ${tenant} (access key ${key.accessKeyId})`);
  }

  const ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: DEMO_REPOSITORY }));
  for (const tag of DEMO_TAGS) {
    await ecr.send(
      new PutImageCommand({ repositoryName: DEMO_REPOSITORY, imageTag: tag, imageManifest: manifest(tag) }),
    );
  }
  say(`  ECR repository ${DEMO_REPOSITORY} with tags ${DEMO_TAGS.join(', ')}`);

  const first = DEMO_TAGS[0];
  for (const account of accounts) {
    await admin(sb, 'clusters', {
      accountId: account.accountId,
      region: sb.region,
      name: DEMO_CLUSTER,
      instances: { count: 2 },
    });
    const ecs = ecsOf(sb, account);
    for (const env of DEMO_ENVIRONMENTS) {
      const service = demoServiceName(env);
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: service,
          containerDefinitions: [
            {
              name: 'web',
              image: demoImage(defaultAccount.accountId, sb.region, first),
              memory: 128,
              essential: true,
              portMappings: [{ containerPort: 8080 }],
              environment: [
                { name: 'COLOUR', value: 'grey' },
                { name: 'MESSAGE', value: 'Not deployed by Slipway yet' },
              ],
            },
          ],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: DEMO_CLUSTER,
          serviceName: service,
          taskDefinition: td.taskDefinition?.taskDefinitionArn,
          desiredCount: 2,
          deploymentConfiguration: {
            minimumHealthyPercent: 50,
            maximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
          },
        }),
      );
    }
    say(
      `  ${account.tenant ? `${account.tenant}'s account` : 'Default account'}: cluster ${DEMO_CLUSTER}, services ` +
        `${DEMO_ENVIRONMENTS.map((e) => demoServiceName(e)).join(', ')} running ${DEMO_REPOSITORY}:${first}`,
    );
  }
  // Let the first rollouts finish at once: the demo starts from services at rest.
  await admin(sb, 'time', { advanceSeconds: 600 });
  return accounts;
}

/** The stack that manages `serviceArn` and its status, or a problem. */
async function owningStack(
  sb: DemoSandbox,
  account: DemoAccount,
  serviceArn: string | undefined,
): Promise<{ stack?: string; problem?: string }> {
  if (!serviceArn) return { problem: 'no service' };
  const cfn = new CloudFormationClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: account.credentials,
  });
  try {
    const found = await cfn.send(new DescribeStackResourcesCommand({ PhysicalResourceId: serviceArn }));
    const name = found.StackResources?.[0]?.StackName;
    const stack = name
      ? (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]
      : undefined;
    const status = stack?.StackStatus ?? '?';
    const label = `${name ?? '?'} ${status}`;
    return /^(CREATE|UPDATE)_COMPLETE$/.test(status)
      ? { stack: label }
      : { stack: label, problem: `stack ${label}` };
  } catch (e) {
    return { problem: `no CloudFormation stack manages it (${e instanceof Error ? e.message : String(e)})` };
  } finally {
    cfn.destroy();
  }
}

/**
 * Reads what every service of `project` runs and checks it runs `tag` with its environment's
 * colour; `stacks`: the services must also be managed by a complete CloudFormation stack.
 */
export async function checkServices(
  sb: DemoSandbox,
  accounts: readonly DemoAccount[],
  tag: string,
  project: string = DEMO_PROJECT,
  stacks = false,
): Promise<ServiceCheck[]> {
  const checks: ServiceCheck[] = [];
  for (const account of accounts) {
    const ecs = ecsOf(sb, account);
    for (const environment of DEMO_ENVIRONMENTS) {
      const service = demoServiceName(environment, project);
      const out = await ecs.send(new DescribeServicesCommand({ cluster: DEMO_CLUSTER, services: [service] }));
      const svc = out.services?.[0];
      const td = svc?.taskDefinition
        ? (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition })))
            .taskDefinition
        : undefined;
      const web = td?.containerDefinitions?.find((c) => c.name === 'web');
      const image = web?.image ?? '?';
      const colour = web?.environment?.find((e) => e.name === 'COLOUR')?.value ?? '?';
      const running = svc?.runningCount ?? 0;
      const desired = svc?.desiredCount ?? 0;
      const problems: string[] = [];
      if (!image.endsWith(`/${DEMO_REPOSITORY}:${tag}`))
        problems.push(`runs ${image}, expected ${DEMO_REPOSITORY}:${tag}`);
      if (colour !== DEMO_COLOURS[environment])
        problems.push(`COLOUR is ${colour}, expected ${DEMO_COLOURS[environment]}`);
      if (running !== desired || desired === 0) problems.push(`${running} of ${desired} tasks running`);
      const owner = stacks ? await owningStack(sb, account, svc?.serviceArn) : {};
      if (owner.problem) problems.push(owner.problem);
      checks.push({
        project,
        ...(account.tenant ? { tenant: account.tenant } : {}),
        ...(owner.stack ? { stack: owner.stack } : {}),
        environment,
        service,
        image,
        colour,
        running,
        desired,
        ok: problems.length === 0,
        ...(problems.length ? { problem: problems.join('; ') } : {}),
      });
    }
  }
  return checks;
}
