/**
 * Runs one scenario against moto and the sandbox and judges the two: the sandbox's responses must have
 * moto's shape except for the listed deviations, and must fit AWS's model.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { motoUnavailableReason, startMoto, type MotoHandle } from '../helpers/moto.js';
import { diffShapes, modelProblems, unexplained, unused, type Deviation, type Target } from './support.js';

/** One recorded call of a scenario: a label, the model's operation name and the SDK's output. */
export interface Call {
  call: string;
  operation: string;
  output: unknown;
}

/** A scenario records its calls; `record` returns the output so the scenario can use it. */
export class Recorder {
  readonly calls: Call[] = [];
  /** Value checks that failed: `label: actual ≠ expected`, keyed by label. */
  readonly mismatches = new Map<string, string>();
  constructor(readonly target: Target) {}

  /**
   * A value check on what AWS returns (documented behaviour). Failures are collected, not thrown, so a
   * scenario runs to the end on both sides; the test then judges them (strict for the sandbox).
   */
  expect(label: string, actual: unknown, expected: unknown): void {
    try {
      assert.deepStrictEqual(actual, expected);
    } catch {
      this.mismatches.set(label, `${JSON.stringify(actual)} ≠ expected ${JSON.stringify(expected)}`);
    }
  }

  async record<T>(call: string, operation: string, promise: Promise<T>): Promise<T> {
    const output = await promise;
    this.calls.push({ call, operation, output });
    return output;
  }
}

export interface Pair {
  moto: MotoHandle | undefined;
  motoReason: string;
  sandbox: SandboxHandle;
  motoTarget(): Target;
  sandboxTarget(): Target;
  close(): Promise<void>;
}

export async function startPair(): Promise<Pair> {
  const [moto, sandbox] = await Promise.all([
    startMoto(),
    startSandbox({ port: 0, throttling: false, timeScale: 100 }),
  ]);
  return {
    moto,
    motoReason: moto ? '' : motoUnavailableReason(),
    sandbox,
    motoTarget() {
      if (!moto) throw new Error('moto is not running');
      return {
        name: 'moto',
        endpoint: moto.endpoint,
        region: moto.region,
        accountId: moto.accountId,
        credentials: moto.credentials,
      };
    },
    sandboxTarget() {
      return {
        name: 'sandbox',
        endpoint: sandbox.endpoint,
        region: sandbox.region,
        accountId: sandbox.accountId,
        credentials: sandbox.credentials,
      };
    },
    async close() {
      await Promise.allSettled([moto?.close(), sandbox.close()]);
    },
  };
}

/** Runs a scenario on both sides (concurrently) and returns their recorded calls. */
export interface Result {
  sandbox: Call[];
  moto: Call[];
  sandboxMismatches: Map<string, string>;
  motoMismatches: Map<string, string>;
}

/** Runs a scenario on both sides (concurrently) and returns their recorded calls and value checks. */
export async function runBoth(pair: Pair, scenario: (r: Recorder) => Promise<void>): Promise<Result> {
  const s = new Recorder(pair.sandboxTarget());
  const m = new Recorder(pair.motoTarget());
  await Promise.all([scenario(s), scenario(m)]);
  return { sandbox: s.calls, moto: m.calls, sandboxMismatches: s.mismatches, motoMismatches: m.mismatches };
}

/**
 * Value checks: every sandbox mismatch must be a known bug (`valueBugs`: label → reason; those are
 * checked by the todo test); moto's mismatches are reported as diagnostics (documented deviations of moto).
 */
export function assertValues(
  t: TestContext,
  result: Result,
  valueBugs: Readonly<Record<string, string>>,
): void {
  for (const [label, text] of result.motoMismatches) t.diagnostic(`moto differs from AWS: ${label}: ${text}`);
  const unexpected = [...result.sandboxMismatches].filter(([label]) => !(label in valueBugs));
  assert.deepEqual(unexpected, [], 'sandbox values follow AWS');
}

/** The known value bugs must be gone; used by todo tests. */
export function assertValueBugsFixed(result: Result, valueBugs: Readonly<Record<string, string>>): void {
  const remaining = [...result.sandboxMismatches].filter(([label]) => label in valueBugs);
  assert.deepEqual(remaining, [], 'known sandbox value bugs are fixed');
}

function pairUp(result: { sandbox: Call[]; moto: Call[] }): { call: Call; moto: Call }[] {
  assert.deepEqual(
    result.sandbox.map((c) => c.call),
    result.moto.map((c) => c.call),
    'both sides recorded the same calls',
  );
  return result.sandbox.map((call, i) => ({ call, moto: result.moto[i]! }));
}

/**
 * The strict comparison: every shape difference not in `deviations` fails, and so does any problem of a
 * sandbox response against AWS's model. Rows whose `follows` is 'moto' are known sandbox bugs: they are
 * left out here and checked by `assertKnownBugsFixed` (a todo test), so the rest stays strict.
 */
export function assertConforms(
  t: TestContext,
  service: string,
  result: Result,
  deviations: readonly Deviation[],
): void {
  const problems: string[] = [];
  for (const { call, moto } of pairUp(result)) {
    const diff = diffShapes(call.output, moto.output);
    for (const line of unexplained(call.call, diff, deviations)) problems.push(`${call.call}: ${line}`);
    for (const stale of unused(call.call, diff, deviations)) {
      if (stale.follows !== 'moto') problems.push(`${call.call}: deviation no longer seen: ${stale.path}`);
    }
    const model = modelProblems(service, call.operation, call.output);
    if (model === undefined) {
      t.diagnostic('botocore models not found: the AWS-model check was skipped');
    } else {
      const bugs = deviations.filter((d) => d.call === call.call && d.follows === 'moto').map((d) => d.path);
      for (const p of model) {
        if (!bugs.some((b) => p.startsWith(b))) problems.push(`${call.call} (sandbox vs AWS model): ${p}`);
      }
    }
    const motoModel = modelProblems(service, moto.operation, moto.output) ?? [];
    for (const p of motoModel) t.diagnostic(`moto vs AWS model, ${moto.call}: ${p}`);
  }
  assert.deepEqual(problems, [], 'sandbox responses have moto’s shape and fit the AWS model');
}

/** The known sandbox bugs (deviation rows with follows 'moto') must be gone; used by todo tests. */
export function assertKnownBugsFixed(result: Result, deviations: readonly Deviation[]): void {
  const remaining: string[] = [];
  for (const { call, moto } of pairUp(result)) {
    const diff = diffShapes(call.output, moto.output);
    const bugs = deviations.filter((d) => d.call === call.call && d.follows === 'moto');
    const stillSeen = bugs.filter((b) => !unused(call.call, diff, [b]).includes(b));
    for (const b of stillSeen) remaining.push(`${call.call}: ${b.side} ${b.path} — ${b.reason}`);
  }
  assert.deepEqual(remaining, [], 'known sandbox bugs are fixed');
}

/** The todo label of the known-bugs test: false when the table lists no sandbox bug. */
export function knownBugs(
  deviations: readonly Deviation[],
  valueBugs: Readonly<Record<string, string>> = {},
): string | false {
  const bugs = [
    ...new Set([
      ...deviations.filter((d) => d.follows === 'moto').map((d) => d.reason),
      ...Object.values(valueBugs),
    ]),
  ];
  return bugs.length === 0 ? false : `sandbox bug: ${bugs.join('; ')}`;
}

export interface Scenario {
  title: string;
  run(r: Recorder): Promise<void>;
}

/**
 * A describe block that starts moto and the sandbox once, runs each scenario on both and judges it, and
 * ends with the todo test of the known sandbox bugs. `extra` adds tests (e.g. error names) with the pair.
 */
export function conformanceSuite(options: {
  name: string;
  service: string;
  scenarios: Scenario[];
  deviations: readonly Deviation[];
  valueBugs?: Readonly<Record<string, string>>;
  extra?: (pair: () => Pair) => void;
}): void {
  const valueBugs = options.valueBugs ?? {};
  describe(options.name, () => {
    let pair: Pair | undefined;
    const results: Result[] = [];
    before(async () => {
      pair = await startPair();
    });
    after(async () => {
      await pair?.close();
    });
    const current = (): Pair => {
      if (!pair) throw new Error('the pair did not start');
      return pair;
    };
    for (const scenario of options.scenarios) {
      it(scenario.title, async (t) => {
        const p = current();
        if (!p.moto) return t.skip(`moto_server not found: ${p.motoReason}`);
        const result = await runBoth(p, (r) => scenario.run(r));
        results.push(result);
        assertValues(t, result, valueBugs);
        assertConforms(t, options.service, result, options.deviations);
      });
    }
    options.extra?.(current);
    it('known sandbox bugs are fixed', { todo: knownBugs(options.deviations, valueBugs) }, (t) => {
      const p = current();
      if (!p.moto) return t.skip(`moto_server not found: ${p.motoReason}`);
      for (const result of results) {
        assertKnownBugsFixed(result, options.deviations);
        assertValueBugsFixed(result, valueBugs);
      }
    });
  });
}

/** Skips the test when moto is not there; otherwise returns the two targets. */
export function targetsOrSkip(t: TestContext, pair: Pair): { sandbox: Target; moto: Target } | undefined {
  if (!pair.moto) {
    t.skip(`moto_server not found: ${pair.motoReason}`);
    return undefined;
  }
  return { sandbox: pair.sandboxTarget(), moto: pair.motoTarget() };
}
