/**
 * Published AWS API limits, in one place (numbers drift: change them here only). The sandbox
 * enforces them; Slipway's own AWS clients pace themselves by them.
 */

/** A token bucket: `burst` tokens at most, refilled at `perSecond`. */
export interface TokenBucketLimit {
  burst: number;
  perSecond: number;
}

/** ECS API buckets per account and region (see shared/spec/ecs.md). */
export const ECS_BUCKETS = {
  serviceRead: { burst: 100, perSecond: 20 },
  serviceModify: { burst: 50, perSecond: 5 },
  taskDefinitionModify: { burst: 20, perSecond: 1 },
  taskDefinitionRead: { burst: 50, perSecond: 20 },
  clusterResourceRead: { burst: 100, perSecond: 20 },
  clusterResourceModify: { burst: 100, perSecond: 40 },
  clusterRead: { burst: 50, perSecond: 20 },
  clusterModify: { burst: 20, perSecond: 1 },
  other: { burst: 50, perSecond: 20 },
} as const satisfies Record<string, TokenBucketLimit>;

export type EcsBucket = keyof typeof ECS_BUCKETS;

/** Which ECS bucket an action draws from. Actions not listed draw from `other`. */
export const ECS_ACTION_BUCKET: Readonly<Record<string, EcsBucket>> = {
  DescribeServices: 'serviceRead',
  ListServices: 'serviceRead',
  ListServicesByNamespace: 'serviceRead',
  CreateService: 'serviceModify',
  UpdateService: 'serviceModify',
  DeleteService: 'serviceModify',
  RegisterTaskDefinition: 'taskDefinitionModify',
  DeregisterTaskDefinition: 'taskDefinitionModify',
  DeleteTaskDefinitions: 'taskDefinitionModify',
  DescribeTaskDefinition: 'taskDefinitionRead',
  ListTaskDefinitions: 'taskDefinitionRead',
  ListTaskDefinitionFamilies: 'taskDefinitionRead',
  DescribeTasks: 'clusterResourceRead',
  ListTasks: 'clusterResourceRead',
  DescribeContainerInstances: 'clusterResourceRead',
  ListContainerInstances: 'clusterResourceRead',
  RunTask: 'clusterResourceModify',
  StartTask: 'clusterResourceModify',
  StopTask: 'clusterResourceModify',
  DescribeClusters: 'clusterRead',
  ListClusters: 'clusterRead',
  CreateCluster: 'clusterModify',
  DeleteCluster: 'clusterModify',
};

/** ECR GetAuthorizationToken: 20 per second, burst 200. Other ECR actions use `ECR_DEFAULT`. */
export const ECR_GET_AUTHORIZATION_TOKEN: TokenBucketLimit = { burst: 200, perSecond: 20 };
/** A generous default for ECR, Logs, STS and IAM actions whose limits we do not model closely. */
export const DEFAULT_BUCKET: TokenBucketLimit = { burst: 100, perSecond: 50 };

/** DescribeServices accepts at most this many services per call. */
export const DESCRIBE_SERVICES_MAX = 10;
/** An ECR authorization token lives this long. */
export const ECR_TOKEN_TTL_SECONDS = 12 * 60 * 60;
/** STS AssumeRole session bounds (seconds). */
export const STS_SESSION_MIN_SECONDS = 900;
export const STS_SESSION_DEFAULT_SECONDS = 3600;
export const STS_CHAINED_SESSION_MAX_SECONDS = 3600;

/**
 * ECS deployment circuit breaker: a deployment fails after ceil(desired / 2) failed tasks,
 * clamped to [min, max] (current AWS docs; an older guide says 10 and 200).
 */
export const CIRCUIT_BREAKER_MIN = 3;
export const CIRCUIT_BREAKER_MAX = 200;

/**
 * CloudFormation API rate quotas per account and region (the Service Quotas console lists them per
 * action; AWS does not document a burst, so the burst is a few seconds' worth). Actions not listed
 * draw from `CLOUDFORMATION_DEFAULT`.
 */
export const CLOUDFORMATION_BUCKETS: Readonly<Record<string, TokenBucketLimit>> = {
  CreateStack: { burst: 10, perSecond: 5 },
  UpdateStack: { burst: 10, perSecond: 5 },
  DeleteStack: { burst: 10, perSecond: 5 },
  CreateChangeSet: { burst: 10, perSecond: 5 },
  ExecuteChangeSet: { burst: 10, perSecond: 5 },
  DeleteChangeSet: { burst: 10, perSecond: 5 },
  DescribeStacks: { burst: 20, perSecond: 10 },
  DescribeStackEvents: { burst: 20, perSecond: 10 },
  DescribeStackResources: { burst: 20, perSecond: 10 },
  DescribeChangeSet: { burst: 20, perSecond: 10 },
  GetTemplate: { burst: 10, perSecond: 5 },
  GetTemplateSummary: { burst: 10, perSecond: 5 },
  ValidateTemplate: { burst: 10, perSecond: 5 },
};
export const CLOUDFORMATION_DEFAULT: TokenBucketLimit = { burst: 10, perSecond: 5 };

/**
 * Systems Manager Parameter Store API rates per account and region (standard throughput: the
 * Service Quotas defaults; PutParameter is the tight one). Actions not listed: `SSM_DEFAULT`.
 */
export const SSM_BUCKETS: Readonly<Record<string, TokenBucketLimit>> = {
  GetParameter: { burst: 40, perSecond: 40 },
  GetParameters: { burst: 40, perSecond: 40 },
  GetParametersByPath: { burst: 40, perSecond: 40 },
  DescribeParameters: { burst: 40, perSecond: 40 },
  GetParameterHistory: { burst: 40, perSecond: 40 },
  PutParameter: { burst: 3, perSecond: 3 },
  DeleteParameter: { burst: 3, perSecond: 3 },
};
export const SSM_DEFAULT: TokenBucketLimit = { burst: 40, perSecond: 40 };

/** Secrets Manager API rates per account and region (Service Quotas defaults). */
export const SECRETS_MANAGER_BUCKETS: Readonly<Record<string, TokenBucketLimit>> = {
  GetSecretValue: { burst: 10_000, perSecond: 10_000 },
  DescribeSecret: { burst: 10_000, perSecond: 10_000 },
  BatchGetSecretValue: { burst: 100, perSecond: 100 },
  ListSecrets: { burst: 100, perSecond: 100 },
  CreateSecret: { burst: 50, perSecond: 50 },
  PutSecretValue: { burst: 50, perSecond: 50 },
  UpdateSecret: { burst: 50, perSecond: 50 },
  DeleteSecret: { burst: 50, perSecond: 50 },
};
export const SECRETS_MANAGER_DEFAULT: TokenBucketLimit = { burst: 50, perSecond: 50 };

/**
 * Elastic Load Balancing v2: AWS publishes no per-action API rates (its quotas page lists resource
 * counts only), so every action gets DEFAULT_BUCKET for itself, like the other unlisted services.
 */
export const ELBV2_DEFAULT: TokenBucketLimit = DEFAULT_BUCKET;

/** The rate bucket a call draws from: its name (per account and region) and its limit. */
export interface RateBucket {
  name: string;
  limit: TokenBucketLimit;
}

/**
 * Which bucket an action draws from. ECS actions share ECS_ACTION_BUCKET's buckets (unlisted ones
 * `other`); CloudFormation and ECR GetAuthorizationToken have their published limits; every other
 * action of every other service gets DEFAULT_BUCKET for itself (AWS publishes those per action).
 */
export function rateBucketOf(service: string, action: string): RateBucket {
  if (service === 'ecs') {
    const bucket = ECS_ACTION_BUCKET[action] ?? 'other';
    return { name: `ecs:${bucket}`, limit: ECS_BUCKETS[bucket] };
  }
  if (service === 'ecr' && action === 'GetAuthorizationToken') {
    return { name: 'ecr:GetAuthorizationToken', limit: ECR_GET_AUTHORIZATION_TOKEN };
  }
  if (service === 'ssm') {
    return { name: `ssm:${action}`, limit: SSM_BUCKETS[action] ?? SSM_DEFAULT };
  }
  if (service === 'secretsmanager') {
    return {
      name: `secretsmanager:${action}`,
      limit: SECRETS_MANAGER_BUCKETS[action] ?? SECRETS_MANAGER_DEFAULT,
    };
  }
  if (service === 'cloudformation') {
    return {
      name: `cloudformation:${action}`,
      limit: CLOUDFORMATION_BUCKETS[action] ?? CLOUDFORMATION_DEFAULT,
    };
  }
  if (service === 'elasticloadbalancing') {
    return { name: `elasticloadbalancing:${action}`, limit: ELBV2_DEFAULT };
  }
  return { name: `${service}:${action}`, limit: DEFAULT_BUCKET };
}
