/**
 * "Update Amazon ECS Service": build the new revision from a template (or the service's current
 * definition) with the release's images and the step's environment, and hand it to the service
 * deployer, which registers it only if it differs, updates the service, re-attaches to a rollout
 * in flight on resume, and judges the rollout by our deployment id (docs/steps.md). Its hooks save
 * the step's resume state right after each change in AWS; its events go to the task log, coded.
 */
import { TagResourceCommand, type Tag } from '@aws-sdk/client-ecs';
import { describeAwsError } from '../../aws/clients.js';
import { isSlipwayError } from '../../core/errors.js';
import type { SlipwayEvent } from '../../core/events.js';
import type { EarlySuccess } from '../../core/rollout/strategy.js';
import { parseTaskDefinitionRef } from '../../core/rollout/types.js';
import { DEPLOY_DEFAULTS } from '../../deploy/request.js';
import type { DeployControl, UpdatedService } from '../../deploy/service-input.js';
import { deployServices } from '../../deploy/services.js';
import {
  applySecrets,
  deliverSecrets,
  refusePlaintext,
  requireExecutionRole,
  secretScopeOf,
  verifySecretAccess,
  withoutPlanned,
  type SecretDelivery,
} from '../../deploy/secrets/index.js';
import type { StepContext, StepExecutor, StepLog, StepResult } from '../executor.js';
import { editContainers, type ContainerSettings } from './ecs-task-definition.js';
import { pauseAnswerer, type PauseProgress } from './ecs-update-service-pause.js';

/** The action document of an ecs-update-service step (after evaluation). */
export interface EcsUpdateServiceAction {
  service: string;
  templateTaskDefinition?: string;
  containers: ContainerSettings[];
  waitForDeployment: boolean;
  timeoutMinutes: number;
  forceNewDeployment: boolean;
  /** After success keep the newest N revisions of the family (deploy/hygiene.ts); absent = keep all. */
  keepRevisions?: number;
  tags: { key: string; value: string }[];
  /** KMS key of the parameters sensitive values are delivered in (default alias/aws/ssm). */
  secretsKmsKey?: string;
  /** Team ids that answer a PAUSE lifecycle hook's manual intervention (default: anyone who may). */
  pauseResponsibleTeams?: string[];
  /** BLUE_GREEN/LINEAR/CANARY: a cancel of the deployment also rolls back the ECS deployment (default false). */
  stopEcsDeploymentOnCancel?: boolean;
  /** ROLLING: ECS's early success criteria set with the update (false: off); absent = the service's own. */
  earlySuccess?: EarlySuccess | false;
}

/** A container of the action with its explicit secrets (absent in releases made before they existed). */
type ActionContainer = ContainerSettings & { secrets?: { name: string; valueFrom: string }[] };

/** Clock hooks (for tests); defaults are the wall clock and node:timers/promises. */
export type EcsUpdateServiceOptions = Pick<DeployControl, 'now' | 'sleep'>;

/** What the step saves after each change in AWS (ctx.previous on resume); ecsDeploymentId is a service deployment ARN for strategy services. */
interface Progress extends PauseProgress {
  taskDefinitionArn?: string;
  ecsDeploymentId?: string;
}

/** The progress an earlier attempt saved (fields of another shape are ignored). */
function savedProgress(previous: Record<string, unknown>): Progress {
  const { taskDefinitionArn, ecsDeploymentId, interruptionId, pausedHookId } = previous;
  return {
    ...(typeof taskDefinitionArn === 'string' ? { taskDefinitionArn } : {}),
    ...(typeof ecsDeploymentId === 'string' ? { ecsDeploymentId } : {}),
    ...(typeof interruptionId === 'string' ? { interruptionId } : {}),
    ...(typeof pausedHookId === 'string' ? { pausedHookId } : {}),
  };
}

/** The tags identifying a deployment on the revisions it registers, then the action's own. */
export function identifyingTags(values: Record<string, string>, extra: readonly Tag[]): Tag[] {
  const own: Tag[] = [
    { key: 'slipway:project', value: values['Octopus.Project.Name'] ?? '' },
    { key: 'slipway:environment', value: values['Octopus.Environment.Name'] ?? '' },
    { key: 'slipway:release', value: values['Octopus.Release.Number'] ?? '' },
    { key: 'slipway:deployment', value: values['Octopus.Deployment.Id'] ?? '' },
    { key: 'slipway:tenant', value: values['Octopus.Deployment.Tenant.Name'] || 'untenanted' },
  ];
  const keys = new Set(extra.map((t) => t.key));
  // An unknown fact (no tenant name aside) is left out rather than tagged empty.
  return [...own.filter((t) => !keys.has(t.key!) && t.value !== ''), ...extra];
}

/** A service name from a name or a service ARN (`...:service/cluster/name` or `...:service/name`). */
function serviceName(service: string): string {
  return service.startsWith('arn:') ? (service.split('/').pop() ?? service) : service;
}

/** Writes an engine event to the step log, code and data kept; our deployment's success stands out. */
function logEvent(log: StepLog, e: SlipwayEvent): void {
  log.event(e, e.code === 'deploy.succeeded' ? 'highlight' : undefined);
}

/** Builds the executor; `options` exist for tests (a faster clock). */
export function createEcsUpdateServiceExecutor(options: EcsUpdateServiceOptions = {}): StepExecutor {
  return {
    type: 'ecs-update-service',
    perTarget: true,
    run: (ctx) => run(ctx, options),
  };
}

/** The executor with the wall clock. */
export const ecsUpdateServiceExecutor = createEcsUpdateServiceExecutor();

async function run(ctx: StepContext, options: EcsUpdateServiceOptions): Promise<StepResult> {
  const action = ctx.action as unknown as EcsUpdateServiceAction;
  const target = ctx.target;
  if (!target) return { outcome: 'failed', error: 'This step needs a deployment target (an ECS cluster).' };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the step started.' };
  const cluster = target.cluster;
  const service = serviceName(action.service);
  const saved = savedProgress(ctx.previous);
  if (saved.ecsDeploymentId)
    ctx.log.info(
      `Resuming: an earlier attempt started ECS deployment ${saved.ecsDeploymentId}; watching it rather than updating the service again if it is still rolling.`,
    );
  const tags = identifyingTags(ctx.variables.values, action.tags);
  const timeoutSeconds = action.timeoutMinutes * 60;
  // waitForDeployment off: watching ends as soon as our deployment exists.
  const notWaiting = new AbortController();
  let updated: UpdatedService | undefined;

  try {
    const clients = await ctx.aws();
    const template = action.templateTaskDefinition;
    if (template) ctx.log.verbose(`Template task definition: ${template}`);
    // Sensitive values go to Parameter Store before anything else changes, never into the revision.
    const containers = action.containers as ActionContainer[];
    const secrets = await deliverSecrets(
      {
        scope: secretScopeOf(ctx.variables.values, cluster, service),
        containers,
        sensitive: ctx.variables.sensitive,
        ...(action.secretsKmsKey ? { kmsKeyId: action.secretsKmsKey } : {}),
      },
      clients,
      (e) => logEvent(ctx.log, e),
    );
    logSsmCalls(ctx.log, secrets);
    let executionRole: string | undefined;
    const [result] = await deployServices(
      {
        cluster,
        services: [service],
        base: template ? { kind: 'described', taskDefinition: template } : { kind: 'current' },
        edit: (td) => {
          const plain = withoutPlanned(containers, secrets.delivered);
          const edited = applySecrets(
            editContainers(td, plain, (ref) => ctx.variables.values[`Octopus.Action.Package[${ref}].Image`]),
            containers.map((c) => ({ name: c.name, secrets: c.secrets ?? [], mode: c.environmentMode })),
            secrets.delivered,
            new Map(plain.map((c) => [c.name, c.environment.map((e) => e.name)])),
          );
          executionRole = requireExecutionRole(refusePlaintext(edited, ctx.variables.sensitive));
          return edited;
        },
        forceNewDeployment: action.forceNewDeployment,
        // Pruned only after our rollout succeeded, never a revision in use or the rollback target.
        ...(action.keepRevisions !== undefined ? { maxDefinitions: action.keepRevisions } : {}),
        // A resumed step updates to the revision it registered before it was cut short.
        ...(saved.taskDefinitionArn ? { registeredRevision: saved.taskDefinitionArn } : {}),
        timeoutSeconds,
        inactivityTimeoutSeconds: Math.min(DEPLOY_DEFAULTS.inactivityTimeoutSeconds, timeoutSeconds),
        ...(action.stopEcsDeploymentOnCancel === true ? { stopOnCancel: true } : {}),
        ...(action.earlySuccess !== undefined ? { earlySuccess: action.earlySuccess } : {}),
      },
      clients,
      {
        ...options,
        signal: AbortSignal.any([ctx.signal, notWaiting.signal]),
        progress: (e) => logEvent(ctx.log, e),
        // A PAUSE hook becomes a manual intervention whose answer continues or rolls back.
        paused: pauseAnswerer(
          ctx,
          clients.ecs,
          Array.isArray(action.pauseResponsibleTeams) ? action.pauseResponsibleTeams : [],
          saved as Record<string, unknown> & Progress,
        ),
        registered: async ({ taskDefinitionArn }) => {
          saved.taskDefinitionArn = taskDefinitionArn;
          await ctx.saveProgress({ ...saved });
          await tagRevision(clients.ecs, taskDefinitionArn, tags, ctx.log);
          // Before the service is updated: a role that may not read its secrets is named now.
          if (executionRole && secrets.delivered.length > 0)
            await verifySecretAccess(executionRole, secrets.delivered, clients, (e) => logEvent(ctx.log, e), {
              service,
              ...(action.secretsKmsKey ? { kmsKeyId: action.secretsKmsKey } : {}),
            });
        },
        updated: async (u) => {
          updated = u;
          saved.taskDefinitionArn = u.taskDefinitionArn;
          saved.ecsDeploymentId = u.deploymentId;
          await ctx.saveProgress({ ...saved });
          if (!action.waitForDeployment) notWaiting.abort();
        },
      },
    );
    const arn = result?.taskDefinitionArn;
    if (arn) setOutputs(ctx, arn, cluster, service);
    if (result?.outcome === 'succeeded' || result?.outcome === 'no-change') return { outcome: 'success' };
    return {
      outcome: 'failed',
      error: result?.message ?? `The deployment of ${service} ended without a result.`,
    };
  } catch (e) {
    if (ctx.signal.aborted)
      return {
        outcome: 'failed',
        error: 'Canceled: stopped watching the rollout (ECS may still be rolling).',
      };
    if (notWaiting.signal.aborted && updated) {
      setOutputs(ctx, updated.taskDefinitionArn, cluster, service);
      ctx.log.info(
        `Service ${service} was updated to ${updated.taskDefinitionArn}; not waiting for the rollout (waitForDeployment is off).`,
      );
      return { outcome: 'success' };
    }
    if (isSlipwayError(e)) return { outcome: 'failed', error: e.message };
    return { outcome: 'failed', error: describeAwsError(e) };
  }
}

/** One line with the SSM calls the delivery made (the figure the bench reports per deployment). */
function logSsmCalls(log: StepLog, secrets: SecretDelivery): void {
  if (secrets.delivered.length === 0) return;
  const written = secrets.delivered.filter((d) => d.written).length;
  log.info(
    `Delivered ${secrets.delivered.length} sensitive value(s) as secrets through Parameter Store (${written} written, ${secrets.delivered.length - written} unchanged); ` +
      `SSM calls: ${secrets.calls.getParameters} GetParameters, ${secrets.calls.putParameter} PutParameter.`,
  );
}

/** Adds the identifying tags to a revision we registered; a failure is a warning, not a failed step. */
async function tagRevision(
  ecs: { send: (c: TagResourceCommand) => Promise<unknown> },
  arn: string,
  tags: Tag[],
  log: StepLog,
): Promise<void> {
  if (tags.length === 0) return;
  try {
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags }));
    log.verbose(`Tagged ${arn}: ${tags.map((t) => `${t.key}=${t.value}`).join(', ')}`);
  } catch (e) {
    log.warning(`Could not tag ${arn}: ${describeAwsError(e)}`);
  }
}

function setOutputs(ctx: StepContext, arn: string, cluster: string, service: string): void {
  const { family, revision } = parseTaskDefinitionRef(arn);
  ctx.setOutput('TaskDefinitionFamily', family);
  ctx.setOutput('TaskDefinitionRevision', revision === undefined ? '' : String(revision));
  ctx.setOutput('TaskDefinitionArn', arn);
  ctx.setOutput('ClusterName', cluster);
  ctx.setOutput('ServiceName', service);
}
