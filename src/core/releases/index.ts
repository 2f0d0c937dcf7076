/**
 * Pure release logic (octopus-model.md "Rules"): the next version from the project's template,
 * the package versions a release takes, the channel, the lifecycle's progression, tenant
 * selection and retention. No I/O: callers pass what the store and the feeds said.
 * CONTRACT: signatures fixed; bodies are being written.
 */
import { SlipwayError } from '../errors.js';
import type { SelectedPackage } from '../model/release.js';

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'release logic is not built yet');
}

/** What the version template sees: earlier release versions of the project (any order) and the clock. */
export interface VersionContext {
  previousVersions: readonly string[];
  now: Date;
  /** Project variables (unscoped values) and package versions (`Octopus.Action.Package[ref].PackageVersion`). */
  variables?: Record<string, string>;
}

/**
 * The next release version from `template` (the `#{...}` language with Octopus.Version.LastX and NextX,
 * Octopus.Version.Channel.X, Octopus.Date.X, Octopus.Time.X) or a mask like `1.2.i` / `1.c.i`
 * (i = increment the last release's part, c = keep it). INVALID_INPUT when it renders empty or
 * references something unknown.
 */
export function nextReleaseVersion(template: string, context: VersionContext): string {
  void [template, context];
  return notBuilt();
}

/** A package reference of the process: its step, name, feed and image. */
export interface PackageReference {
  step: string;
  package: string;
  feedId: string;
  image: string;
}

/** A channel's version rule (from the channel document). */
export interface ChannelRuleDoc {
  packages: { step: string; package: string }[];
  versionRange?: string;
  preReleaseTag?: string;
}

/** What the caller asked for: per package (optionally per step), and a default for the rest. */
export interface PackageRequest {
  explicit: { step?: string; package: string; version: string }[];
  defaultVersion?: string;
  /** Skip checking explicit versions against the channel's rules. */
  ignoreChannelRules?: boolean;
}

/**
 * The version of every package reference: explicit, else the default, else the newest tag in
 * `tagsByImage` (feedId + image → tags) satisfying the channel's rule for that reference.
 * INVALID_INPUT naming the reference when none fits, or when an explicit version breaks the rule.
 */
export function selectPackageVersions(
  references: readonly PackageReference[],
  rules: readonly ChannelRuleDoc[],
  request: PackageRequest,
  tagsByImage: ReadonlyMap<string, readonly string[]>,
): SelectedPackage[] {
  void [references, rules, request, tagsByImage];
  return notBuilt();
}

/** The key `tagsByImage` uses. */
export function imageKey(feedId: string, image: string): string {
  return `${feedId}\u0000${image}`;
}

/** A channel as the chooser sees it. */
export interface ChannelChoice {
  id: string;
  name: string;
  isDefault: boolean;
  rules: readonly ChannelRuleDoc[];
}

/**
 * The channel for a new release when none is named: the default one if its rules accept the
 * explicit versions, else the only one that does; INVALID_INPUT listing the candidates otherwise.
 */
export function chooseChannel(
  channels: readonly ChannelChoice[],
  explicit: PackageRequest['explicit'],
  references: readonly PackageReference[],
): ChannelChoice {
  void [channels, explicit, references];
  return notBuilt();
}

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
}

/** The phases of a lifecycle with its defaults applied, over the space's environments. */
export function effectivePhases(
  phases: readonly PhaseDoc[],
  environments: readonly EnvironmentRef[],
): EffectivePhase[] {
  void [phases, environments];
  return notBuilt();
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

/** The lifecycle's rules applied to a release's progress. */
export function lifecycleDecision(
  phases: readonly EffectivePhase[],
  progress: ReleaseProgress,
): LifecycleDecision {
  void [phases, progress];
  return notBuilt();
}

/** A tenant as selection sees it. */
export interface TenantChoice {
  id: string;
  name: string;
  tags: readonly string[];
  /** projectId → environment ids it is connected to. */
  connections: ReadonlyMap<string, readonly string[]>;
}

/**
 * The tenants a deployment of `projectId` to `environmentId` goes to: named ones (names or ids,
 * ignoring case), `*` = every connected tenant, plus those matching the tag expression (OR within
 * a tag set, AND across sets); each must be connected (INVALID_INPUT naming those that are not).
 */
export function selectTenants(
  tenants: readonly TenantChoice[],
  request: { names: readonly string[]; tags: readonly string[] },
  projectId: string,
  environmentId: string,
): TenantChoice[] {
  void [tenants, request, projectId, environmentId];
  return notBuilt();
}

/** A release's age and whether it is deployed somewhere now. */
export interface RetentionCandidate {
  id: string;
  version: string;
  createdAt: Date;
  /** Currently the latest deployment in some environment (never removed). */
  current: boolean;
}

/** The releases to delete under `policy` (keep all / newest N / N days), never a current one. */
export function releasesToRemove(
  candidates: readonly RetentionCandidate[],
  policy: { keep: 'all' } | { keep: 'count'; count: number } | { keep: 'days'; days: number },
  now: Date,
): string[] {
  void [candidates, policy, now];
  return notBuilt();
}
