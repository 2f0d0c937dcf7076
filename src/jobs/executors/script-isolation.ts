/**
 * Who a script step runs as. A script is code a project contributor wrote; it must not run with
 * the server's identity, which can read the master key, the administrator's key and every
 * process's environment. So, when the server runs as root, scripts run as a dedicated
 * unprivileged OS user (default `slipway-script`, created by scripts/install-script-user.sh) in a
 * PID namespace of their own when the kernel allows one (they then cannot even list the server's
 * process), with no supplementary groups and no way to regain privileges. A server that is not
 * root cannot switch users: it refuses script steps unless an administrator starts it with
 * `--scripts-as-server-user`, accepting that scripts can read what the server can.
 */
import { execFile } from 'node:child_process';
import { chown, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SlipwayError } from '../../core/errors.js';
import { detectScriptTools, type ScriptTools } from './script-tools.js';

const run = promisify(execFile);

/** The OS user scripts run as unless configured otherwise. */
export const DEFAULT_SCRIPT_USER = 'slipway-script';

/**
 * How script steps run on this server. `tools` is what scripts can use (script-tools.ts), found at
 * start; without it (an isolation built by hand) nothing is checked before a script starts.
 */
export type ScriptIsolation =
  /** As `user` (uid/gid), in their own PID namespace when `pidNamespace`. */
  | {
      mode: 'user';
      user: string;
      uid: number;
      gid: number;
      pidNamespace: boolean;
      node?: string;
      tools?: ScriptTools;
    }
  /** As the server's own user: the administrator accepted the risk. */
  | { mode: 'server-user'; tools?: ScriptTools }
  /** Not at all: `reason` says why and what to do. */
  | { mode: 'refused'; reason: string };

/** The program that runs scripts, for the messages: the server, or `slipway worker`. */
export interface ScriptHost {
  /** `server` or `worker`. */
  noun: string;
  /** The flag that runs scripts as the host's own user. */
  flag: string;
  /** What a script run as the host's own user could read. */
  exposes: string;
}

/** The server as a script host (the default). */
export const SERVER_HOST: ScriptHost = {
  noun: 'server',
  flag: '--scripts-as-server-user',
  exposes: "its master key, its administrator's API key and its environment",
};

/** `slipway worker` as a script host. */
export const WORKER_HOST: ScriptHost = {
  noun: 'worker',
  flag: '--scripts-as-worker-user',
  exposes: "its worker key (and with it other steps' scripts and secrets) and its environment",
};

/** What the administrator chose. */
export interface ScriptIsolationOptions {
  /** Who runs the scripts, for the messages. Default the server. */
  host?: ScriptHost;
  /** The OS user scripts run as when the server is root. Default `slipway-script`. */
  user?: string;
  /** Run scripts as the server's own user (they can read its data directory and keys). Default false. */
  asServerUser?: boolean;
  /** The Node binary for Node scripts. Default: this process's, else the first of PATH the user may run. */
  node?: string;
}

/** A command to spawn, wrapped so that it runs with `isolation`'s identity. */
export interface IsolatedCommand {
  command: string;
  args: string[];
}

async function idOf(user: string, flag: '-u' | '-g'): Promise<number | undefined> {
  try {
    const { stdout } = await run('id', [flag, user]);
    const n = Number(stdout.trim());
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

async function works(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * PID 1 of a script's namespace. The kernel does not deliver signals to a namespace's init unless
 * it handles them, so the script must not be init itself (a cancel's SIGTERM would be lost): this
 * small init runs it as a child, passes SIGTERM on, and exits with its status.
 */
const NAMESPACE_INIT =
  'trap \'kill -TERM "$c" 2>/dev/null\' TERM; "$@" & c=$!; ' +
  'while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || exit "$s"; done';

function dropTo(uid: number, gid: number): string[] {
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--no-new-privs', '--'];
}

/** Finds out how this server can run scripts (called once at start). */
export async function resolveScriptIsolation(options: ScriptIsolationOptions = {}): Promise<ScriptIsolation> {
  if (options.asServerUser) {
    return { mode: 'server-user', tools: await detectScriptTools({ prefix: [], node: [process.execPath] }) };
  }
  const user = options.user ?? DEFAULT_SCRIPT_USER;
  const host = options.host ?? SERVER_HOST;
  if (process.getuid?.() !== 0) {
    return {
      mode: 'refused',
      reason:
        `Script steps are refused: the ${host.noun} does not run as root, so it cannot run them as the ` +
        `unprivileged user "${user}", and a script run as the ${host.noun}'s own user could read ` +
        `${host.exposes}. Run the ${host.noun} as root with that user ` +
        `(bash scripts/install-script-user.sh creates it), or start it with ${host.flag} ` +
        `to accept that risk.`,
    };
  }
  const uid = await idOf(user, '-u');
  const gid = await idOf(user, '-g');
  if (uid === undefined || gid === undefined) {
    return {
      mode: 'refused',
      reason:
        `Script steps are refused: the OS user "${user}" they run as does not exist. Create it with ` +
        `bash scripts/install-script-user.sh (or name another with --script-user), or start the ${host.noun} ` +
        `with ${host.flag} to run scripts as the ${host.noun}'s own user, accepting that they can ` +
        `read ${host.exposes}.`,
    };
  }
  if (uid === 0) {
    return {
      mode: 'refused',
      reason: `Script steps are refused: the script user "${user}" is root (uid 0); name an unprivileged user.`,
    };
  }
  if (!(await works('setpriv', [...dropTo(uid, gid), 'true']))) {
    return {
      mode: 'refused',
      reason:
        `Script steps are refused: setpriv (util-linux) could not switch to "${user}". Install util-linux, ` +
        `or start the ${host.noun} with ${host.flag} to accept the risk.`,
    };
  }
  const pidNamespace = await works('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'true']);
  // The script user must be able to run the Node binary: this process's may sit under a directory
  // only root can enter (a project under /root), so fall back to the usual places.
  const tools = await detectScriptTools({
    prefix: dropTo(uid, gid),
    node: options.node ? [options.node] : [process.execPath, '/usr/local/bin/node', '/usr/bin/node'],
  });
  const node = tools.node?.path;
  return { mode: 'user', user, uid, gid, pidNamespace, ...(node === undefined ? {} : { node }), tools };
}

/** One line for the start-up output: who scripts run as, or why they are refused. */
export function describeScriptIsolation(isolation: ScriptIsolation, host: ScriptHost = SERVER_HOST): string {
  switch (isolation.mode) {
    case 'user':
      return (
        `Script steps run as the OS user ${isolation.user} (uid ${isolation.uid})` +
        (isolation.pidNamespace ? ' in a PID namespace of their own.' : '.')
      );
    case 'server-user':
      return (
        `Warning: script steps run as the ${host.noun}'s own OS user (${host.flag}): a script can read ` +
        `${host.exposes}.`
      );
    case 'refused':
      return isolation.reason;
  }
}

/** The Node binary Node scripts use under `isolation`; SCRIPT_REFUSED when the script user may run none. */
export function nodeBinary(isolation: ScriptIsolation): string {
  if (isolation.mode !== 'user') return process.execPath;
  if (isolation.node) return isolation.node;
  throw new SlipwayError(
    'SCRIPT_REFUSED',
    `Node scripts cannot run: the script user "${isolation.user}" may not run ${process.execPath} ` +
      `(nor /usr/local/bin/node or /usr/bin/node). Install Node where that user can run it, or write ` +
      `the script in bash.`,
  );
}

/** `command args` wrapped to run with `isolation`'s identity (SCRIPT_REFUSED when refused). */
export function isolatedCommand(
  isolation: ScriptIsolation,
  command: string,
  args: string[],
): IsolatedCommand {
  switch (isolation.mode) {
    case 'refused':
      throw new SlipwayError('SCRIPT_REFUSED', isolation.reason);
    case 'server-user':
      return { command, args };
    case 'user': {
      // The script dies with the server (a server killed with -9 leaves no script running on).
      const withServer = ['--pdeathsig', 'SIGKILL'];
      const drop = dropTo(isolation.uid, isolation.gid);
      // The kernel clears the parent-death signal when the user changes: a second setpriv, already
      // running as the user, sets it again.
      if (!isolation.pidNamespace)
        return {
          command: 'setpriv',
          args: [...drop.slice(1), 'setpriv', ...withServer, '--', command, ...args],
        };
      // unshare (as root) makes the namespaces, then setpriv drops to the user and runs the script's
      // init, which dies with unshare, and with it everything in the namespace. That setpriv asks
      // for the death signal again: the kernel clears it when the user changes, so the one given
      // to unshare's child (--kill-child) is gone by then and the namespace would outlive the server.
      const [setpriv, ...dropArgs] = drop;
      return {
        command: 'setpriv',
        args: [
          ...withServer,
          '--',
          'unshare',
          '--pid',
          '--fork',
          '--mount-proc',
          '--kill-child',
          '--',
          setpriv!,
          ...withServer,
          ...dropArgs,
          'sh',
          '-c',
          NAMESPACE_INIT,
          'sh',
          command,
          ...args,
        ],
      };
    }
  }
}

/** Gives the script user its private directory and the files in it (no-op unless isolated). */
export async function handOver(
  isolation: ScriptIsolation,
  dir: string,
  files: readonly string[],
): Promise<void> {
  if (isolation.mode !== 'user') return;
  for (const path of [dir, ...files]) await chown(path, isolation.uid, isolation.gid);
}

/** The prefix of a script's private directory: the server's PID, so a later start can tell whose it was. */
export function scriptDirPrefix(pid = process.pid): string {
  return `slipway-script-${pid}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes script directories left by servers that died mid-script (kill -9 skips the step's own
 * clean-up): every `slipway-script-<pid>-*` under `root` whose server process is gone. Returns
 * what it removed.
 */
export async function removeOrphanScriptDirs(root: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^slipway-script-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
