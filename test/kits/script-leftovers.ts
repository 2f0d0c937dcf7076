/**
 * What a script step of a server may leave behind when the server dies: its private directory
 * (`slipway-script-<server pid>-*`, src/jobs/executors/script-isolation.ts) and its processes,
 * found through /proc by that directory in their environment (HOME and TMPDIR point into it, and
 * every process a script starts inherits them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { scriptDirPrefix } from '../../src/jobs/executors/script-isolation.js';

/** The private script directories under `root` of the server with `serverPid`. */
export function scriptDirsOf(root: string, serverPid: number): string[] {
  return readdirSync(root).filter((name) => name.startsWith(scriptDirPrefix(serverPid)));
}

/** PIDs of running processes started by a script step of the server with `serverPid` (Linux /proc). */
export function scriptProcessesOf(serverPid: number): number[] {
  const mark = scriptDirPrefix(serverPid);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (environ.includes(mark)) found.push(Number(name));
  }
  return found;
}
