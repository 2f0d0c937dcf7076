/**
 * Reading a template body: JSON when it parses as JSON, else CloudFormation YAML with its short
 * forms (`!Ref`, `!Sub`, ...), with AWS's "not well-formed" messages and line/column.
 */
import { CfnYamlError, parseCfnYaml } from '../../../core/cfn/yaml.js';
import { formatError } from './errors.js';

export interface ParsedBody {
  document: unknown;
  format: 'json' | 'yaml';
}

/** 1-based line and column of a character offset in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Where JSON.parse stopped: Node says "at position N" (or nothing at the end of the input). */
function jsonErrorOffset(error: unknown, body: string): number {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match?.[1] === undefined ? body.length : Number(match[1]);
}

/** Parses `body` as JSON or YAML; throws `Template format error: JSON|YAML not well-formed. ...`. */
export function parseBody(body: string): ParsedBody {
  try {
    return { document: JSON.parse(body) as unknown, format: 'json' };
  } catch (error) {
    // A body that starts like a JSON object is meant as JSON: report where the JSON broke
    // rather than some confusing YAML error about flow mappings.
    if (body.trimStart().startsWith('{')) {
      const { line, column } = position(body, jsonErrorOffset(error, body));
      formatError(`JSON not well-formed. (line ${line}, column ${column})`);
    }
  }
  try {
    return { document: parseCfnYaml(body), format: 'yaml' };
  } catch (error) {
    if (error instanceof CfnYamlError && error.line !== undefined) {
      formatError(`YAML not well-formed. (line ${error.line}, column ${error.column ?? 1})`);
    }
    return formatError('YAML not well-formed.');
  }
}
