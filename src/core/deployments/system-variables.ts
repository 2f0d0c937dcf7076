/**
 * The system variables of a step × target (octopus-model.md, "Rules"): project, environment,
 * release, deployment, tenant, step, machine and package references. docs/variables.md lists them.
 */
import { formatImageReference } from '../images/reference.js';
import type { SelectedPackage } from '../model/release.js';
import type { DeploymentFacts, ProcessStep, TargetInfo } from './types.js';

/** A version that is a digest (`sha256:<hex>`) goes after `@`, not `:`. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i;

/** `registry/repository:version`, or `registry/repository@digest` when the version is a digest. */
export function imageReference(registry: string, repository: string, version: string): string {
  return formatImageReference({
    registry,
    repository,
    ...(DIGEST.test(version) ? { digest: version } : { tag: version }),
  });
}

/** The release's chosen package for `step` and reference `ref` (names compared ignoring case). */
export function selectedPackage(
  packages: readonly SelectedPackage[],
  step: string,
  ref: string,
): SelectedPackage | undefined {
  const s = step.toLowerCase();
  const r = ref.toLowerCase();
  return packages.find((p) => p.step.toLowerCase() === s && p.package.toLowerCase() === r);
}

/**
 * PackageId, FeedId, and when known PackageVersion, Registry and Image of one package reference.
 * A reference the release has no version for leaves PackageVersion and Image out, so a template
 * using them reports them missing instead of deploying a guess.
 */
export function packageValues(
  ref: ProcessStep['action']['packages'][number],
  chosen: SelectedPackage | undefined,
  registries: Readonly<Record<string, string>>,
): Record<string, string> {
  const feedId = chosen?.feedId ?? ref.feed;
  const repository = chosen?.image ?? ref.image;
  const out: Record<string, string> = { PackageId: repository, FeedId: feedId };
  const registry = Object.prototype.hasOwnProperty.call(registries, feedId) ? registries[feedId] : undefined;
  if (registry !== undefined) out.Registry = registry;
  if (chosen !== undefined) {
    out.PackageVersion = chosen.version;
    if (registry !== undefined) out.Image = imageReference(registry, repository, chosen.version);
  }
  return out;
}

/** The system variables of `step` (on `target`, when it has one) in this deployment. */
export function systemVariables(
  facts: DeploymentFacts,
  step: ProcessStep,
  target: TargetInfo | undefined,
): Record<string, string> {
  const v: Record<string, string> = {
    'Octopus.Project.Id': facts.project.id,
    'Octopus.Project.Name': facts.project.name,
    'Octopus.Environment.Id': facts.environment.id,
    'Octopus.Environment.Name': facts.environment.name,
    'Octopus.Release.Id': facts.release.id,
    'Octopus.Release.Number': facts.release.version,
    'Octopus.Release.Notes': facts.release.notes,
    'Octopus.Release.Channel.Id': facts.release.channel.id,
    'Octopus.Release.Channel.Name': facts.release.channel.name,
    'Octopus.Deployment.Id': facts.deploymentId,
    'Octopus.Deployment.Name': facts.deploymentName,
    'Octopus.Deployment.CreatedBy.Username': facts.createdBy,
    'Octopus.Action.Name': step.name,
    'Octopus.Step.Name': step.name,
  };
  if (facts.project.slug !== undefined) v['Octopus.Project.Slug'] = facts.project.slug;
  if (facts.tenant !== undefined) {
    v['Octopus.Deployment.Tenant.Id'] = facts.tenant.id;
    v['Octopus.Deployment.Tenant.Name'] = facts.tenant.name;
    v['Octopus.Deployment.Tenant.Tags'] = facts.tenant.tags.join(', ');
  }
  if (target !== undefined) {
    v['Octopus.Machine.Id'] = target.id;
    v['Octopus.Machine.Name'] = target.name;
    v['Octopus.Machine.Roles'] = target.roles.join(', ');
  }
  for (const ref of step.action.packages) {
    const values = packageValues(ref, selectedPackage(facts.packages, step.name, ref.name), facts.registries);
    for (const [key, value] of Object.entries(values)) {
      v[`Octopus.Action.Package[${ref.name}].${key}`] = value;
      v[`Octopus.Action[${step.name}].Package[${ref.name}].${key}`] = value;
    }
  }
  return v;
}
