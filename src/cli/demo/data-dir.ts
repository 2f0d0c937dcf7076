/**
 * The demo's data directory: a fresh one per run (the sandbox starts empty each time), so a
 * directory the demo made before is emptied, and one it did not make is refused, never deleted.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SlipwayError } from '../../core/errors.js';

/** The default data directory of `slipway demo`. */
export const DEFAULT_DEMO_DATA_DIR = './.slipway-demo';
const MARKER = '.slipway-demo';

/** Empties (or creates) `dir` for a new demo run; answers its absolute path. */
export function freshDemoDataDir(dir: string): string {
  const path = resolve(dir);
  if (existsSync(path)) {
    const entries = readdirSync(path);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new SlipwayError(
        'USAGE',
        `${path} is not empty and was not made by \`slipway demo\`: the demo starts from an empty data ` +
          'directory each time. Pass another --data-dir (or remove that directory yourself).',
      );
    }
    rmSync(path, { recursive: true, force: true });
  }
  mkdirSync(path, { recursive: true, mode: 0o700 });
  writeFileSync(join(path, MARKER), 'Made by `slipway demo`; emptied by its next run.\n');
  return path;
}
