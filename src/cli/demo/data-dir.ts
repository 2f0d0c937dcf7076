/**
 * The demo's data directory: a fresh one per run (the sandbox starts empty each time), so a
 * directory the demo made before is emptied, and one it did not make is refused, never deleted.
 * A directory another process holds (a demo or server still running) is refused too.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SlipwayError } from '../../core/errors.js';
import { LOCK_FILE, lockDataDir } from '../../store/data-dir-lock.js';

/** The default data directory of `slipway demo`. */
export const DEFAULT_DEMO_DATA_DIR = './.slipway-demo';
const MARKER = '.slipway-demo';

/**
 * Empties (or creates) `dir` for a new demo run; answers its absolute path. STORE_UNAVAILABLE
 * (naming the holder) when another process holds the directory: it is left as it is.
 */
export async function freshDemoDataDir(dir: string): Promise<string> {
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
    // Held while it is emptied, so a demo or server still running there is never emptied under it.
    const lock = await lockDataDir(path);
    try {
      for (const entry of readdirSync(path)) {
        if (entry !== LOCK_FILE) rmSync(join(path, entry), { recursive: true, force: true });
      }
    } finally {
      lock.release();
    }
  }
  mkdirSync(path, { recursive: true, mode: 0o700 });
  writeFileSync(join(path, MARKER), 'Made by `slipway demo`; emptied by its next run.\n');
  return path;
}
