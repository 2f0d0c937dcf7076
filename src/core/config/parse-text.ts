/**
 * Parses configuration text (YAML, or JSON, which YAML reads too) and validates it, with each bad
 * place's line in the message. The CLI reads files with it; the server's configuration routes read
 * what the web UI sends.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import { loadConfig, type DesiredState } from './config-file.js';
import type { DocPath } from './names.js';
import { SlipwayError } from '../errors.js';
/** How many times a file may expand aliases (`*name`) in all; more is a resource-exhaustion attack. */
const MAX_ALIAS_EXPANSIONS = 1000;

/** Parses and validates configuration text; `source` names it in messages. */
export function parseConfigText(text: string, source: string): DesiredState {
  const lines = new LineCounter();
  // YAML 1.2 core schema: no dates, no yes/no booleans; duplicate keys are errors.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem !== undefined) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `${source} is not valid YAML or JSON (nothing was applied): ${problem.message}`,
      { cause: problem },
    );
  }
  const locate = (path: DocPath): string | undefined => {
    // The deepest node that exists on the path: a missing field is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return `line ${lines.linePos(node.range[0]).line}`;
    }
    return undefined;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (e) {
    // The yaml library refuses a "billion laughs" (aliases of aliases that expand exponentially).
    throw new SlipwayError(
      'INVALID_INPUT',
      `${source} expands its YAML aliases (*name) more than ${MAX_ALIAS_EXPANSIONS} times, which a ` +
        'configuration file never needs (nothing was applied): write the repeated values out, or ' +
        'refer to each anchor (&name) from fewer places.',
      { cause: e },
    );
  }
  return loadConfig(value, source, locate);
}
