/**
 * Pure release logic (octopus-model.md "Rules"): the next version from the project's template,
 * the package versions a release takes, the channel, the lifecycle's progression, tenant
 * selection and retention. No I/O: callers pass what the store and the feeds said.
 * version.ts, packages.ts, channel.ts, lifecycle.ts, tenants.ts, retention.ts; docs/releases.md.
 */
export {
  applyVersionMask,
  nextReleaseVersion,
  parseVersionMask,
  versionTemplateVariables,
  type VersionContext,
  type VersionMask,
} from './version.js';
export {
  describeRule,
  imageKey,
  ruleFor,
  selectPackageVersions,
  type ChannelRuleDoc,
  type PackageReference,
  type PackageRequest,
} from './packages.js';
export { channelRefusal, chooseChannel, type ChannelChoice } from './channel.js';
export {
  effectivePhases,
  lifecycleDecision,
  type EffectivePhase,
  type EnvironmentRef,
  type LifecycleDecision,
  type PhaseDoc,
  type ReleaseProgress,
} from './lifecycle.js';
export { channelAllowsTenant, selectTenants, type TenantChoice } from './tenants.js';
export { releasesToRemove, type RetentionCandidate, type RetentionPolicy } from './retention.js';
