/**
 * Versions from image tags, version ranges and channel rules (octopus-model.md). Pure: no I/O.
 * parse.ts: tag → Version; compare.ts: ordering; range.ts: NuGet/Maven intervals; rule.ts: channel rules.
 */
export { formatVersion, parseVersion, type Version } from './parse.js';
export { comparePrecedence, comparePrerelease, compareVersions } from './compare.js';
export {
  formatVersionRange,
  parseVersionRange,
  satisfiesRange,
  VALID_RANGE_FORMS,
  type VersionRange,
} from './range.js';
export {
  compileChannelRule,
  matchesChannelRule,
  matchesCompiledRule,
  matchingVersions,
  validateChannelRule,
  type ChannelRule,
  type CompiledChannelRule,
} from './rule.js';
