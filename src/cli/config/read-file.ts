/**
 * Reads a configuration file (YAML, or JSON, which YAML reads too; `-` is stdin) and validates it,
 * with each bad place's line in the message (core/config/parse-text.ts).
 */
import { readFileSync } from 'node:fs';
import type { DesiredState } from '../../core/config/config-file.js';
import { parseConfigText } from '../../core/config/parse-text.js';
import { SlipwayError } from '../../core/errors.js';

export { parseConfigText };

/** Reads and validates `file`; INVALID_INPUT (exit 3) when it cannot be read, parsed or validated. */
export function readConfigFile(file: string): DesiredState {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `Cannot read the configuration file ${file}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return parseConfigText(text, file === '-' ? 'stdin' : file);
}
