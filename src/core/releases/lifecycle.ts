/**
 * Lifecycle progression (octopus-model.md "Rules"): the phases with their defaults applied, and which
 * environments a release may be deployed to now given where it has succeeded.
 */

/** An environment in lifecycle order. */
export interface EnvironmentRef {
  id: string;
  name: string;
  sortOrder: number;
}

/** A lifecycle phase with environment ids (as stored). */
export interface PhaseDoc {
  name: string;
  automaticEnvironments: string[];
  manualEnvironments: string[];
  minimumEnvironmentsBeforePromotion: number;
  optional: boolean;
}

/** A phase after the lifecycle's defaults apply (no phases → one per environment; empty phase → the rest). */
export interface EffectivePhase {
  name: string;
  automatic: string[];
  manual: string[];
  /** How many of the phase's environments must succeed before the next phase opens. */
  required: number;
  optional: boolean;
  /** Environment id → name, for messages (default: ids are shown). */
  environmentNames?: Record<string, string>;
}

/** Environments by sort order, then name, so the order does not depend on how the store listed them. */
function inOrder(environments: readonly EnvironmentRef[]): EnvironmentRef[] {
  return [...environments].sort(
    (a, b) => a.sortOrder - b.sortOrder || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * The phases of a lifecycle with its defaults applied, over the space's environments: no phases → one
 * manual phase per environment in sort order; the first phase without environments covers every
 * environment no other phase names (manual); `required` = the minimum, or all of the phase's when 0.
 */
export function effectivePhases(
  phases: readonly PhaseDoc[],
  environments: readonly EnvironmentRef[],
): EffectivePhase[] {
  const ordered = inOrder(environments);
  const names: Record<string, string> = Object.fromEntries(ordered.map((e) => [e.id, e.name]));
  if (phases.length === 0) {
    return ordered.map((env) => ({
      name: env.name,
      automatic: [],
      manual: [env.id],
      required: 1,
      optional: false,
      environmentNames: names,
    }));
  }
  const named = new Set(phases.flatMap((p) => [...p.automaticEnvironments, ...p.manualEnvironments]));
  let restTaken = false;
  return phases.map((phase) => {
    let automatic = [...phase.automaticEnvironments];
    let manual = [...phase.manualEnvironments];
    if (automatic.length === 0 && manual.length === 0 && !restTaken) {
      // Octopus's "any environment" phase; only the first such phase takes them (one phase per environment).
      restTaken = true;
      automatic = [];
      manual = ordered.filter((e) => !named.has(e.id)).map((e) => e.id);
    }
    const count = automatic.length + manual.length;
    const minimum = phase.minimumEnvironmentsBeforePromotion;
    const required = minimum > 0 ? Math.min(minimum, count) : count;
    return {
      name: phase.name,
      automatic,
      manual,
      required,
      optional: phase.optional,
      environmentNames: names,
    };
  });
}

/** Where a release (for one tenant, or untenanted) stands: the environments where it succeeded. */
export interface ReleaseProgress {
  succeededEnvironmentIds: ReadonlySet<string>;
  /** Environments with any deployment of this release (redeploys are always allowed there). */
  attemptedEnvironmentIds: ReadonlySet<string>;
}

/** Which environments a release may be deployed to now, and why the others not. */
export interface LifecycleDecision {
  allowed: string[];
  /** Environment id → reason it is not allowed now ("Phase Test is not complete: ..."). */
  refused: Record<string, string>;
  /** Environments of the phases now open that deploy automatically and have not been attempted. */
  automatic: string[];
}

function list(items: string[], word: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1] ?? ''}`;
}

/** Why a phase is not complete, naming what is missing. */
function incompleteReason(phase: EffectivePhase, succeeded: string[]): string {
  const name = (id: string): string => phase.environmentNames?.[id] ?? id;
  const all = [...phase.automatic, ...phase.manual];
  const missing = all.filter((id) => !succeeded.includes(id)).map(name);
  const needed = phase.required - succeeded.length;
  const deploy =
    needed === missing.length
      ? `deploy to ${list(missing, 'and')}`
      : `deploy to ${needed} more of ${list(missing, 'or')}`;
  return (
    `Phase "${phase.name}" is not complete: ${succeeded.length} of the ${phase.required} ` +
    `environment${phase.required === 1 ? '' : 's'} it needs succeeded; ${deploy} first.`
  );
}

/**
 * The lifecycle's rules applied to a release's progress: a phase is open when every earlier
 * non-optional phase has `required` successes (the first is always open); environments already
 * attempted are always allowed (redeploy). Environments in no phase are neither allowed nor refused.
 */
export function lifecycleDecision(
  phases: readonly EffectivePhase[],
  progress: ReleaseProgress,
): LifecycleDecision {
  const decision: LifecycleDecision = { allowed: [], refused: {}, automatic: [] };
  let blocker: string | undefined;
  for (const phase of phases) {
    const environments = [...phase.automatic, ...phase.manual];
    for (const id of environments) {
      const attempted = progress.attemptedEnvironmentIds.has(id) || progress.succeededEnvironmentIds.has(id);
      if (blocker === undefined || attempted) {
        if (!decision.allowed.includes(id)) decision.allowed.push(id);
      } else decision.refused[id] = blocker;
      if (blocker === undefined && !attempted && phase.automatic.includes(id)) decision.automatic.push(id);
    }
    const succeeded = environments.filter((id) => progress.succeededEnvironmentIds.has(id));
    if (blocker === undefined && !phase.optional && succeeded.length < phase.required) {
      blocker = incompleteReason(phase, succeeded);
    }
  }
  return decision;
}
