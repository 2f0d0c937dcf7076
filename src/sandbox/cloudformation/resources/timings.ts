/**
 * How long the providers make CloudFormation's resource steps take, in sandbox seconds, so that
 * stack events are spaced as AWS's are (cloudformation.md §A2 "Timing for the emulator"). The
 * stack engine may later move these into the sandbox settings (`timings.cfn*`).
 */
export const CFN_TIMINGS = {
  /** IAM::Role: from CreateRole until the role is reported created (IAM propagation). */
  roleCreateSeconds: 5,
  /** Logs::LogGroup create. */
  logGroupSeconds: 1,
  /** ECS::TaskDefinition register. */
  taskDefinitionSeconds: 1,
  /** ECS::Cluster create. */
  clusterSeconds: 1,
  /** An update that is a few API calls. */
  updateSeconds: 1,
  /** Any delete that is a single API call. */
  deleteSeconds: 1,
  /** ECS::Service: how often the handler looks at the deployment while it stabilises. */
  servicePollSeconds: 5,
  /** ECS::Cluster delete: how long a cluster whose last tasks still stop is retried. */
  clusterDeleteRetrySeconds: 60,
} as const;
