/**
 * The channel editor's form and the document it becomes, and the package references of the
 * project's process that version rules apply to.
 */
import type { ChannelJson, ProcessJson, RuleJson } from './types.js';

/** A package reference of the process: step, package name, feed (id) and image. */
export interface PackageReference {
  step: string;
  package: string;
  feed: string;
  image: string;
}

/** One version rule being edited; `packages` holds referenceKey()s. */
export interface RuleForm {
  key: string;
  packages: string[];
  versionRange: string;
  preReleaseTag: string;
}

/** The channel being edited; `lifecycle` '' = the project's. */
export interface ChannelForm {
  name: string;
  description: string;
  lifecycle: string;
  isDefault: boolean;
  tenantTags: string[];
  rules: RuleForm[];
}

/** The document a POST or PUT of a channel takes. */
export interface ChannelDocument {
  name: string;
  description: string;
  lifecycle?: string;
  isDefault: boolean;
  rules: RuleJson[];
  tenantTags: string[];
}

let nextKey = 0;
function ruleKey(): string {
  nextKey += 1;
  return `rule-${nextKey}`;
}

/** One string for a step + package (names compare ignoring case, as the server's do). */
export function referenceKey(ref: { step: string; package: string }): string {
  return `${ref.step.toLowerCase()}\u0000${ref.package.toLowerCase()}`;
}

/** Every package reference of the process, in step order. */
export function packageReferences(process: ProcessJson | undefined): PackageReference[] {
  return (process?.steps ?? []).flatMap((step) =>
    (step.action.packages ?? []).map((p) => ({
      step: step.name,
      package: p.name,
      feed: p.feed,
      image: p.image,
    })),
  );
}

/** An empty channel form. */
export function emptyChannelForm(): ChannelForm {
  return { name: '', description: '', lifecycle: '', isDefault: false, tenantTags: [], rules: [] };
}

/** A new rule applying to `packages` (referenceKey()s). */
export function newRule(packages: string[] = []): RuleForm {
  return { key: ruleKey(), packages, versionRange: '', preReleaseTag: '' };
}

/** The form for a channel as read. */
export function channelToForm(c: ChannelJson): ChannelForm {
  return {
    name: c.name,
    description: c.description,
    lifecycle: c.lifecycle ?? '',
    isDefault: c.isDefault,
    tenantTags: [...c.tenantTags],
    rules: c.rules.map((r) => ({
      key: ruleKey(),
      packages: r.packages.map(referenceKey),
      versionRange: r.versionRange ?? '',
      preReleaseTag: r.preReleaseTag ?? '',
    })),
  };
}

/**
 * The document for a form. A rule's package keys become `{ step, package }` with the names the
 * process has (`refs`); a key the process no longer has is kept as it was written.
 */
export function formToChannel(f: ChannelForm, refs: readonly PackageReference[]): ChannelDocument {
  const byKey = new Map(refs.map((r) => [referenceKey(r), r]));
  return {
    name: f.name.trim(),
    description: f.description,
    ...(f.lifecycle === '' ? {} : { lifecycle: f.lifecycle }),
    isDefault: f.isDefault,
    tenantTags: f.tenantTags,
    rules: f.rules.map((r) => ({
      packages: r.packages.map((key) => {
        const ref = byKey.get(key);
        const [step = '', pkg = ''] = key.split('\u0000');
        return ref ? { step: ref.step, package: ref.package } : { step, package: pkg };
      }),
      ...(r.versionRange.trim() === '' ? {} : { versionRange: r.versionRange.trim() }),
      ...(r.preReleaseTag === '' ? {} : { preReleaseTag: r.preReleaseTag }),
    })),
  };
}

/** A rule in words: "range [1.0,2.0) and pre-release tag matching ^$", or "any version". */
export function describeRule(rule: { versionRange?: string; preReleaseTag?: string }): string {
  const parts: string[] = [];
  if (rule.versionRange !== undefined && rule.versionRange.trim() !== '')
    parts.push(`range ${rule.versionRange}`);
  if (rule.preReleaseTag !== undefined && rule.preReleaseTag !== '')
    parts.push(`pre-release tag matching ${rule.preReleaseTag}`);
  return parts.length === 0 ? 'any version' : parts.join(' and ');
}
