/**
 * Choosing a release's channel when none is named: the default channel if its rules accept the
 * explicit package versions, else the only channel whose rules do.
 */
import { messageOf, SlipwayError } from '../errors.js';
import { compileChannelRule } from '../versions/index.js';
import {
  describeReference,
  describeRule,
  ruleFor,
  versionFits,
  type ChannelRuleDoc,
  type PackageReference,
  type PackageRequest,
} from './packages.js';

/** A channel as the chooser sees it. */
export interface ChannelChoice {
  id: string;
  name: string;
  isDefault: boolean;
  rules: readonly ChannelRuleDoc[];
}

/**
 * Why a channel refuses the explicit versions (e.g. `package "web" of step "Deploy" 1.4.2 is outside
 * range [2.0,3.0)`); undefined when it accepts them. A channel with an invalid rule refuses.
 */
export function channelRefusal(
  channel: ChannelChoice,
  explicit: PackageRequest['explicit'],
  references: readonly PackageReference[],
): string | undefined {
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  for (const entry of explicit) {
    for (const ref of references) {
      if (!same(entry.package, ref.package)) continue;
      if (entry.step !== undefined && !same(entry.step, ref.step)) continue;
      const rule = ruleFor(channel.rules, ref);
      if (rule === undefined) continue;
      let fits: boolean;
      try {
        fits = versionFits(entry.version, compileChannelRule(rule));
      } catch (e) {
        return `its rule for ${describeReference(ref)} is invalid (${messageOf(e)})`;
      }
      if (!fits) return `${entry.version} of ${describeReference(ref)} does not fit ${describeRule(rule)}`;
    }
  }
  return undefined;
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
  if (channels.length === 0) {
    throw new SlipwayError(
      'INVALID_INPUT',
      'The project has no channel. Create one (it becomes the default).',
    );
  }
  const refusals = new Map(channels.map((c) => [c.id, channelRefusal(c, explicit, references)]));
  const accepting = channels.filter((c) => refusals.get(c.id) === undefined);
  const defaultChannel = accepting.find((c) => c.isDefault);
  if (defaultChannel !== undefined) return defaultChannel;
  const only = accepting[0];
  if (accepting.length === 1 && only !== undefined) return only;
  if (accepting.length > 1) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `Several channels accept these package versions: ${accepting.map((c) => c.name).join(', ')}. ` +
        'Name the channel.',
      { data: { candidates: accepting.map((c) => c.name) } },
    );
  }
  const reasons = channels.map((c) => `${c.name}: ${refusals.get(c.id) ?? 'accepts'}`).join('; ');
  throw new SlipwayError(
    'INVALID_INPUT',
    `No channel accepts these package versions (${reasons}). ` +
      'Give versions that fit a channel, or name the channel and ignore its rules.',
    { data: { candidates: channels.map((c) => c.name) } },
  );
}
