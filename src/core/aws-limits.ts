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
