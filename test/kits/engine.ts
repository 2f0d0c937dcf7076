/**
 * Fixture for engine tests: the release fixture (a stored project, release and deployments),
 * the engine's lease table, facts built from the planner's fixtures (steps and targets chosen per
 * test), and fake executors whose runs the test can watch and release.
 */
import type { Backend } from '../helpers/postgres.js';
import type { ProcessStep, TargetInfo } from '../../src/core/deployments/index.js';
import { facts, step, target } from './deployment-plan.js';
import type { Deployment } from '../../src/core/model/release.js';
import { openReleaseModel } from './store-releases.js';
import { ACTOR, SPACE } from './store-resources.js';
import { createEngine, type EngineHandle, type EngineInternals } from '../../src/jobs/engine.js';
import type { StepContext, StepExecutor, StepResult } from '../../src/jobs/executor.js';

export { step, target };

/** Fast timings so tests take seconds. */
export const FAST: EngineInternals = {
  pollMs: 50,
  cancelPollMs: 100,
  heartbeatMs: 100,
  leaseStaleMs: 1500,
  recoverEveryMs: 200,
};

/** A step of the fake type `test` (`behaviour` picks the fake executor's behaviour). */
export function testStep(name: string, extra: Partial<ProcessStep> = {}, behaviour = 'ok'): ProcessStep {
  return step(name, { ...extra, action: { type: 'test', packages: [], behaviour } });
}

/** What the fake executor saw. */
export interface Call {
  step: string;
  target?: string;
  previous: Record<string, unknown>;
  signal: AbortSignal;
  at: number;
  endedAt?: number;
}

/** A fake executor type `test`; its behaviour is the action's `behaviour` property (see `behaviours`). */
export function fakeExecutor(
  behaviours: Record<string, (ctx: StepContext, call: Call) => Promise<StepResult>>,
  perTarget = false,
  type = 'test',
): { executor: StepExecutor; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    executor: {
      type,
      perTarget,
      async run(ctx) {
        const call: Call = {
          step: ctx.step.name,
          ...(ctx.target ? { target: ctx.target.name } : {}),
          previous: ctx.previous,
          signal: ctx.signal,
          at: Date.now(),
        };
        calls.push(call);
        const name = typeof ctx.action.behaviour === 'string' ? ctx.action.behaviour : 'ok';
        const behaviour = behaviours[name] ?? (async () => ({ outcome: 'success' as const }));
        try {
          return await behaviour(ctx, call);
        } finally {
          call.endedAt = Date.now();
        }
      },
    },
  };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Polls `check` every 20 ms until it returns true (fails after `ms`). */
export async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The fixture. */
export async function openEngineModel(backend: Backend) {
  const m = await openReleaseModel(backend);
  const release = await m.releases.create(SPACE, m.newRelease(), ACTOR);
  const processes = new Map<string, { steps: ProcessStep[]; targets: TargetInfo[] }>();
  const engines: EngineHandle[] = [];
  return {
    ...m,
    release,
    /** Stores a queued deployment whose process is `steps` (on `targets`). */
    async deployment(
      steps: ProcessStep[],
      options: { guidedFailure?: boolean; targets?: TargetInfo[] } = {},
    ): Promise<Deployment> {
      const [d] = await m.deployments.create(
        SPACE,
        [
          {
            projectId: m.project.id,
            releaseId: release.id,
            channelId: m.channel.id,
            environmentId: m.dev.id,
            skippedSteps: [],
            comments: '',
            guidedFailure: options.guidedFailure ?? false,
            prompted: {},
          },
        ],
        ACTOR,
      );
      processes.set(d!.id, { steps, targets: options.targets ?? [] });
      return d!;
    },
    /** Starts an engine on the fixture's store with these executors (stopped by `stopAll`). */
    async engine(executors: StepExecutor[], internals: EngineInternals = {}, concurrency?: number) {
      const engine = await createEngine(
        { store: m.store, secrets: m.secrets, executors, ...(concurrency ? { concurrency } : {}) },
        {
          ...FAST,
          ...internals,
          deps: {
            load: async (d) => {
              const p = processes.get(d.id)!;
              return {
                facts: facts({ deploymentId: d.id, process: { steps: p.steps }, targets: p.targets }),
                snapshot: [],
                tenantValues: {},
              };
            },
            ...internals.deps,
          },
        },
      );
      engines.push(engine);
      return engine;
    },
    async stopAll() {
      await Promise.all(engines.splice(0).map((e) => e.stop(2000)));
    },
    /** The open interruption of the deployment (waits for it). */
    async openInterruption(deploymentId: string) {
      let found: Awaited<ReturnType<typeof m.deployments.interruptions>>[number] | undefined;
      await until(async () => {
        found = (await m.deployments.interruptions(deploymentId)).find((i) => i.answer === undefined);
        return found !== undefined;
      });
      return found!;
    },
  };
}
