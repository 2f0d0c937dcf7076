/**
 * Which interpreters and tools scripts can use on this host (docs/steps.md, "Tools"): bash, Node.js,
 * python3 and the AWS CLI, looked for once at start as the script user, on the PATH scripts get. A
 * step whose script needs one that is missing fails before it starts, naming the Debian package to
 * install, instead of failing half-way with "command not found" after changing half of what it meant to.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { ScriptSyntax } from '../../core/workers/protocol.js';

/** A program scripts can run: where it is and its version. */
export interface ScriptTool {
  path: string;
  version: string;
}

/** The AWS CLI as found: its major version, and whether it reads AWS_ENDPOINT_URL itself. */
export interface AwsCliTool extends ScriptTool {
  major: number;
  /** AWS CLI 2.13 and 1.29 read AWS_ENDPOINT_URL; older ones (Debian 12's 2.9) need `--endpoint-url`. */
  readsEndpointUrl: boolean;
}

/** What scripts can use on this host, as the user they run as. */
export interface ScriptTools {
  /** The PATH scripts get: the host's, then the system's directories, less those the script user cannot enter. */
  path: string;
  bash?: ScriptTool;
  node?: ScriptTool;
  python3?: ScriptTool;
  aws?: AwsCliTool;
}

/** A tool a script may need. */
export type ToolName = 'bash' | 'node' | 'python3' | 'aws';

/** Each tool's name for people and the Debian package that installs it. */
export const TOOL_PACKAGES: Readonly<Record<ToolName, { label: string; debian: string }>> = {
  bash: { label: 'bash', debian: 'bash' },
  node: { label: 'Node.js (node)', debian: 'nodejs' },
  python3: { label: 'Python 3 (python3)', debian: 'python3' },
  aws: { label: 'AWS CLI (aws)', debian: 'awscli' },
};

/** The directories a script's PATH always offers (after the host's own): where Debian installs. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Each syntax's language, for messages. */
const LANGUAGE: Readonly<Record<ScriptSyntax, string>> = { bash: 'bash', node: 'Node.js', python: 'Python' };
/** The interpreter each syntax runs with. */
const INTERPRETER: Readonly<Record<ScriptSyntax, ToolName>> = {
  bash: 'bash',
  node: 'node',
  python: 'python3',
};

/** How to look for the tools. */
export interface DetectOptions {
  /** A command prefix that runs a probe as the script user (`setpriv … --`); empty: as this process's user. */
  prefix: readonly string[];
  /** Node binaries to try, in order: the first that runs is the one Node scripts use. */
  node: readonly string[];
  /** The host's PATH. Default `process.env.PATH`. */
  hostPath?: string;
}

/** Runs `command args` (after `prefix`); its stdout and stderr, or undefined when it fails. */
function probe(
  prefix: readonly string[],
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<string | undefined> {
  const [head, ...rest] = [...prefix, command, ...args];
  return new Promise((done) => {
    execFile(head!, rest, { env, timeout: 15_000 }, (error, stdout, stderr) =>
      done(error ? undefined : `${stdout}${stderr}`),
    );
  });
}

/** The host's PATH with the system's directories after it, each once, absolute ones only. */
export function candidatePath(hostPath = process.env.PATH ?? ''): string {
  const seen = new Set<string>();
  for (const dir of [...hostPath.split(':'), ...SYSTEM_PATH.split(':')])
    if (dir.startsWith('/') && !dir.includes('\n')) seen.add(dir);
  return [...seen].join(':');
}

// As the script user: keep the PATH's directories it can enter (a pyenv under /root is out of its
// reach), then say where bash, python3 and aws are on what is left. $1 is the PATH to filter.
const FIND_TOOLS = `set -f; IFS=:; p=
for d in $1; do
  [ -d "$d" ] && [ -x "$d" ] || continue
  p=\${p:+$p:}$d
done
printf '%s\\n' "$p"
unset IFS; PATH=$p
for t in bash python3 aws; do command -v "$t" || echo; done`;

const VERSION: Readonly<Record<ToolName, RegExp>> = {
  bash: /version (\d+(?:\.\d+)+)/,
  node: /^v(\d+(?:\.\d+)+)/m,
  python3: /Python (\d+(?:\.\d+)+)/,
  aws: /aws-cli\/(\d+(?:\.\d+)+)/,
};

async function versionOf(
  prefix: readonly string[],
  tool: ToolName,
  path: string,
  env: Record<string, string>,
): Promise<ScriptTool | undefined> {
  if (!path) return undefined;
  const out = await probe(prefix, path, ['--version'], env);
  const version = out === undefined ? undefined : VERSION[tool].exec(out)?.[1];
  return version === undefined ? undefined : { path, version };
}

/** Whether AWS CLI `version` reads AWS_ENDPOINT_URL (2.13.0 and later, 1.29.0 and later). */
export function awsCliReadsEndpointUrl(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major === 1 ? minor >= 29 : major === 2 ? minor >= 13 : major > 2;
}

/** Finds the tools scripts can use, running each probe as the script user (through `options.prefix`). */
export async function detectScriptTools(options: DetectOptions): Promise<ScriptTools> {
  const { prefix } = options;
  const wanted = candidatePath(options.hostPath);
  const env = { PATH: SYSTEM_PATH, HOME: tmpdir(), LANG: 'C.UTF-8' };
  const found = (await probe(prefix, 'sh', ['-c', FIND_TOOLS, 'sh', wanted], env))?.split('\n');
  const path = found?.[0] || wanted;
  const withPath = { ...env, PATH: path };
  const [bash, python3, aws, node] = await Promise.all([
    versionOf(prefix, 'bash', found?.[1] ?? '', withPath),
    versionOf(prefix, 'python3', found?.[2] ?? '', withPath),
    versionOf(prefix, 'aws', found?.[3] ?? '', withPath),
    (async () => {
      for (const candidate of options.node) {
        const tool = await versionOf(prefix, 'node', candidate, withPath);
        if (tool) return tool;
      }
      return undefined;
    })(),
  ]);
  const tools: ScriptTools = { path };
  if (bash) tools.bash = bash;
  if (node) tools.node = node;
  if (python3) tools.python3 = python3;
  if (aws) {
    const major = Number(aws.version.split('.')[0]);
    tools.aws = { ...aws, major, readsEndpointUrl: awsCliReadsEndpointUrl(aws.version) };
  }
  return tools;
}

/** One line for the start-up output: what scripts can use, and how to add what is missing. */
export function describeScriptTools(tools: ScriptTools): string {
  const names: ToolName[] = ['bash', 'node', 'python3', 'aws'];
  const have = names.flatMap((name) => {
    const tool = tools[name];
    if (!tool) return [];
    const major = name === 'aws' && tools.aws ? `AWS CLI v${tools.aws.major}, ` : '';
    return [`${name} ${tool.version} (${major}${tool.path})`];
  });
  const missing = names.filter((name) => !tools[name]);
  return (
    `Script tools: ${have.length ? have.join(', ') : 'none'}.` +
    (missing.length
      ? ` Missing: ${missing.join(', ')} (Debian: apt-get install ${missing.map((n) => TOOL_PACKAGES[n].debian).join(' ')}).`
      : '')
  );
}

// A line whose command is `aws`: at its start (after variable assignments), or after `;`, `&`, `|`,
// `(` (also `$(`), a backquote, `{`, `!`, or a keyword that runs the next word as a command.
const AWS_COMMAND =
  /(?:^(?:[A-Za-z_]\w*=\S*\s+)*|[;&|(`{!]\s*|\b(?:then|do|else|elif|if|while|until|time|exec|xargs|command|sudo)\s+)aws(?=\s|$)/;

/**
 * The first line (1-based) of a bash `script` that runs the AWS CLI, or undefined. Comment lines do
 * not count; a call through a variable (`$cli ...`) or a full path (`/usr/bin/aws`) is not seen.
 */
export function awsCliLine(script: string): number | undefined {
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('#')) continue;
    if (AWS_COMMAND.test(line)) return i + 1;
  }
  return undefined;
}

/** Who a refusal speaks of: the host (`the server`, `the worker`) and the user scripts run as. */
export interface ToolsCheckWhere {
  host: string;
  /** e.g. `the script user "slipway-script"`. */
  runAs: string;
}

/**
 * Why a `syntax` script cannot run with `tools` (the interpreter, or the AWS CLI a bash script calls,
 * is missing), saying what to install; undefined when it can, or when the tools are not known.
 */
export function checkScriptTools(
  spec: { syntax: ScriptSyntax; script: string },
  tools: ScriptTools | undefined,
  where: ToolsCheckWhere,
): string | undefined {
  if (!tools) return undefined;
  const install = (tool: ToolName, what: string) => {
    const { label, debian } = TOOL_PACKAGES[tool];
    const v2 = tool === 'aws' ? ', AWS CLI v2 on Debian 12' : '';
    return (
      `This step's script ${what}, but ${where.host} has no ${label} that ${where.runAs} can run. ` +
      `Install it (Debian: apt-get install ${debian}${v2}) where that user can run it, restart ${where.host} ` +
      `(it looks for tools when it starts), then retry the step. The script did not run.`
    );
  };
  const interpreter = INTERPRETER[spec.syntax];
  if (!tools[interpreter]) return install(interpreter, `is ${LANGUAGE[spec.syntax]}`);
  if (spec.syntax === 'bash' && !tools.aws) {
    const line = awsCliLine(spec.script);
    if (line !== undefined) return install('aws', `runs the AWS CLI (line ${line})`);
  }
  return undefined;
}

/**
 * A wrapper for an AWS CLI that predates AWS_ENDPOINT_URL: it passes the variable on as
 * `--endpoint-url` (a later `--endpoint-url` of the script's own wins), so the CLI reaches the
 * target's endpoint (the sandbox) and not AWS. Undefined when no wrapper is needed.
 */
export function awsEndpointWrapper(
  aws: AwsCliTool | undefined,
  env: Record<string, string>,
): string | undefined {
  if (!aws || aws.readsEndpointUrl || !env['AWS_ENDPOINT_URL']) return undefined;
  const quoted = `'${aws.path.replaceAll("'", `'\\''`)}'`;
  return (
    '#!/bin/sh\n' +
    `# Slipway: AWS CLI ${aws.version} does not read AWS_ENDPOINT_URL (2.13 and 1.29 do), so pass it on.\n` +
    `exec ${quoted} --endpoint-url "$AWS_ENDPOINT_URL" "$@"\n`
  );
}
