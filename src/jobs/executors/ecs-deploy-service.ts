/**
 * "Deploy Amazon ECS Service": the step's evaluated inputs are checked again, rendered into a
 * CloudFormation stack (core/cfn: a task definition and a service, plus an execution role and a
 * log group when needed) with the release's images, and deployed with the stack deployer in the
 * target's account and region (create or update, "no updates" is success, a stack that cannot be
 * updated is deleted and created again, judged by its final status). While the stack works, the
 * ECS rollout it started is watched live (ecs-deploy-service-watch.ts); a failure names this
 * operation's stack events and the stopped tasks' reasons. Each stack operation's token is saved
 * before it is sent, so a resumed attempt re-attaches instead of sending a second one. Sensitive
 * values in a container's environment are delivered as secrets first (deploy/secrets, as the
 * Update step does), so neither the template nor the task definition ever holds them in clear.
 */
import { describeAwsError } from '../../aws/clients.js';
import {
  checkEvaluatedDeployService,
  renderServiceStack,
  type EvaluatedDeployService,
  type ServiceStack,
  type StackTag,
} from '../../core/cfn/index.js';
import { isSlipwayError } from '../../core/errors.js';
import { clockOf } from '../../deploy/clock.js';
import {
  deployStack,
  type StackDeployResult,
  type StackResourceInfo,
} from '../../deploy/cloudformation/index.js';
import {
  deliverSecrets,
  secretScopeOf,
  verifySecretAccess,
  withDeliveredSecrets,
  type DeliveredSecret,
} from '../../deploy/secrets/index.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';
import {
  failure,
  savedOperation,
  stepHooks,
  type CloudformationStepOptions,
} from './cloudformation-deploy.js';
import { RolloutWatch } from './ecs-deploy-service-watch.js';

/** Clock hooks and the stack poll interval (tests); defaults: the wall clock, 1 s. */
export type EcsDeployServiceOptions = CloudformationStepOptions;

/** The template may hold an unnamed IAM role (the execution role made when the step names none). */
const CAPABILITIES = ['CAPABILITY_IAM'] as const;

/** Builds the executor; `options` exist for tests (a faster clock and poll). */
export function createEcsDeployServiceExecutor(options: EcsDeployServiceOptions = {}): StepExecutor {
  return { type: 'ecs-deploy-service', perTarget: true, run: (ctx) => run(ctx, options) };
}

/** The executor with the wall clock. */
export const ecsDeployServiceExecutor = createEcsDeployServiceExecutor();

/**
 * Stack-level tags: project, environment, tenant and release (stable across re-deploys of one
 * release, so those are "no updates"); not the deployment, which the ClientRequestToken names.
 */
export function serviceStackTags(values: Record<string, string>): StackTag[] {
  const tags = [
    { key: 'slipway:project', value: values['Octopus.Project.Name'] ?? '' },
    { key: 'slipway:environment', value: values['Octopus.Environment.Name'] ?? '' },
    { key: 'slipway:tenant', value: values['Octopus.Deployment.Tenant.Name'] || 'untenanted' },
    { key: 'slipway:release', value: values['Octopus.Release.Number'] ?? '' },
  ];
  return tags.filter((t) => t.value !== '');
}

/** `slipway-<first 8 characters of the deployment's uuid>`: the tokens' prefix, so a stack event names its deployment. */
export function tokenPrefixOf(deploymentId: string): string {
  const short = deploymentId
    .replace(/^deployments-/i, '')
    .replace(/[^-a-zA-Z0-9]/g, '')
    .slice(0, 8);
  return short ? `slipway-${short}` : 'slipway';
}

/** Container name → image, from the release's package references (`Octopus.Action.Package[NAME].Image`). */
function imagesOf(action: EvaluatedDeployService, values: Record<string, string>): Record<string, string> {
  const images: Record<string, string> = {};
  for (const c of action.containers) {
    const image = values[`Octopus.Action.Package[${c.image}].Image`];
    if (image) images[c.name] = image;
  }
  return images;
}

/**
 * The step's stack, or the reason it cannot be deployed (nothing sent to AWS yet); the `delivered`
 * secrets (default none) replace their plain values in the containers' environment.
 */
function render(
  ctx: StepContext,
  cluster: string,
  delivered: readonly DeliveredSecret[] = [],
): { stack: ServiceStack; action: EvaluatedDeployService } {
  const values = ctx.variables.values;
  const action = checkEvaluatedDeployService(ctx.action, ctx.step.name);
  const withSecrets = { ...action, containers: withDeliveredSecrets(action.containers, delivered) };
  const tenantId = values['Octopus.Deployment.Tenant.Id'];
  const stack = renderServiceStack(withSecrets, {
    images: imagesOf(withSecrets, values),
    clusterName: cluster,
    environmentId: values['Octopus.Environment.Id'] ?? '',
    ...(tenantId ? { tenantId } : {}),
    ...(action.stackName ? { stackName: action.stackName } : {}),
    stackTags: serviceStackTags(values),
    circuitBreaker: action.circuitBreaker,
    stepName: ctx.step.name,
  });
  return { stack, action: withSecrets };
}

async function run(ctx: StepContext, options: EcsDeployServiceOptions): Promise<StepResult> {
  const target = ctx.target;
  if (!target) return { outcome: 'failed', error: 'This step needs a deployment target (an ECS cluster).' };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the step started.' };
  let rendered;
  try {
    rendered = render(ctx, target.cluster);
  } catch (e) {
    return { outcome: 'failed', error: isSlipwayError(e) ? e.message : describeAwsError(e) };
  }
  let { stack, action } = rendered;
  if (!action.stackName) ctx.log.verbose(`No stack name supplied; generated "${stack.stackName}".`);
  const wait = action.wait.mode === 'wait';
  const timeoutSeconds = action.wait.timeoutMinutes * 60;
  const resume = savedOperation(ctx.previous);
  let stackId = resume?.kind === 'delete' ? undefined : resume?.stackId;

  // The watch stops when the stack's operation ends (or the deployment is canceled).
  const stopWatch = new AbortController();
  const watchSignal = AbortSignal.any([ctx.signal, stopWatch.signal]);
  let watch: RolloutWatch | undefined;
  let watching: Promise<void> | undefined;
  try {
    const clients = await ctx.aws();
    // Sensitive values go to Parameter Store before the stack changes, never into the template. A
    // resumed attempt delivers again: unchanged values keep their names and versions, so it renders
    // the very template the saved operation was sent with.
    const secrets = await deliverSecrets(
      {
        scope: secretScopeOf(ctx.variables.values, target.cluster, action.service),
        containers: action.containers,
        sensitive: ctx.variables.sensitive,
      },
      clients,
      (e) => ctx.log.event(e),
    );
    if (secrets.delivered.length > 0) {
      ({ stack, action } = render(ctx, target.cluster, secrets.delivered));
      // An in-stack execution role gets the read policy with the template; a given one is asked of IAM.
      if (action.executionRole)
        await verifySecretAccess(action.executionRole, secrets.delivered, clients, (e) => ctx.log.event(e), {
          service: action.service,
        });
    }
    if (wait) {
      watch = new RolloutWatch({
        cfn: clients.cloudformation,
        ecs: clients.ecs,
        cluster: target.cluster,
        emit: (e) => ctx.log.event(e, e.code === 'deploy.succeeded' ? 'highlight' : undefined),
        clock: clockOf({ ...options, signal: watchSignal }),
        signal: watchSignal,
        cancel: ctx.signal,
        pollMs: (options.pollSeconds ?? 1) * 1000,
        timeoutSeconds,
      });
    }
    const hooks = stepHooks(ctx, options, (op) => {
      if (op.kind !== 'delete') stackId = op.stackId;
      if (!watch) return;
      watch.follow(op);
      watching ??= watch.run().catch(() => {});
    });
    const result = await deployStack(
      {
        stackName: stack.stackName,
        templateBody: JSON.stringify(stack.template),
        parameters: stack.parameters,
        capabilities: [...CAPABILITIES],
        tags: stack.tags,
        disableRollback: false,
        wait,
        timeoutSeconds,
        ...(options.pollSeconds !== undefined ? { pollSeconds: options.pollSeconds } : {}),
        ...(resume ? { resume } : {}),
        tokenPrefix: tokenPrefixOf(ctx.deploymentId),
      },
      clients,
      hooks,
    );
    await stop(stopWatch, watching);
    await watch?.conclude();
    setOutputs(ctx, result, action, target.cluster, target.region);
    if (result.outcome === 'started')
      ctx.log.info(
        `Stack ${result.stackName} is ${result.status}; not waiting for it or for the ECS rollout (wait mode "no-wait").`,
      );
    return { outcome: 'success' };
  } catch (e) {
    await stop(stopWatch, watching);
    const failedId = isSlipwayError(e) && typeof e.data.stackId === 'string' ? e.data.stackId : stackId;
    if (failedId) ctx.setOutput('AwsOutputs[StackId]', failedId);
    const res = failure(ctx, stack.stackName, e);
    if (res.outcome !== 'failed' || ctx.signal.aborted || !watch) return res;
    return withStoppedTasks(ctx, res.error, watch);
  }
}

/** Stops the rollout watch and waits for it to let go. */
async function stop(controller: AbortController, watching: Promise<void> | undefined): Promise<void> {
  controller.abort();
  await watching;
}

/** The failure, with the stopped tasks of the watched ECS deployment listed in the log and named in the error. */
async function withStoppedTasks(ctx: StepContext, error: string, watch: RolloutWatch): Promise<StepResult> {
  await watch.conclude();
  const tasks = await watch.stoppedTasks();
  for (const t of tasks)
    ctx.log.warning(`Task ${t.taskArn} (${t.taskDefinitionArn.split('/').pop() ?? ''}) stopped: ${t.reason}`);
  const summary = await watch.summary();
  return { outcome: 'failed', error: summary ? `${error} ECS: ${summary}.` : error };
}

/** The physical id of the first resource of `type`, or "". */
function physicalId(resources: readonly StackResourceInfo[], type: string): string {
  return resources.find((r) => r.resourceType === type)?.physicalResourceId ?? '';
}

/**
 * Octopus's outputs (`AwsOutputs[StackId]`, `ServiceName` = the service's logical id,
 * `ClusterName`, `CloudFormationStackName`, `TaskDefinitionFamily`, `Region`) and ours
 * (`StackName`, `ServiceArn`, `EcsServiceName`, `TaskDefinitionArn`); "" where not known yet.
 */
function setOutputs(
  ctx: StepContext,
  result: StackDeployResult,
  action: EvaluatedDeployService,
  cluster: string,
  region: string,
): void {
  const service = result.resources.find((r) => r.resourceType === 'AWS::ECS::Service');
  const serviceArn = service?.physicalResourceId.startsWith('arn:') ? service.physicalResourceId : '';
  ctx.setOutput('AwsOutputs[StackId]', result.stackId);
  ctx.setOutput('ServiceName', service?.logicalResourceId ?? '');
  ctx.setOutput('ClusterName', cluster);
  ctx.setOutput('CloudFormationStackName', result.stackName);
  ctx.setOutput('TaskDefinitionFamily', action.taskFamily);
  ctx.setOutput('Region', region);
  ctx.setOutput('StackName', result.stackName);
  ctx.setOutput('ServiceArn', serviceArn);
  ctx.setOutput('EcsServiceName', serviceArn ? serviceArn.slice(serviceArn.lastIndexOf('/') + 1) : '');
  ctx.setOutput('TaskDefinitionArn', physicalId(result.resources, 'AWS::ECS::TaskDefinition'));
}
