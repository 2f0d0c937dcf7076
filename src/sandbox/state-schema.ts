/**
 * The shape of a state file's world, checked when it is loaded so that a damaged or hand-edited file
 * is refused with the path of the first wrong value instead of failing later inside the engine.
 * Objects are loose (unknown keys are kept): this checks what the sandbox's code relies on.
 */
import { z } from 'zod';

const num = z.number();
const str = z.string();
const keyValueTags = z.array(z.looseObject({ key: str, value: str }));
const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

const cluster = z.looseObject({
  clusterName: str,
  clusterArn: str,
  status: z.enum(['ACTIVE', 'INACTIVE']),
  createdAt: num,
  tags: keyValueTags,
  extra: record(z.unknown()),
});

const containerInstance = z.looseObject({
  containerInstanceArn: str,
  ec2InstanceId: str,
  clusterArn: str,
  status: z.enum(['ACTIVE', 'DRAINING', 'INACTIVE']),
  cpu: num,
  memory: num,
  registeredAt: num,
  attributes: z.array(z.looseObject({ name: str, value: str.optional() })),
});

const taskDefinition = z.looseObject({
  family: str,
  revision: num,
  taskDefinitionArn: str,
  status: z.enum(['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']),
  registeredAt: num,
  body: record(z.unknown()),
  tags: keyValueTags,
});

const deployment = z.looseObject({
  id: str,
  status: z.enum(['PRIMARY', 'ACTIVE', 'INACTIVE']),
  taskDefinition: str,
  desiredCount: num,
  failedTasks: num,
  runningCount: num,
  pendingCount: num,
  rolloutState: z.enum(['IN_PROGRESS', 'COMPLETED', 'FAILED']),
  rolloutStateReason: str,
  createdAt: num,
  updatedAt: num,
});

const service = z.looseObject({
  serviceName: str,
  serviceArn: str,
  clusterArn: str,
  status: z.enum(['ACTIVE', 'DRAINING', 'INACTIVE']),
  desiredCount: num,
  taskDefinition: str,
  createdAt: num,
  deploymentConfiguration: z.looseObject({ minimumHealthyPercent: num, maximumPercent: num }),
  deployments: z.array(deployment),
  events: z.array(z.looseObject({ id: str, createdAt: num, message: str })),
  loadBalancers: z.array(z.looseObject({})),
  tags: keyValueTags,
  extra: record(z.unknown()),
});

const task = z.looseObject({
  taskArn: str,
  taskId: str,
  clusterArn: str,
  taskDefinitionArn: str,
  group: str,
  launchType: str,
  lastStatus: z.enum([
    'PROVISIONING',
    'PENDING',
    'ACTIVATING',
    'RUNNING',
    'DEACTIVATING',
    'STOPPING',
    'DEPROVISIONING',
    'STOPPED',
  ]),
  desiredStatus: z.enum(['RUNNING', 'STOPPED']),
  healthStatus: z.enum(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']),
  containers: z.array(z.looseObject({ name: str, image: str, lastStatus: str, essential: z.boolean() })),
  createdAt: num,
  hostPorts: z.array(num),
  tags: keyValueTags,
  nextTransitionAt: num.optional(),
});

const ecs = z.looseObject({
  clusters: record(cluster),
  containerInstances: record(containerInstance),
  taskDefinitions: record(z.array(taskDefinition)),
  services: record(service),
  tasks: record(task),
  clientTokens: record(str),
});

const ecr = z.looseObject({
  repositories: record(
    z.looseObject({
      name: str,
      arn: str,
      createdAt: num,
      images: record(
        z.looseObject({ digest: str, manifest: str, sizeInBytes: num, pushedAt: num, tags: z.array(str) }),
      ),
      layers: record(num),
    }),
  ),
  blobs: record(str),
  uploads: record(z.looseObject({ id: str, repository: str, data: str })),
});

const logs = z.looseObject({
  groups: record(
    z.looseObject({
      name: str,
      creationTime: num,
      streams: record(
        z.looseObject({
          name: str,
          creationTime: num,
          sequence: num,
          events: z.array(z.looseObject({ timestamp: num, message: str, ingestionTime: num, id: num })),
        }),
      ),
    }),
  ),
});

const cfnConfig = z.looseObject({
  templateBody: str,
  parameters: record(z.union([str, z.array(str)])),
  parameterOrder: z.array(z.looseObject({ key: str, noEcho: z.boolean() })),
  capabilities: z.array(str),
  tags: z.array(z.looseObject({ Key: str, Value: str })),
  dependencies: record(z.array(str)),
  declared: record(z.looseObject({ type: str })),
});

const cfnTask = z.looseObject({
  logicalId: str,
  type: str,
  action: z.enum(['create', 'update', 'delete']),
  mode: z.enum(['create', 'update', 'replace', 'restore', 'delete', 'skip']),
  state: z.enum(['pending', 'in_progress', 'done', 'failed', 'cancelled']),
  after: z.array(str),
  nextCallAt: num.optional(),
  context: record(z.unknown()).optional(),
});

const cfnLeftover = z.looseObject({ logicalId: str, type: str, physicalId: str, removed: z.boolean() });

const cloudformation = z.looseObject({
  stacks: record(
    z.looseObject({
      stackId: str,
      stackName: str,
      status: str,
      creationTime: num,
      config: cfnConfig,
      resources: record(
        z.looseObject({ logicalId: str, type: str, physicalId: str, status: str, timestamp: num }),
      ),
      outputs: z.array(z.looseObject({ key: str, value: str })),
      imports: z.array(str),
      events: z.array(z.looseObject({ eventId: str, logicalId: str, status: str, timestamp: num })),
      tokens: record(str),
      operation: z
        .looseObject({
          kind: z.enum(['CREATE', 'UPDATE', 'DELETE']),
          phase: z.enum([
            'create',
            'rollback',
            'update',
            'cleanup',
            'update-rollback',
            'rollback-cleanup',
            'delete',
          ]),
          nextAt: num.optional(),
          tasks: record(cfnTask),
          failed: z.array(str),
          leftovers: z.array(cfnLeftover),
          createdByUpdate: z.array(cfnLeftover),
          retainResources: z.array(str),
        })
        .optional(),
    }),
  ),
  changeSets: record(
    z.looseObject({ id: str, name: str, stackId: str, status: str, executionStatus: str, config: cfnConfig }),
  ),
});

const ssmVersion = z.looseObject({
  version: num,
  value: str,
  type: z.enum(['String', 'StringList', 'SecureString']),
  tier: z.enum(['Standard', 'Advanced']),
  dataType: str,
  lastModifiedDate: num,
  lastModifiedUser: str,
});

const ssm = z.looseObject({
  parameters: record(
    z.looseObject({
      name: str,
      versions: z.array(ssmVersion).min(1),
      tags: z.array(z.looseObject({ Key: str, Value: str })),
    }),
  ),
});

const secretsmanager = z.looseObject({
  secrets: record(
    z.looseObject({
      arn: str,
      name: str,
      tags: z.array(z.looseObject({ Key: str, Value: str })),
      createdDate: num,
      lastChangedDate: num,
      deleteAt: num.optional(),
      versions: z.array(z.looseObject({ versionId: str, stages: z.array(str), createdDate: num })),
    }),
  ),
});

/** ELBv2: what the health computation and the ports rely on (targets keep their timestamps). */
const elbv2 = z.looseObject({
  loadBalancers: record(z.looseObject({ arn: str, name: str, type: str })),
  targetGroups: record(
    z.looseObject({
      arn: str,
      name: str,
      port: num,
      healthCheck: z.looseObject({ intervalSeconds: num, healthyThreshold: num }),
      attributes: record(str),
      targets: record(
        z.looseObject({ id: str, port: num, registeredAt: num, deregisteredAt: num.optional() }),
      ),
    }),
  ),
  listeners: record(z.looseObject({ arn: str, loadBalancerArn: str, defaultRuleArn: str })),
  rules: record(
    z.looseObject({
      arn: str,
      listenerArn: str,
      priority: str,
      isDefault: z.boolean(),
      actions: z.array(z.looseObject({ type: str })),
    }),
  ),
});

const account = z.looseObject({
  id: str,
  name: str,
  accessKeys: z.array(z.looseObject({ accessKeyId: str, secretAccessKey: str })),
  iam: z.looseObject({
    roles: record(
      z.looseObject({
        roleName: str,
        roleId: str,
        arn: str,
        path: str,
        maxSessionDuration: num,
        assumeRolePolicyDocument: str,
        createDate: num,
        attachedPolicyArns: z.array(str),
        inlinePolicies: record(str).optional(),
      }),
    ),
  }),
  // CloudFormation, SSM, Secrets Manager and ELBv2 are optional: older state files have none (cfnOf,
  // ssmOf, secretsOf, elbv2Of create them).
  regions: record(
    z.looseObject({
      ecs,
      ecr,
      logs,
      cloudformation: cloudformation.optional(),
      ssm: ssm.optional(),
      secretsmanager: secretsmanager.optional(),
      elbv2: elbv2.optional(),
    }),
  ),
});

const settings = z.looseObject({
  throttling: z.boolean(),
  strictPulls: z.boolean(),
  knownImages: z.array(str),
  timings: record(num),
  imageFaults: z.array(z.looseObject({ image: str })),
  apiFaults: z.array(
    z.looseObject({
      id: str,
      errorCode: str,
      message: str,
      httpStatus: num,
      remaining: num.optional(),
      untilMs: num.optional(),
    }),
  ),
});

/** A saved world (kind and version are checked before this). */
export const worldSchema = z.looseObject({
  nextId: num,
  accounts: record(account),
  sessions: record(
    z.looseObject({ accessKeyId: str, accountId: str, roleArn: str, sessionName: str, expiresAt: num }),
  ),
  ecrTokens: record(z.looseObject({ accountId: str, region: str, expiresAt: num })),
  settings,
  savedAt: num.optional(),
});

/** The first problem of a parsed state file, as `path: what is wrong`, or undefined when it fits. */
export function stateProblem(value: unknown): string | undefined {
  const r = worldSchema.safeParse(value);
  if (r.success) return undefined;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(top level)';
  return `${path}: ${issue.message}`;
}
