/**
 * Test support for the executors: a fake StepContext that collects log lines (masked, as the real
 * log does), outputs and saved progress, with AWS clients of the caller's choice.
 */
import type { AwsClients } from '../../src/aws/clients.js';
import type { TargetInfo } from '../../src/core/deployments/index.js';
import type { InterruptionAnswer } from '../../src/core/model/release.js';
import { createMasker } from '../../src/core/variables/mask.js';
import type { StepContext } from '../../src/jobs/executor.js';
import { EVENT_LINE_LEVEL, maskJson } from '../../src/jobs/step-context.js';

/** A log line as collected (a coded event keeps its code and masked data, as the real log does). */
export interface CollectedLine {
  level: 'verbose' | 'info' | 'warning' | 'error' | 'highlight';
  message: string;
  code?: string;
  data?: Record<string, unknown>;
}

/** What a fake context collected. */
export interface Collected {
  lines: CollectedLine[];
  outputs: Record<string, { value: string; sensitive: boolean }>;
  progress: Record<string, unknown>[];
  interrupts: { title: string; instructions: string; responsibleTeamIds: string[] }[];
  /** Every line's text, joined. */
  text(): string;
}

/** Options of fakeContext. */
export interface FakeContextOptions {
  action: Record<string, unknown> & { type: string };
  values?: Record<string, string>;
  sensitive?: string[];
  target?: TargetInfo;
  aws?: () => Promise<AwsClients>;
  previous?: Record<string, unknown>;
  signal?: AbortSignal;
  answer?: InterruptionAnswer;
  stepName?: string;
}

/** A target on `cluster`. */
export function fakeTarget(cluster: string, region = 'us-east-1'): TargetInfo {
  return {
    id: 'targets-1',
    name: 'target one',
    roles: ['web'],
    environments: ['environments-1'],
    tenantedParticipation: 'untenanted',
    tenants: [],
    tenantTags: [],
    region,
    cluster,
  };
}

/** A StepContext that records everything. */
export function fakeContext(o: FakeContextOptions): { ctx: StepContext; collected: Collected } {
  const secrets = [...(o.sensitive ?? [])];
  let masker = createMasker(secrets);
  const lines: CollectedLine[] = [];
  const collected: Collected = {
    lines,
    outputs: {},
    progress: [],
    interrupts: [],
    text: () => lines.map((l) => l.message).join('\n'),
  };
  const add = (level: CollectedLine['level']) => (message: string) =>
    void lines.push({ level, message: masker.mask(message) });
  const ctx: StepContext = {
    deploymentId: 'deployments-1',
    step: {
      index: 0,
      name: o.stepName ?? 'Step one',
      group: 0,
      targetIds: o.target ? [o.target.id] : [],
      condition: 'success',
      required: false,
    },
    ...(o.target ? { target: o.target } : {}),
    action: { packages: [], ...o.action } as StepContext['action'],
    variables: { values: o.values ?? {}, sensitive: o.sensitive ?? [] },
    previous: o.previous ?? {},
    saveProgress: (p) => {
      collected.progress.push(structuredClone(p));
      return Promise.resolve();
    },
    log: {
      verbose: add('verbose'),
      info: add('info'),
      warning: add('warning'),
      error: add('error'),
      highlight: add('highlight'),
      event: (e, level) =>
        void lines.push({
          level: level ?? EVENT_LINE_LEVEL[e.level],
          message: masker.mask(e.message),
          code: e.code,
          data: maskJson(masker, e.data) as Record<string, unknown>,
        }),
      addSensitive: (values) => {
        secrets.push(...values);
        masker = createMasker(secrets);
      },
    },
    aws: o.aws ?? (() => Promise.reject(new Error('no AWS in this test'))),
    signal: o.signal ?? new AbortController().signal,
    setOutput: (name, value, sensitive = false) => {
      collected.outputs[name] = { value, sensitive };
    },
    interrupt: (request) => {
      const { title, instructions, responsibleTeamIds } = request;
      collected.interrupts.push({ title, instructions, responsibleTeamIds });
      return Promise.resolve({ interruptionId: 'interruptions-1', answer: o.answer ?? 'proceed' });
    },
  };
  return { ctx, collected };
}
