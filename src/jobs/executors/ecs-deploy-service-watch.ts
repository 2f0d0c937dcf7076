/**
 * Watching the ECS rollout that a service stack's create or update started, while CloudFormation
 * works: once the stack's AWS::ECS::Service has a physical id and ECS lists a deployment made
 * since our stack operation began, that deployment is watched with the same watcher and judge as
 * `ecs-deploy` and the Update-service step (its typed `deploy.*` events go to the task log live).
 * The stack's final status stays the verdict; the watch adds the stopped tasks' reasons.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Deployment, ECSClient } from '@aws-sdk/client-ecs';
import { isSlipwayError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { judge, repeatedStopReason } from '../../core/rollout/judge.js';
import {
  parseTaskDefinitionRef,
  shortTaskDefinition,
  type StoppedTaskSnapshot,
} from '../../core/rollout/types.js';
import type { Clock } from '../../deploy/clock.js';
import { eventsUntil, type StackApi } from '../../deploy/cloudformation/api.js';
import type { StackOperation } from '../../deploy/cloudformation/index.js';
import { judgeConfigOf } from '../../deploy/outcome.js';
import { emitServiceEvents, say } from '../../deploy/progress.js';
import {
  describeServices,
  describeTasks,
  listTaskArns,
  stoppedTasksOf,
  toServiceSnapshot,
  toStoppedTask,
} from '../../deploy/snapshot.js';
import { stoppedTaskReasons, type StoppedTaskReason } from '../../deploy/stopped-tasks.js';
import { watchAll, watchItem, type WatchItem } from '../../deploy/watch.js';

/** ECS and CloudFormation timestamps may differ in precision: a deployment this close to the start is ours. */
const START_SLACK_MS = 1000;

/** What the rollout watch works with. */
export interface RolloutWatchInput {
  cfn: CloudFormationClient;
  ecs: ECSClient;
  cluster: string;
  emit: EventSink;
  /** Its pauses end (rejecting) when the watch is stopped. */
  clock: Clock;
  /** Stops the watch (the stack's operation ended, or the deployment was canceled). */
  signal: AbortSignal;
  /** Stops its AWS calls: the deployment was canceled (reads after the watch stopped still go). */
  cancel: AbortSignal;
  pollMs: number;
  /** The judge's overall limit (the step's wait timeout). */
  timeoutSeconds: number;
}

/** The ECS deployment of the stack operation being watched, once found. */
interface Tracked {
  item: WatchItem;
  serviceName: string;
}

/** Watches the rollout of the stack operation it is told about (`follow`) until stopped. */
export class RolloutWatch {
  #op: (StackOperation & { stackId: string }) | undefined;
  /** The task definition revision our operation registered (from its stack events), once seen. */
  #revision: string | undefined;
  /** Our operation began rolling back before its deployment was found: nothing more to find. */
  #rolledBack = false;
  #tracked: Tracked | undefined;
  readonly #api: StackApi;

  constructor(private readonly input: RolloutWatchInput) {
    this.#api = { cfn: input.cfn, signal: input.cancel };
  }

  /** The stack operation whose rollout to watch (a delete is not watched). */
  follow(op: StackOperation & { stackId: string }): void {
    if (op.kind === 'delete') return;
    this.#op = op;
    this.#revision = undefined;
    this.#rolledBack = false;
  }

  /** The ECS deployment being watched, if one was found. */
  get deploymentId(): string | undefined {
    return this.#tracked?.item.tracking.deploymentId;
  }

  /**
   * Polls until the operation's ECS deployment appears, then watches it to a verdict; resolves
   * then, or rejects with the signal's reason once stopped. Reading errors only delay it.
   */
  async run(): Promise<void> {
    const { clock } = this.input;
    for (;;) {
      clock.check();
      const found = await this.#find().catch((e: unknown) => {
        if (this.input.signal.aborted) throw e;
        return undefined;
      });
      if (found) {
        this.#tracked = found;
        await this.#watch(found);
        return;
      }
      if (this.#rolledBack) return;
      await clock.pause(this.input.pollMs);
    }
  }

  /**
   * The stopped tasks of the watched deployment (or, when none was found in time, of the revision
   * our operation registered) and why each stopped.
   */
  async stoppedTasks(): Promise<StoppedTaskReason[]> {
    const t = this.#tracked;
    let tasks: StoppedTaskSnapshot[];
    try {
      if (t) {
        tasks = await stoppedTasksOf(
          this.input.ecs,
          this.input.cluster,
          t.item.tracking.deploymentId,
          t.item.stopped,
        );
      } else {
        if (this.#revision === undefined && this.#op) await this.#scan(this.#op);
        tasks = this.#revision ? await this.#stoppedOfRevision(this.#revision) : [];
      }
    } catch {
      // Evidence only: what was read before (the cache) still counts.
      tasks = t ? [...t.item.stopped.values()] : [...this.#stopped.values()];
    }
    return stoppedTaskReasons(tasks);
  }

  readonly #stopped = new Map<string, StoppedTaskSnapshot>();

  /** Stopped tasks of `revision` in the cluster (ECS keeps them for a while after they stop). */
  async #stoppedOfRevision(revision: string): Promise<StoppedTaskSnapshot[]> {
    const { ecs, cluster } = this.input;
    const family = parseTaskDefinitionRef(revision).family;
    const arns = await listTaskArns(ecs, { cluster, desiredStatus: 'STOPPED', family });
    const fresh = arns.filter((a) => !this.#stopped.has(a));
    for (const task of fresh.length ? await describeTasks(ecs, cluster, fresh) : []) {
      if (task.taskArn && task.lastStatus === 'STOPPED' && task.taskDefinitionArn === revision)
        this.#stopped.set(task.taskArn, toStoppedTask(task));
    }
    return [...this.#stopped.values()];
  }

  /** One sentence on the stopped tasks (the most frequent reason), or undefined when none failed. */
  async summary(): Promise<string | undefined> {
    const t = this.#tracked;
    const tasks = await this.stoppedTasks();
    const revision = t?.item.tracking.taskDefinitionArn ?? this.#revision;
    if (!revision || tasks.length === 0) return undefined;
    const top = repeatedStopReason([...(t ? t.item.stopped : this.#stopped).values()]);
    const rev = shortTaskDefinition(revision);
    return top
      ? `${tasks.length} task(s) of ${rev} stopped; ${top.count} of them: ${top.reason}`
      : `${tasks.length} task(s) of ${rev} stopped`;
  }

  /**
   * Our operation's stack events so far (its token), and when it began: the revision it registered
   * and whether it rolls back are learnt from them. Undefined until its first event is listed.
   */
  async #scan(op: StackOperation & { stackId: string }) {
    // Newest first: read back past our operation's oldest event (its token) to the one before it.
    let seen = false;
    const scan = await eventsUntil(this.#api, op.stackId, (e) => {
      if (e.token === op.token) seen = true;
      return seen && e.token !== op.token;
    });
    const mine = (scan?.events ?? []).filter((e) => e.token === op.token).reverse();
    const first = mine[0];
    if (!first) return undefined;
    const rollback = mine.findIndex(
      (e) => e.resourceType === 'AWS::CloudFormation::Stack' && e.status.includes('ROLLBACK'),
    );
    const forward = rollback < 0 ? mine : mine.slice(0, rollback);
    // The new revision: the task definition's completion (its first events may name the old one).
    this.#revision ??= forward.find(
      (e) =>
        e.resourceType === 'AWS::ECS::TaskDefinition' &&
        /^(CREATE|UPDATE)_COMPLETE$/.test(e.status) &&
        e.physicalResourceId.startsWith('arn:'),
    )?.physicalResourceId;
    if (rollback >= 0) this.#rolledBack = true;
    return { start: Date.parse(first.timestamp), mine };
  }

  /**
   * The operation's ECS deployment: on the service its events name, made since it began, of the
   * revision it registered (not the one ECS's breaker rolls back to); the oldest such.
   */
  async #find(): Promise<Tracked | undefined> {
    const op = this.#op;
    if (!op) return undefined;
    const scan = await this.#scan(op);
    if (!scan) return undefined;
    const service = scan.mine.find(
      (e) => e.resourceType === 'AWS::ECS::Service' && e.physicalResourceId.startsWith('arn:'),
    );
    if (!service) return undefined;
    const arn = service.physicalResourceId;
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const described = (await describeServices(this.input.ecs, this.input.cluster, [name])).get(name);
    if (!described) return undefined;
    const revision = this.#revision;
    const ours = oldest(
      (described.deployments ?? []).filter(
        (d) =>
          (d.createdAt?.getTime() ?? 0) >= scan.start - START_SLACK_MS &&
          (revision === undefined || d.taskDefinition === revision),
      ),
    );
    if (!ours?.id || !ours.taskDefinition) return undefined;
    const snapshot = toServiceSnapshot(described);
    const began = ours.createdAt?.getTime() ?? scan.start;
    const seen = snapshot.events.filter((e) => e.createdAt < began);
    const item = watchItem(name, ours.id, ours.taskDefinition, this.input.clock.now(), seen);
    say(
      this.input.emit,
      'deploy.attached',
      { service: name, cluster: this.input.cluster },
      `stack ${op.stackName} started ECS deployment ${ours.id} of ${shortTaskDefinition(ours.taskDefinition)}: watching it`,
      { deploymentId: ours.id, taskDefinitionArn: ours.taskDefinition, stackName: op.stackName },
    );
    return { item, serviceName: name };
  }

  /**
   * After the stack's operation ended: one more look at a deployment still without a verdict
   * (the stack may finish between two polls of the watch), so the log ends with its verdict.
   */
  async conclude(): Promise<void> {
    const t = this.#tracked;
    if (!t || t.item.verdict) return;
    try {
      const svc = (await describeServices(this.input.ecs, this.input.cluster, [t.serviceName])).get(
        t.serviceName,
      );
      if (!svc) return;
      const res = judge({
        snapshot: toServiceSnapshot(svc),
        now: this.input.clock.now(),
        tracking: t.item.tracking,
        config: this.#config(),
      });
      t.item.tracking = res.tracking;
      emitServiceEvents(this.input.emit, t.serviceName, res.newEvents);
      if (res.verdict.kind === 'succeeded' || res.verdict.kind === 'failed') t.item.verdict = res.verdict;
    } catch {
      // Evidence only: the stack's status is the verdict.
      return;
    }
    await this.#report(t);
  }

  #config() {
    return judgeConfigOf({ timeoutSeconds: this.input.timeoutSeconds });
  }

  /** Watches the deployment to a verdict and reports it (the step's outcome is the stack's). */
  async #watch(t: Tracked): Promise<void> {
    const ctx = {
      ecs: this.input.ecs,
      cluster: this.input.cluster,
      emit: this.input.emit,
      clock: this.input.clock,
      config: this.#config(),
    };
    try {
      await watchAll(ctx, [t.item]);
    } catch (e) {
      if (this.input.signal.aborted || !isSlipwayError(e)) throw e;
      return;
    }
    await this.#report(t);
  }

  /** Says how the deployment ended: succeeded, or failed with the stopped tasks' reasons. */
  async #report(t: Tracked): Promise<void> {
    const { emit, cluster } = this.input;
    const v = t.item.verdict;
    const subject = { service: t.serviceName, cluster };
    const id = t.item.tracking.deploymentId;
    const rev = shortTaskDefinition(t.item.tracking.taskDefinitionArn);
    if (v?.kind === 'succeeded') {
      say(emit, 'deploy.succeeded', subject, `deployment ${id} of ${rev} completed`, {
        deploymentId: id,
        taskDefinitionArn: t.item.tracking.taskDefinitionArn,
      });
      return;
    }
    if (v?.kind !== 'failed') return;
    // Read now: CloudFormation's rollback may delete the service and its tasks soon after.
    const tasks = await this.stoppedTasks();
    const more = tasks.length ? `; stopped tasks: ${tasks.map((x) => x.reason).join('; ')}` : '';
    say(
      emit,
      'deploy.failed',
      subject,
      `deployment ${id} of ${rev} failed: ${v.reason}${v.ecsRolledBack ? '; ECS rolled the service back' : ''}${more}`,
      {
        deploymentId: id,
        taskDefinitionArn: t.item.tracking.taskDefinitionArn,
        failure: v.failure,
        reason: v.reason,
        ecsRolledBack: v.ecsRolledBack,
        stoppedTasks: tasks,
      },
    );
  }
}

/** The oldest deployment of a list (by createdAt). */
function oldest(deployments: Deployment[]): Deployment | undefined {
  return [...deployments].sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0))[0];
}
