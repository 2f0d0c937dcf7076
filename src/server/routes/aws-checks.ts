/**
 * The infrastructure pages' buttons: "Test" an AWS account (STS GetCallerIdentity with the
 * account's stored credentials, as a deployment would use them) and "Check" an ECS cluster target
 * (DescribeClusters with the target's account, assumed role and region). Both go through the same
 * credential resolution as the engine (store/aws-credentials.ts, jobs/step-context.ts) and answer
 * AWS's refusals in Slipway's words, saying what to fix.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { z } from 'zod';
import { CHAIN_AMBIENT } from '../../aws/account-credentials.js';
import { createAwsClients, describeAwsError, type AwsClients } from '../../aws/clients.js';
import { awsErrorCode } from '../../aws/errors.js';
import type { TargetInfo } from '../../core/deployments/types.js';
import { SlipwayError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import type { Resource } from '../../core/model/resource.js';
import { targetClients } from '../../jobs/step-context.js';
import { awsAccountCredentials } from '../../store/aws-credentials.js';
import { resourcesRepository } from '../../store/resources.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema, type RouteSpec } from '../route.js';

/** The region an account without one of its own is tested in (STS answers in every region). */
export const DEFAULT_TEST_REGION = 'us-east-1';
// A button press: one retry for a blip, not the engine's patient ten, nor its two minutes of
// riding out a network outage.
const CHECK_RETRIES = { maxAttempts: 2, unreachableRetryMs: 0 };

// AWS's answers that mean "these credentials are not accepted", as opposed to "AWS did not answer".
const REFUSED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'AuthFailure',
  'CredentialsProviderError',
]);

const identitySchema = z.object({
  account: z.string().meta({ description: 'The AWS account id the credentials belong to.' }),
  arn: z.string().meta({ description: 'Who the credentials are (a user, root, or an assumed role).' }),
  userId: z.string(),
  region: z.string().meta({ description: 'The region the call was made in.' }),
});

const clusterSchema = z.object({
  cluster: z.string().meta({ description: 'The cluster as the target names it.' }),
  clusterArn: z.string(),
  region: z.string(),
  account: z.string().meta({ description: 'The AWS account id of the credentials used.' }),
  status: z
    .string()
    .meta({ description: 'ECS’s status of the cluster (ACTIVE, PROVISIONING, INACTIVE, ...).' }),
  activeServicesCount: z.number(),
  runningTasksCount: z.number(),
  pendingTasksCount: z.number(),
  registeredContainerInstancesCount: z.number(),
});

const IDENTITY: NamedSchema = { name: 'AwsAccountTestResult', schema: identitySchema };
const CLUSTER: NamedSchema = { name: 'EcsTargetCheckResult', schema: clusterSchema };

/** Turns what AWS or the credential chain threw into a SlipwayError that says what to fix. */
export function awsCheckError(what: string, fix: string, e: unknown): SlipwayError {
  if (e instanceof SlipwayError) return e;
  const code = awsErrorCode(e);
  const said = describeAwsError(e);
  if (code !== undefined && REFUSED.has(code)) {
    return new SlipwayError('AWS_CREDENTIALS', `AWS refused the credentials of ${what}: ${said}. ${fix}`, {
      cause: e,
      data: { awsCode: code },
    });
  }
  return new SlipwayError(
    'AWS_CALL_FAILED',
    `AWS did not answer for ${what}: ${said}. Check that the server can reach AWS (or the sandbox), then try again.`,
    { cause: e, data: { ...(code === undefined ? {} : { awsCode: code }) } },
  );
}

/** The engine's view of a target resource (references are stored as ids). */
function targetInfo(r: Resource): TargetInfo {
  const d = r.data as Partial<TargetInfo>;
  return {
    id: r.id,
    name: r.name,
    roles: d.roles ?? [],
    environments: d.environments ?? [],
    tenantedParticipation: d.tenantedParticipation ?? 'untenanted',
    tenants: d.tenants ?? [],
    tenantTags: d.tenantTags ?? [],
    ...(d.awsAccount === undefined ? {} : { awsAccount: d.awsAccount }),
    region: d.region ?? '',
    cluster: d.cluster ?? '',
    ...(d.assumeRole === undefined ? {} : { assumeRole: d.assumeRole }),
  };
}

async function using<T>(clients: AwsClients, fn: (c: AwsClients) => Promise<T>): Promise<T> {
  try {
    return await fn(clients);
  } finally {
    clients.destroy();
  }
}

/** POST .../aws-accounts/{id}/test and POST .../ecs-targets/{id}/check. */
export function awsCheckRoutes(deps: ServerDeps): RouteSpec[] {
  const spaces = spacesRepository(deps.store.db);
  const accounts = resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS['aws-account']);
  const targets = resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS['ecs-target']);
  const ambient = deps.aws ?? CHAIN_AMBIENT;
  const endpoint = ambient.endpoint === undefined ? {} : { endpoint: ambient.endpoint };

  return [
    {
      method: 'POST',
      path: '/api/spaces/{space}/aws-accounts/{id}/test',
      operationId: 'testAwsAccount',
      summary:
        'Calls STS GetCallerIdentity with the account’s stored credentials (as deployments use them) and answers who they are.',
      tag: 'aws-accounts',
      params: { space: 'The space, by id or name.', id: 'The AWS account, by id or name.' },
      auth: { permission: 'aws-account.edit' },
      responses: {
        200: { description: 'AWS accepted the credentials.', body: IDENTITY },
        400: {
          description:
            'AWS refused the credentials (AWS_CREDENTIALS, with AWS’s code), or a role chain loops (CONFIG).',
        },
        404: { description: 'No such space or account.' },
        502: { description: 'AWS did not answer (AWS_CALL_FAILED).' },
      },
      handler: async (request) => {
        const spaceId = (await spaces.get(param(request, 'space'))).id;
        const idOrName = param(request, 'id');
        const account = (await accounts.find(spaceId, idOrName)) ?? (await accounts.get(spaceId, idOrName));
        const region = (account.data as { region?: string }).region ?? DEFAULT_TEST_REGION;
        const what = `AWS account "${account.name}"`;
        const fix =
          'Check its access key id and secret access key (or its role and source account), save them, and test again.';
        try {
          const credentials = await awsAccountCredentials(
            deps.store.db,
            deps.secrets,
            spaceId,
            account.id,
            ambient,
          );
          const clients = createAwsClients({ region, credentials, ...endpoint }, CHECK_RETRIES);
          const id = await using(clients, (c) => c.sts.send(new GetCallerIdentityCommand({})));
          return { account: id.Account ?? '', arn: id.Arn ?? '', userId: id.UserId ?? '', region };
        } catch (e) {
          throw awsCheckError(what, fix, e);
        }
      },
    },
    {
      method: 'POST',
      path: '/api/spaces/{space}/ecs-targets/{id}/check',
      operationId: 'checkEcsTarget',
      summary:
        'Describes the target’s ECS cluster with the target’s account, role and region: its status, active services and running tasks.',
      tag: 'ecs-targets',
      params: { space: 'The space, by id or name.', id: 'The ECS cluster target, by id or name.' },
      auth: { permission: 'ecs-target.edit' },
      responses: {
        200: { description: 'The cluster.', body: CLUSTER },
        400: {
          description:
            'AWS refused the credentials (AWS_CREDENTIALS), or the cluster does not exist there (CONFIG).',
        },
        404: { description: 'No such space or target.' },
        502: { description: 'AWS did not answer (AWS_CALL_FAILED).' },
      },
      handler: async (request) => {
        const spaceId = (await spaces.get(param(request, 'space'))).id;
        const idOrName = param(request, 'id');
        const resource = (await targets.find(spaceId, idOrName)) ?? (await targets.get(spaceId, idOrName));
        const target = targetInfo(resource);
        const what = `ECS cluster target "${target.name}"`;
        const fix = 'Check the target’s AWS account (test it on its page) and its role, then check again.';
        let described;
        let account = '';
        try {
          const clients = await targetClients(
            deps.store,
            deps.secrets,
            ambient,
            spaceId,
            target,
            CHECK_RETRIES,
          );
          described = await using(clients, async (c) => {
            account = await c.accountId();
            return c.ecs.send(new DescribeClustersCommand({ clusters: [target.cluster] }));
          });
        } catch (e) {
          throw awsCheckError(what, fix, e);
        }
        const cluster = described.clusters?.find((c) => c.status !== undefined);
        if (cluster === undefined) {
          const reason = described.failures?.[0]?.reason ?? 'MISSING';
          throw new SlipwayError(
            'CONFIG',
            `${what} names the cluster "${target.cluster}", which ECS does not find in ${target.region} of account ${account} (${reason}). ` +
              'Check the cluster name, the region and the AWS account of the target.',
            { data: { cluster: target.cluster, region: target.region, account } },
          );
        }
        return {
          cluster: target.cluster,
          clusterArn: cluster.clusterArn ?? '',
          region: target.region,
          account,
          status: cluster.status ?? 'UNKNOWN',
          activeServicesCount: cluster.activeServicesCount ?? 0,
          runningTasksCount: cluster.runningTasksCount ?? 0,
          pendingTasksCount: cluster.pendingTasksCount ?? 0,
          registeredContainerInstancesCount: cluster.registeredContainerInstancesCount ?? 0,
        };
      },
    },
  ];
}
