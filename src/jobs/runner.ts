/**
 * Runs one deployment: load its facts, plan, run the steps group by group (start-with-previous
 * steps together, per-target steps on every target at once), persist each step × target so a run
 * picked up again on another node resumes, and end in success, failed or canceled.
 */
import { retryNotices } from './aws-retry-notices.js';
import type { PlannedStep, ProcessStep, StepVariables, TargetInfo } from '../core/deployments/index.js';
import type { Deployment } from '../core/model/release.js';
import type { StepProgress } from '../store/deployment-steps.js';
import type { OtherStep, StepExecutor, StepResult } from './executor.js';
import type { DeploymentInputs, RunControl, RunnerDeps, RunnerStore, RunOutcome } from './runner-deps.js';
import {
  awaitInterruption,
  buildStepContext,
  CanceledError,
  DeploymentLog,
  MaskedLog,
} from './step-context.js';
import { messageOf } from '../core/errors.js';

const key = (step: number, targetId: string) => `${step}\u0000${targetId}`;

/** `: <notes>` when the person wrote some. */
function notes(answered: { notes?: string | undefined }): string {
  return answered.notes ? `: ${answered.notes}` : '';
}

/** Runs (or resumes) deployment `deploymentId`. Never throws for a step's failure; throws when the store fails. */
export async function runDeployment(
  deps: RunnerDeps,
  deploymentId: string,
  control: RunControl,
): Promise<RunOutcome> {
  const { store } = deps;
  let deployment = await store.getById(deploymentId);
  if (deployment.state === 'queued') {
    deployment =
      (await store.transition(deploymentId, ['queued'], 'executing')) ?? (await store.getById(deploymentId));
  }
  if (deployment.state === 'cancelling') {
    await store.transition(deploymentId, ['cancelling'], 'canceled', { error: 'Canceled by request.' });
    return 'canceled';
  }
  if (deployment.state !== 'executing') return 'skipped';

  const log = new DeploymentLog(store, deploymentId, deps.now);
  // One signal for executors: canceled, or this node let go.
  const signal = AbortSignal.any([control.cancel.signal, control.abandon.signal]);
  const run = new Run(deps, deployment, log, signal, control);
  let outcome: RunOutcome;
  try {
    outcome = await run.execute();
  } catch (e) {
    if (control.abandon.signal.aborted) return 'abandoned';
    if (!(e instanceof CanceledError) && !control.cancel.signal.aborted) {
      // Planning or loading failed: the deployment fails with that message.
      run.root.error(messageOf(e));
      await log.flush().catch(() => {});
      await finish(store, deploymentId, 'failed', messageOf(e));
      return 'failed';
    }
    outcome = 'canceled';
  }
  if (control.abandon.signal.aborted) return 'abandoned';
  if (control.cancel.signal.aborted) outcome = 'canceled';
  run.root.info(
    outcome === 'success'
      ? 'Deployment succeeded.'
      : outcome === 'canceled'
        ? 'Deployment canceled.'
        : `Deployment failed: ${run.firstError}`,
  );
  await log.flush().catch(() => {});
  return finish(store, deploymentId, outcome, run.firstError);
}

/** Records the final state; a deployment someone asked to cancel ends canceled. */
async function finish(
  store: RunnerStore,
  id: string,
  outcome: RunOutcome,
  error: string | undefined,
): Promise<RunOutcome> {
  if (outcome === 'success' || outcome === 'failed') {
    const done = await store.transition(
      id,
      ['executing'],
      outcome,
      outcome === 'failed' ? { error: error ?? 'A step failed.' } : undefined,
    );
    if (done) return outcome;
  }
  await store.transition(id, ['executing', 'cancelling'], 'canceled', { error: 'Canceled by request.' });
  return 'canceled';
}

/** One run's state. */
class Run {
  readonly root: MaskedLog;
  firstError: string | undefined;
  #failed = false;
  #sensitive: string[] = [];
  readonly #logs: MaskedLog[] = [];
  #inputs!: DeploymentInputs;
  #prompted: Record<string, string> = {};
  #saved = new Map<string, StepProgress>();
  #outputs: Record<string, Record<string, string>> = {};
  #plan: PlannedStep[] = [];
  #sensitiveOutputs: Record<string, string[]> = {};

  constructor(
    private readonly deps: RunnerDeps,
    private readonly deployment: Deployment,
    private readonly log: DeploymentLog,
    private readonly signal: AbortSignal,
    private readonly control: RunControl,
  ) {
    this.root = this.#log([]);
  }

  #log(path: string[], own: readonly string[] = []): MaskedLog {
    const log = new MaskedLog(this.log, path, () => this.#sensitive, own);
    this.#logs.push(log);
    return log;
  }

  #addSensitive(values: readonly string[]): void {
    this.#sensitive.push(...values);
    for (const log of this.#logs) log.refresh();
  }

  async execute(): Promise<RunOutcome> {
    const { store, planner } = this.deps;
    const id = this.deployment.id;
    this.#inputs = await this.deps.load(this.deployment);
    this.#prompted = await store.prompted(id);
    this.#addSensitive(this.#inputs.snapshot.filter((v) => v.type === 'sensitive').map((v) => v.value));
    for (const saved of await store.steps(id)) {
      this.#saved.set(key(saved.step, saved.targetId), saved);
      if (saved.state === 'success') this.#recordOutputs(saved);
    }
    const plan = (this.#plan = planner.planDeployment(this.#inputs.facts));
    this.root.info(
      this.#saved.size > 0
        ? `Resuming ${this.#inputs.facts.deploymentName}.`
        : `Deploying ${this.#inputs.facts.deploymentName}.`,
    );
    const groups: PlannedStep[][] = [];
    for (const step of plan) {
      const last = groups.at(-1);
      if (last && last[0]!.group === step.group) last.push(step);
      else groups.push([step]);
    }
    for (const group of groups) {
      await Promise.all(group.map((step) => this.#step(step)));
      if (this.signal.aborted) throw new CanceledError();
    }
    return this.#failed ? 'failed' : 'success';
  }

  #recordOutputs(saved: StepProgress): void {
    const step = this.#inputs.facts.process.steps[saved.step];
    if (!step) return;
    const values = saved.outputs;
    this.#outputs[step.name] = { ...this.#outputs[step.name], ...values };
    // Stored are the names of the sensitive outputs (their values only encrypted, with the others).
    const names = saved.sensitiveOutputs;
    this.#noteSensitiveOutputs(step.name, names);
    this.#addSensitive(names.flatMap((n) => (values[n] === undefined ? [] : [values[n]])));
  }

  #noteSensitiveOutputs(stepName: string, names: readonly string[]): void {
    if (names.length === 0) return;
    this.#sensitiveOutputs[stepName] = [...new Set([...(this.#sensitiveOutputs[stepName] ?? []), ...names])];
  }

  #fail(message: string): void {
    this.#failed = true;
    this.firstError ??= message;
  }

  /** Another step of the process, its action evaluated with its own variables on `target`. */
  async #otherStep(name: string, target: TargetInfo | undefined): Promise<OtherStep | undefined> {
    const wanted = name.toLowerCase();
    const plan = this.#plan.find((s) => s.name.toLowerCase() === wanted);
    const processStep = plan && this.#inputs.facts.process.steps[plan.index];
    if (!plan || !processStep) return undefined;
    const variables = this.#variables(plan, target);
    try {
      const action = await this.deps.planner.evaluateAction(processStep.action, variables);
      return { action, values: variables.values };
    } finally {
      // What it derived from secrets is masked like the step's own.
      this.#addSensitive(variables.sensitive);
    }
  }

  #variables(step: PlannedStep, target?: TargetInfo): StepVariables {
    return this.deps.planner.stepVariables({
      facts: this.#inputs.facts,
      snapshot: this.#inputs.snapshot,
      tenantValues: this.#inputs.tenantValues,
      ...(this.#inputs.sensitiveTenantValues
        ? { sensitiveTenantValues: this.#inputs.sensitiveTenantValues }
        : {}),
      prompted: this.#prompted,
      outputs: this.#outputs,
      sensitiveOutputs: this.#sensitiveOutputs,
      step,
      ...(target ? { target } : {}),
    });
  }

  async #save(step: PlannedStep, targetId: string, update: Partial<StepProgress>): Promise<void> {
    if (this.control.abandon.signal.aborted) return;
    const k = key(step.index, targetId);
    const before = this.#saved.get(k);
    const next: StepProgress = {
      step: step.index,
      targetId,
      state: before?.state ?? 'running',
      progress: before?.progress ?? {},
      outputs: before?.outputs ?? {},
      sensitiveOutputs: before?.sensitiveOutputs ?? [],
      ...update,
    };
    this.#saved.set(k, next);
    await this.deps.store.saveStep(this.deployment.id, next);
  }

  async #step(step: PlannedStep): Promise<void> {
    const facts = this.#inputs.facts;
    const log = this.#log([step.name]);
    if (step.excluded !== undefined) {
      if (!this.#saved.has(key(step.index, ''))) {
        log.info(`Skipped: ${step.excluded}`);
        await this.#save(step, '', { state: 'skipped' });
      }
      return;
    }
    const processStep = facts.process.steps[step.index];
    const executor = processStep ? this.deps.executors.get(processStep.action.type) : undefined;
    if (!processStep || !executor) {
      const message = `Step "${step.name}" has the type "${processStep?.action.type ?? '?'}", which this server cannot run. Remove the step or upgrade the server.`;
      log.error(message);
      this.#fail(message);
      return;
    }
    const targets = step.targetIds
      .map((id) => facts.targets.find((t) => t.id === id))
      .filter((t): t is TargetInfo => t !== undefined);
    const perTarget =
      executor.perTarget === true || (executor.perTarget === 'with-roles' && processStep.roles.length > 0);
    const units: (TargetInfo | undefined)[] = perTarget ? targets : [undefined];
    const done = (t: TargetInfo | undefined) => {
      const state = this.#saved.get(key(step.index, t?.id ?? ''))?.state;
      return state === 'success';
    };
    if (units.length > 0 && units.every(done)) {
      log.verbose('Already done before the deployment was resumed.');
      return;
    }
    let allowed: boolean;
    try {
      allowed = this.deps.planner.conditionAllows(step, this.#failed, this.#variables(step));
    } catch (e) {
      const message = `Step "${step.name}": its condition could not be evaluated: ${messageOf(e)}`;
      log.error(message);
      this.#fail(message);
      return;
    }
    if (!allowed) {
      log.info(
        step.condition === 'variable'
          ? `Skipped: its condition ${step.conditionExpression ?? ''} is false.`
          : `Skipped: it runs only ${step.condition === 'success' ? 'when every step before it succeeded' : 'when a step before it failed'}.`,
      );
      await this.#save(step, '', { state: 'skipped' });
      return;
    }
    if (processStep.roles.length > 0 && targets.length === 0) {
      const tenant = facts.tenant ? ` for tenant ${facts.tenant.name}` : ' (untenanted)';
      const message =
        `Step "${step.name}" has no target: no ECS cluster target has the role${processStep.roles.length > 1 ? 's' : ''} ` +
        `${processStep.roles.join(', ')} in environment ${facts.environment.name}${tenant}. ` +
        'Add the role to a target in that environment, or scope the step differently.';
      log.error(message);
      this.#fail(message);
      return;
    }
    log.info(
      `Running step "${step.name}"${perTarget ? ` on ${targets.map((t) => t.name).join(', ')}` : ''}.`,
    );
    await Promise.all(
      units.map((target) => (done(target) ? undefined : this.#unit(step, processStep, executor, target))),
    );
  }

  /** One step on one target (or once), with guided failure around it. */
  async #unit(
    step: PlannedStep,
    processStep: ProcessStep,
    executor: StepExecutor,
    target: TargetInfo | undefined,
  ): Promise<void> {
    const targetId = target?.id ?? '';
    const path = target ? [step.name, target.name] : [step.name];
    const k = key(step.index, targetId);
    for (;;) {
      if (this.signal.aborted) return;
      const saved = this.#saved.get(k);
      // A run resumed while a guided-failure question was open goes back to waiting for it.
      const result =
        saved?.state === 'failed' && this.deployment.guidedFailure
          ? { outcome: 'failed' as const, error: 'failed before the deployment was resumed' }
          : await this.#attempt(step, processStep, executor, target, path);
      if (this.signal.aborted) {
        // Only a cancel says so: a node letting go writes nothing more (another node resumes).
        if (this.control.cancel.signal.aborted && !this.control.abandon.signal.aborted) {
          this.#log(path).warning(
            result.outcome === 'failed' && result.error !== 'canceled' ? result.error : 'Canceled.',
          );
        }
        await this.#save(step, targetId, { state: 'canceled' }).catch(() => {});
        return;
      }
      if (result.outcome === 'success') return;
      const failure = `Step "${step.name}"${target ? ` on ${target.name}` : ''} failed: ${result.error}`;
      if (!this.deployment.guidedFailure) {
        this.#fail(failure);
        return;
      }
      const log = this.#log(path);
      log.warning('Guided failure: waiting for someone to choose retry, ignore or fail.');
      await this.log.flush().catch(() => {});
      const answered = await awaitInterruption(
        this.deps.store,
        this.deployment.id,
        {
          kind: 'guided-failure',
          step: step.name,
          ...(target ? { target: target.name } : {}),
          title: `${step.name}${target ? ` on ${target.name}` : ''} failed`,
          instructions: `${result.error}\n\nRetry the step, ignore the failure and continue, or fail the deployment.`,
          responsibleTeamIds: [],
        },
        { pollMs: this.deps.pollMs, signal: this.signal },
      );
      if (answered.answer === 'retry') {
        log.info(`Retrying (answered by ${answered.answeredBy ?? 'someone'}${notes(answered)}).`);
        // A fresh attempt: what the failed one saved (its ECS deployment, its question) is not resumed.
        await this.#save(step, targetId, { state: 'running', progress: {} });
        continue;
      }
      if (answered.answer === 'ignore') {
        log.warning(
          `Failure ignored (answered by ${answered.answeredBy ?? 'someone'}${notes(answered)}); the deployment continues.`,
        );
        await this.#save(step, targetId, { state: 'success' });
        return;
      }
      log.error(`Failed (answered by ${answered.answeredBy ?? 'someone'}${notes(answered)}).`);
      await this.#save(step, targetId, { state: 'failed' });
      this.#fail(failure);
      return;
    }
  }

  async #attempt(
    step: PlannedStep,
    processStep: ProcessStep,
    executor: StepExecutor,
    target: TargetInfo | undefined,
    path: string[],
  ): Promise<StepResult> {
    const targetId = target?.id ?? '';
    const k = key(step.index, targetId);
    let variables: StepVariables | undefined;
    let action: ProcessStep['action'];
    const log = this.#log(path);
    try {
      variables = this.#variables(step, target);
      log.addSensitive(variables.sensitive);
      action = await this.deps.planner.evaluateAction(processStep.action, variables);
      // Values computed from secrets (`#{Secret | ToLower}`) are masked in every log of the deployment.
      this.#addSensitive(variables.sensitive);
    } catch (e) {
      // evaluateAction adds what it derived from secrets even when it throws: mask it in the error too.
      if (variables) this.#addSensitive(variables.sensitive);
      const error = messageOf(e);
      log.error(error);
      await this.#save(step, targetId, { state: 'failed' });
      return { outcome: 'failed', error };
    }
    const previous = this.#saved.get(k)?.progress ?? {};
    const outputs: Record<string, string> = {};
    const sensitiveOutputs: string[] = [];
    await this.#save(step, targetId, { state: 'running' });
    const built = buildStepContext({
      deploymentId: this.deployment.id,
      step,
      ...(target ? { target } : {}),
      action,
      variables,
      previous,
      log,
      signal: this.signal,
      pollMs: this.deps.pollMs,
      interruptions: this.deps.store,
      ...(this.deps.teamNames
        ? { teamNames: (ids: readonly string[]) => this.deps.teamNames!(this.deployment.spaceId, ids) }
        : {}),
      saveProgress: (progress) => this.#save(step, targetId, { progress }),
      stepOf: (name) => this.#otherStep(name, target),
      clients: () => {
        if (!target) {
          return Promise.reject(
            new Error(`Step "${step.name}" runs without a target, so it has no AWS account to call.`),
          );
        }
        // Retries get a line now and then, so a step that waits on AWS says why.
        return this.deps.aws(
          this.deployment,
          target,
          retryNotices((event) => log.event(event)),
        );
      },
      onOutput: (name, value, sensitive) => {
        outputs[name] = value;
        if (sensitive) {
          sensitiveOutputs.push(name);
          this.#addSensitive([value]);
        }
      },
    });
    let result: StepResult;
    try {
      result = await executor.run(built.context);
    } catch (e) {
      result = { outcome: 'failed', error: e instanceof CanceledError ? 'canceled' : messageOf(e) };
    } finally {
      built.close();
    }
    if (this.signal.aborted) return result;
    if (result.outcome === 'failed') {
      log.error(result.error);
      await this.#save(step, targetId, { state: 'failed' });
      return result;
    }
    await this.#save(step, targetId, { state: 'success', outputs, sensitiveOutputs });
    this.#outputs[step.name] = { ...this.#outputs[step.name], ...outputs };
    this.#noteSensitiveOutputs(step.name, sensitiveOutputs);
    log.info('Succeeded.');
    return result;
  }
}
