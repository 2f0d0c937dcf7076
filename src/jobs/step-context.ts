/**
 * What an executor sees of the engine: a log that masks every line (a coded event's data too) and
 * writes it to the task log in small batches, persisted progress, the target's AWS clients,
 * outputs and interruptions.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../aws/clients.js';
import type { CredentialSource } from '../aws/credentials.js';
import type { PlannedStep, ProcessStep, StepVariables, TargetInfo } from '../core/deployments/index.js';
import type { EventLevel, SlipwayEvent } from '../core/events.js';
import type { Interruption, InterruptionAnswer, TaskLogLine } from '../core/model/release.js';
import { createMasker, type Masker } from '../core/variables/mask.js';
import { awsAccountCredentials } from '../store/aws-credentials.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';
import type { OtherStep, StepContext, StepLog } from './executor.js';

/** The store calls a task log needs. */
export interface LogSink {
  appendLog(id: string, lines: Omit<TaskLogLine, 'seq'>[]): Promise<void>;
}

/** Largest batch written at once. */
const BATCH = 100;
/** How long a line may wait for its batch. */
const FLUSH_MS = 200;

/**
 * A deployment's log: lines are queued already masked and written in order, a batch at a time.
 * flush() resolves once everything queued so far is stored.
 */
export class DeploymentLog {
  readonly #queue: Omit<TaskLogLine, 'seq'>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;

  constructor(
    private readonly sink: LogSink,
    private readonly deploymentId: string,
    private readonly now: () => number,
  ) {}

  /** Queues a line (already masked; a coded event's data too). */
  add(
    path: string[],
    level: TaskLogLine['level'],
    message: string,
    event?: { code: string; data: Record<string, unknown> },
  ): void {
    this.#queue.push({ path, level, message, at: new Date(this.now()), ...event });
    if (this.#queue.length >= BATCH) void this.flush().catch(() => {});
    else this.#timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_MS);
  }

  /** Writes every queued line; rejects with the store's error if a write failed. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing = this.#writing.then(async () => {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, BATCH);
        try {
          await this.sink.appendLog(this.deploymentId, batch);
        } catch (e) {
          this.#failure ??= e;
        }
      }
    });
    return this.#writing.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
    });
  }
}

/** The task log level of an event level. */
export const EVENT_LINE_LEVEL: Record<EventLevel, TaskLogLine['level']> = {
  debug: 'verbose',
  info: 'info',
  warn: 'warning',
  error: 'error',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A JSON copy of `value` with every string masked (keys too), and every number whose digits are a
 * secret turned into the mask: event data is stored beside the message and must leak no more.
 * What JSON cannot hold (functions, undefined, symbols) is dropped, as JSON.stringify would.
 */
export function maskJson(masker: Masker, value: unknown): unknown {
  if (typeof value === 'string') return masker.mask(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    const masked = masker.mask(text);
    if (masked !== text) return masked;
    return typeof value === 'bigint' || !Number.isFinite(value) ? text : value;
  }
  if (typeof value === 'boolean' || value === null) return value;
  if (value instanceof Date) return masker.mask(value.toISOString());
  if (Array.isArray(value)) return value.map((v) => maskJson(masker, v) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const masked = maskJson(masker, v);
      if (masked !== undefined) out[masker.mask(k)] = masked;
    }
    return out;
  }
  return undefined;
}

/** A log under one path, masking with the deployment's secrets plus its own. */
export class MaskedLog implements StepLog {
  #extra: string[] = [];
  #masker: Masker;

  constructor(
    private readonly log: DeploymentLog,
    private readonly path: string[],
    private readonly secrets: () => readonly string[],
    own: readonly string[] = [],
  ) {
    this.#extra = [...own];
    this.#masker = this.#build();
  }

  #build(): Masker {
    return createMasker([...this.secrets(), ...this.#extra]);
  }

  /** Rebuilds the masker (the deployment learned new sensitive values). */
  refresh(): void {
    this.#masker = this.#build();
  }

  #line(level: TaskLogLine['level'], message: string): void {
    this.log.add(this.path, level, this.#masker.mask(message));
  }
  event(event: SlipwayEvent, level: TaskLogLine['level'] = EVENT_LINE_LEVEL[event.level]): void {
    const data = maskJson(this.#masker, event.data);
    this.log.add(this.path, level, this.#masker.mask(event.message), {
      code: event.code,
      data: isRecord(data) ? data : {},
    });
  }
  verbose(message: string): void {
    this.#line('verbose', message);
  }
  info(message: string): void {
    this.#line('info', message);
  }
  warning(message: string): void {
    this.#line('warning', message);
  }
  error(message: string): void {
    this.#line('error', message);
  }
  highlight(message: string): void {
    this.#line('highlight', message);
  }
  addSensitive(values: readonly string[]): void {
    this.#extra.push(...values);
    this.#masker = this.#build();
  }
}

/** The store calls interruptions need. */
export interface InterruptionStore {
  interrupt(
    id: string,
    interruption: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>,
  ): Promise<Interruption>;
  interruptions(id: string): Promise<Interruption[]>;
  /** Answers an open interruption as the system (CONFLICT-free: an answered one is left). Default: not offered. */
  settleInterruption?(
    id: string,
    interruptionId: string,
    answer: 'proceed' | 'abort',
    notes: string,
  ): Promise<void>;
}

/** Thrown out of a wait when the deployment is canceled (the executor returns promptly). */
export class CanceledError extends Error {
  constructor() {
    super('the deployment was canceled');
  }
}

/** Resolves after `ms`, or rejects with CanceledError when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CanceledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CanceledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for a person's answer to a question about this step × target, asked once: `resume` (an
 * interruption the step opened before its node died) is awaited whether answered or not; else an
 * open question of the same kind for the step × target (a resumed run) is reused; else one is
 * opened and `opened` is told its id. Polls the store, so an answer given on any node counts.
 */
export async function awaitInterruption(
  store: InterruptionStore,
  deploymentId: string,
  request: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>,
  options: {
    pollMs: number;
    signal: AbortSignal;
    resume?: string | undefined;
    opened?: ((id: string) => Promise<void>) | undefined;
  },
): Promise<Interruption> {
  const same = (i: Interruption) =>
    i.kind === request.kind && i.step === request.step && (i.target ?? '') === (request.target ?? '');
  const existing = (await store.interruptions(deploymentId)).filter(same);
  let current = options.resume === undefined ? undefined : existing.find((i) => i.id === options.resume);
  if (!current) {
    current = existing.find((i) => i.answer === undefined) ?? (await store.interrupt(deploymentId, request));
    await options.opened?.(current.id);
  }
  const id = current.id;
  while (current.answer === undefined) {
    await sleep(options.pollMs, options.signal);
    current = (await store.interruptions(deploymentId)).find((i) => i.id === id) ?? current;
  }
  return current;
}

/** What a step context is made of (built by the runner). */
export interface StepContextParts {
  deploymentId: string;
  step: PlannedStep;
  target?: TargetInfo;
  action: ProcessStep['action'];
  variables: StepVariables;
  previous: Record<string, unknown>;
  log: MaskedLog;
  signal: AbortSignal;
  pollMs: number;
  interruptions: InterruptionStore;
  saveProgress(progress: Record<string, unknown>): Promise<void>;
  /** Builds the target's clients (called at most once per context). */
  clients(): Promise<AwsClients>;
  /** Receives outputs as the executor sets them. */
  onOutput(name: string, value: string, sensitive: boolean): void;
  /** Names teams by id (default: none; the ids are shown). */
  teamNames?(ids: readonly string[]): Promise<string[]>;
  /** Another step of the process, evaluated for this target (default: not offered). */
  stepOf?(name: string): Promise<OtherStep | undefined>;
}

/** A StepContext plus what the runner needs back from it. */
export interface BuiltContext {
  context: StepContext;
  /** Closes the AWS clients, if any were made. */
  close(): void;
}

/** Builds the context one run of a step on one target gets. */
export function buildStepContext(parts: StepContextParts): BuiltContext {
  let clients: Promise<AwsClients> | undefined;
  const context: StepContext = {
    deploymentId: parts.deploymentId,
    step: parts.step,
    ...(parts.target ? { target: parts.target } : {}),
    action: parts.action,
    variables: parts.variables,
    previous: parts.previous,
    saveProgress: parts.saveProgress,
    log: parts.log,
    aws: () => (clients ??= parts.clients()),
    signal: parts.signal,
    setOutput: (name, value, sensitive = false) => {
      if (sensitive) parts.log.addSensitive([value]);
      parts.onOutput(name, value, sensitive);
    },
    ...(parts.teamNames ? { teamNames: parts.teamNames } : {}),
    ...(parts.stepOf ? { stepOf: parts.stepOf } : {}),
    ...(parts.interruptions.settleInterruption
      ? {
          settleInterruption: (interruptionId: string, answer: 'proceed' | 'abort', notes: string) =>
            parts.interruptions.settleInterruption!(parts.deploymentId, interruptionId, answer, notes),
        }
      : {}),
    interrupt: async (request) => {
      const answered = await awaitInterruption(
        parts.interruptions,
        parts.deploymentId,
        {
          kind: 'manual-intervention',
          step: parts.step.name,
          ...(parts.target ? { target: parts.target.name } : {}),
          title: request.title,
          instructions: request.instructions,
          responsibleTeamIds: request.responsibleTeamIds,
        },
        {
          pollMs: parts.pollMs,
          signal: request.signal ? AbortSignal.any([parts.signal, request.signal]) : parts.signal,
          resume: request.resume,
          opened: request.opened,
        },
      );
      return {
        interruptionId: answered.id,
        answer: answered.answer!,
        ...(answered.answeredBy === undefined ? {} : { answeredBy: answered.answeredBy }),
        ...(answered.notes === undefined ? {} : { notes: answered.notes }),
      };
    },
  };
  return {
    context,
    close: () => {
      if (clients) void clients.then((c) => c.destroy()).catch(() => {});
    },
  };
}

export type { InterruptionAnswer };

/**
 * A target's AWS clients: its account's credentials (ambient when it names none), the target's
 * role assumed on top when it has one, its region, and the ambient endpoint (the sandbox).
 */
export async function targetClients(
  store: Store,
  secrets: SecretBox,
  ambient: AmbientAws,
  spaceId: string,
  target: TargetInfo,
  options: AwsClientOptions = {},
): Promise<AwsClients> {
  const account = await awsAccountCredentials(store.db, secrets, spaceId, target.awsAccount, ambient);
  const role = target.assumeRole;
  const credentials: CredentialSource = role
    ? {
        kind: 'assume-role',
        roleArn: role.roleArn,
        ...(role.externalId === undefined ? {} : { externalId: role.externalId }),
        ...(role.sessionDurationSeconds === undefined
          ? {}
          : { durationSeconds: role.sessionDurationSeconds }),
        source: account,
      }
    : account;
  return createAwsClients(
    {
      region: target.region,
      credentials,
      ...(ambient.endpoint ? { endpoint: ambient.endpoint } : {}),
    },
    options,
  );
}
