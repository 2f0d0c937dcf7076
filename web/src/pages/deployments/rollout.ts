/**
 * The rollout view's model, drawn from the task log's coded lines (src/core/events.ts; emitted in
 * src/deploy/ and src/jobs/executors/), never from their text: per step × target, each ECS service's
 * deployments table, its tasks started and stopped (with reasons and exit codes), ECS's service
 * events, a native strategy's stage and traffic weights, the verdict; and each CloudFormation stack's
 * events. Pure: `buildRollout(lines)` is rebuilt as lines arrive (coded lines are few).
 */
import { applyHookAnswered, applyPaused, applyStrategyState, type StrategyProgress } from './strategy.js';
import type { LogLine } from './types.js';

export type { StrategyProgress } from './strategy.js';

/**
 * One row of a `deploy.deployments` table (src/deploy/progress.ts DeploymentRow). For a strategy
 * deployment a row is a service revision: `status` TARGET (ours) or SOURCE (what it replaces),
 * `rolloutState` the service deployment's status, and the revision's traffic weights.
 */
export interface DeploymentRow {
  id: string;
  taskDefinition: string;
  status: string;
  rolloutState: string;
  desired: number;
  pending: number;
  running: number;
  failed: number;
  testWeight?: number;
  productionWeight?: number;
}

/** A task seen starting or stopping. */
export interface RolloutTask {
  /** The task id (the last part of its ARN). */
  id: string;
  taskDefinition?: string;
  startedAt?: string;
  stoppedAt?: string;
  /** Why it stopped (ECS's stop code and reason, or the failure's summary). */
  reason?: string;
  /** Containers that exited, with their exit codes. */
  exits: { container: string; exitCode?: number; reason?: string }[];
}

/** An ECS service event (ECS's own words). */
export interface ServiceEvent {
  id: string;
  at: string;
  text: string;
}

/** How the step's rollout of a service ended (or why it did nothing). */
export interface RolloutOutcome {
  kind: 'succeeded' | 'failed' | 'timed-out' | 'no-change';
  message: string;
  reason?: string;
  ecsRolledBack?: boolean;
}

/** One service's rollout in one step × target. */
export interface ServiceRollout {
  key: string;
  /** [step] or [step, target]. */
  path: string[];
  service: string;
  cluster?: string;
  /** `deploy.plan`'s action (register-and-update, update, attach, no-change). */
  action?: string;
  /** Our revision (family:revision). */
  taskDefinition?: string;
  /** Our ECS deployment id (or a strategy's service deployment ARN). */
  deploymentId?: string;
  deployments: DeploymentRow[];
  strategy?: StrategyProgress;
  tasks: RolloutTask[];
  events: ServiceEvent[];
  /** Why tasks stopped, when the verdict names it without single tasks. */
  stopReasons: string[];
  outcome?: RolloutOutcome;
  rollback?: { state: 'started' | 'succeeded' | 'failed'; message: string };
  lastAt: string;
}

/** One CloudFormation stack event (src/deploy/cloudformation/types.ts StackEventInfo). */
export interface StackEvent {
  eventId: string;
  logicalResourceId: string;
  resourceType: string;
  status: string;
  reason?: string;
  timestamp: string;
}

/** One stack's operation in one step × target. */
export interface StackRollout {
  key: string;
  path: string[];
  stackName: string;
  operation?: string;
  status?: string;
  succeeded?: boolean;
  waiting?: string;
  noChange?: string;
  events: StackEvent[];
  failures: StackEvent[];
  lastAt: string;
}

/** Everything the rollout view draws. */
export interface RolloutModel {
  services: ServiceRollout[];
  stacks: StackRollout[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** `family:revision` of a task definition ARN. */
export function shortRevision(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : arn;
}

/** A task id from its ARN (`arn:...:task/cluster/<id>`) or the id itself. */
export function taskIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The task ids an ECS service event names as started or stopped ("has started 2 tasks: (task a) (task b)."). */
export function tasksInEvent(text: string): { started: string[]; stopped: string[] } {
  const ids = (tail: string) => [...tail.matchAll(/\(task ([^)\s]+)\)/g)].map((m) => m[1]!);
  const started = /has started \d+ tasks?: (.*)$/.exec(text);
  const stopped = /has stopped \d+ running tasks?: (.*)$/.exec(text);
  return { started: started ? ids(started[1]!) : [], stopped: stopped ? ids(stopped[1]!) : [] };
}

function rowsOf(v: unknown): DeploymentRow[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r) => {
    const o = rec(r);
    if (!o) return [];
    const testWeight = num(o['testWeight']);
    const productionWeight = num(o['productionWeight']);
    return [
      {
        id: str(o['id']) ?? '',
        taskDefinition: str(o['taskDefinition']) ?? '',
        status: str(o['status']) ?? '',
        rolloutState: str(o['rolloutState']) ?? '',
        desired: num(o['desired']) ?? 0,
        pending: num(o['pending']) ?? 0,
        running: num(o['running']) ?? 0,
        failed: num(o['failed']) ?? 0,
        ...(testWeight !== undefined ? { testWeight } : {}),
        ...(productionWeight !== undefined ? { productionWeight } : {}),
      },
    ];
  });
}

function stackEventOf(d: Record<string, unknown>): StackEvent {
  return {
    eventId: str(d['eventId']) ?? '',
    logicalResourceId: str(d['logicalResourceId']) ?? '',
    resourceType: str(d['resourceType']) ?? '',
    status: str(d['status']) ?? '',
    ...(str(d['reason']) ? { reason: str(d['reason'])! } : {}),
    timestamp: str(d['timestamp']) ?? '',
  };
}

/** Builds the rollout model from the log's lines (plain lines are ignored). */
export function buildRollout(lines: readonly LogLine[]): RolloutModel {
  const services = new Map<string, ServiceRollout>();
  const stacks = new Map<string, StackRollout>();

  const serviceOf = (line: LogLine, name: string): ServiceRollout => {
    const key = `${line.path.join(' / ')}|${name}`;
    let s = services.get(key);
    if (!s) {
      s = {
        key,
        path: line.path,
        service: name,
        deployments: [],
        tasks: [],
        events: [],
        stopReasons: [],
        lastAt: line.at,
      };
      services.set(key, s);
    }
    s.lastAt = line.at;
    return s;
  };
  const taskOf = (s: ServiceRollout, id: string): RolloutTask => {
    let t = s.tasks.find((x) => x.id === id);
    if (!t) {
      t = { id, exits: [] };
      s.tasks.push(t);
    }
    return t;
  };

  for (const line of lines) {
    const code = line.code;
    const d = line.data;
    if (!code || !d) continue;
    if (code.startsWith('cfn.')) {
      const stackName = str(d['stackName']);
      if (!stackName) continue;
      const key = `${line.path.join(' / ')}|${stackName}`;
      let st = stacks.get(key);
      if (!st) {
        st = { key, path: line.path, stackName, events: [], failures: [], lastAt: line.at };
        stacks.set(key, st);
      }
      st.lastAt = line.at;
      switch (code) {
        case 'cfn.waiting':
          st.waiting = line.message;
          break;
        case 'cfn.operation-started':
          st.operation = str(d['operation']) ?? st.operation;
          delete st.waiting;
          break;
        case 'cfn.no-change':
          st.noChange = line.message;
          break;
        case 'cfn.stack-event': {
          const e = stackEventOf(d);
          if (!st.events.some((x) => x.eventId === e.eventId && e.eventId !== '')) st.events.push(e);
          if (e.logicalResourceId === stackName && e.resourceType === 'AWS::CloudFormation::Stack')
            st.status = e.status;
          break;
        }
        case 'cfn.stack-finished':
          st.status = str(d['status']) ?? st.status;
          st.succeeded = d['succeeded'] === true;
          st.operation = str(d['operation']) ?? st.operation;
          break;
        case 'cfn.failure-event':
          st.failures.push(stackEventOf(d));
          break;
      }
      continue;
    }
    if (!code.startsWith('deploy.') && !code.startsWith('task.')) continue;
    const name = str(d['service']) ?? str(d['family']);
    if (!name) continue;
    const s = serviceOf(line, name);
    s.cluster = str(d['cluster']) ?? s.cluster;
    switch (code) {
      case 'deploy.plan':
        s.action = str(d['action']) ?? s.action;
        break;
      case 'deploy.registered':
        if (str(d['taskDefinitionArn'])) s.taskDefinition = shortRevision(str(d['taskDefinitionArn'])!);
        break;
      case 'deploy.service-updated':
      case 'deploy.attached':
        s.deploymentId = str(d['deploymentId']) ?? s.deploymentId;
        if (str(d['taskDefinitionArn'])) s.taskDefinition = shortRevision(str(d['taskDefinitionArn'])!);
        break;
      case 'deploy.no-change':
        if (str(d['taskDefinitionArn'])) s.taskDefinition = shortRevision(str(d['taskDefinitionArn'])!);
        s.outcome = { kind: 'no-change', message: line.message };
        break;
      case 'deploy.deployments':
        s.deployments = rowsOf(d['deployments']);
        s.deploymentId = str(d['deploymentId']) ?? s.deploymentId;
        // A strategy deployment's rows come with where it stands (src/deploy/watch-strategy.ts).
        if (str(d['strategy']) || s.strategy) s.strategy = applyStrategyState(s.strategy, d);
        break;
      case 'deploy.service-event': {
        const text = str(d['text']) ?? line.message;
        const id = str(d['eventId']) ?? `${line.seq}`;
        const at = str(d['createdAt']) ?? line.at;
        if (!s.events.some((e) => e.id === id)) s.events.push({ id, at, text });
        const { started, stopped } = tasksInEvent(text);
        for (const t of started) taskOf(s, t).startedAt ??= at;
        for (const t of stopped) taskOf(s, t).stoppedAt ??= at;
        break;
      }
      case 'deploy.stage':
        s.strategy = applyStrategyState(s.strategy, d);
        s.deploymentId = str(d['serviceDeploymentArn']) ?? s.deploymentId;
        break;
      case 'deploy.paused':
        s.strategy = applyPaused(s.strategy, d);
        break;
      case 'deploy.hook-answered':
        s.strategy = applyHookAnswered(s.strategy, d, line.message);
        break;
      case 'task.started': {
        const arn = str(d['taskArn']);
        if (!arn) break;
        const t = taskOf(s, taskIdOf(arn));
        t.startedAt ??= line.at;
        if (str(d['taskDefinitionArn'])) t.taskDefinition = shortRevision(str(d['taskDefinitionArn'])!);
        break;
      }
      case 'task.stopped': {
        const arn = str(d['taskArn']);
        if (!arn) break;
        const t = taskOf(s, taskIdOf(arn));
        t.stoppedAt ??= line.at;
        const why = [str(d['stopCode']), str(d['stoppedReason'])].filter(Boolean).join(': ');
        if (why) t.reason = why;
        if (Array.isArray(d['containers']))
          t.exits = d['containers'].flatMap((c) => {
            const o = rec(c);
            if (!o) return [];
            const exitCode = num(o['exitCode']);
            const reason = str(o['reason']);
            return [
              {
                container: str(o['name']) ?? '',
                ...(exitCode !== undefined ? { exitCode } : {}),
                ...(reason ? { reason } : {}),
              },
            ];
          });
        break;
      }
      case 'deploy.succeeded':
        s.outcome = { kind: 'succeeded', message: line.message };
        if (s.strategy) delete s.strategy.paused;
        break;
      case 'deploy.failed':
      case 'deploy.timeout': {
        const reason = str(d['reason']);
        s.outcome = {
          kind: code === 'deploy.failed' ? 'failed' : 'timed-out',
          message: line.message,
          ...(reason ? { reason } : {}),
          ...(typeof d['ecsRolledBack'] === 'boolean' ? { ecsRolledBack: d['ecsRolledBack'] } : {}),
        };
        if (s.strategy) delete s.strategy.paused;
        // Rolling deployments (both deployers), the CloudFormation step and a run task name the
        // stopped tasks one by one (src/deploy/stopped-tasks.ts).
        if (Array.isArray(d['stoppedTasks']))
          for (const x of d['stoppedTasks']) {
            const o = rec(x);
            const arn = str(o?.['taskArn']);
            if (!o || !arn) continue;
            const t = taskOf(s, taskIdOf(arn));
            t.stoppedAt ??= line.at;
            t.reason = str(o['reason']) ?? t.reason;
            if (str(o['taskDefinitionArn'])) t.taskDefinition = shortRevision(str(o['taskDefinitionArn'])!);
          }
        const arn = str(d['taskArn']);
        if (arn && reason) {
          const t = taskOf(s, taskIdOf(arn));
          t.reason ??= reason;
        } else if (reason && / stopped: /.test(reason) && !s.stopReasons.includes(reason)) {
          // "3 tasks of web:2 stopped: EssentialContainerExited: ... (container web exit code 2)".
          s.stopReasons.push(reason);
        }
        break;
      }
      case 'deploy.rollback-started':
        s.rollback = { state: 'started', message: line.message };
        break;
      case 'deploy.rollback-succeeded':
        s.rollback = { state: 'succeeded', message: line.message };
        break;
      case 'deploy.rollback-failed':
        s.rollback = { state: 'failed', message: line.message };
        break;
    }
  }
  return { services: [...services.values()], stacks: [...stacks.values()] };
}

/** True for the row of this deployment: ours by its ECS id, or a strategy's TARGET revision. */
export function isOurRow(s: ServiceRollout, r: DeploymentRow): boolean {
  return r.status === 'TARGET' || (r.id !== '' && r.id === s.deploymentId);
}

/** A service rollout's state in a word and a tone, for its badge. */
export function rolloutLook(s: ServiceRollout): {
  label: string;
  tone: 'success' | 'danger' | 'warning' | 'running' | 'neutral';
} {
  if (s.rollback?.state === 'failed') return { label: 'Rollback failed', tone: 'danger' };
  switch (s.outcome?.kind) {
    case 'succeeded':
      return { label: 'Success', tone: 'success' };
    case 'failed':
      return {
        label: s.outcome.ecsRolledBack || s.rollback ? 'Failed, rolled back' : 'Failed',
        tone: 'danger',
      };
    case 'timed-out':
      return { label: 'Timed out', tone: 'danger' };
    case 'no-change':
      return { label: 'No change', tone: 'neutral' };
  }
  if (s.strategy?.paused) return { label: 'Paused', tone: 'warning' };
  return { label: 'In progress', tone: 'running' };
}

/** The step × target a rollout belongs to, as words ("Deploy on hello"). */
export function whereOf(path: string[]): string {
  return path.length > 1 ? `${path[0]} on ${path.slice(1).join(' / ')}` : (path[0] ?? 'Deployment');
}
