/**
 * Argument normalisation for `ecs-deploy`, before commander sees the arguments. The script has a
 * two-letter short option, `-to`, which commander (one letter per short option) would read as
 * `-t o`; we rewrite it to `--tag-only`.
 */

/** Options of `ecs-deploy` that take a value: their next word is a value, never rewritten. */
const TAKES_VALUE = new Set([
  '-k',
  '--aws-access-key',
  '-s',
  '--aws-secret-key',
  '-r',
  '--region',
  '-p',
  '--profile',
  '-a',
  '--aws-assume-role',
  '--external-id',
  '-c',
  '--cluster',
  '-n',
  '--service-name',
  '-d',
  '--task-definition',
  '-i',
  '--image',
  '-D',
  '--desired-count',
  '-m',
  '--min',
  '-M',
  '--max',
  '-t',
  '--timeout',
  '-e',
  '--tag-env-var',
  '-to',
  '--tag-only',
  '--max-definitions',
  '--task-definition-file',
  '--launch-type',
  '--platform-version',
  '--network-configuration',
  '--endpoint-url',
  '--inactivity-timeout',
  '--output',
  '--set-image',
  '--env',
  '--unset-env',
  '--secret',
  '--unset-secret',
  '--command',
  '--cpu',
  '--memory',
  '--memory-reservation',
  '--docker-label',
]);

/** Rewrites the script's multi-letter short options in the arguments of `ecs-deploy` (without the command name). */
export function normaliseEcsDeployArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let valueNext = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (valueNext) {
      out.push(word);
      valueNext = false;
      continue;
    }
    if (word === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (word === '-to') {
      out.push('--tag-only');
      valueNext = true;
      continue;
    }
    // `-to=TAG` is not the script's syntax, but it is what a user trying `--tag-only=TAG` might type.
    if (word.startsWith('-to=')) {
      out.push(`--tag-only=${word.slice(4)}`);
      continue;
    }
    out.push(word);
    valueNext = TAKES_VALUE.has(word);
  }
  return out;
}

/**
 * Normalises a whole `slipway` argument list: the words after the `ecs-deploy` command, if that
 * is the command (slipway has no global options taking a value, so the first word that is not an
 * option names the command).
 */
export function normaliseSlipwayArgv(argv: readonly string[]): string[] {
  const at = argv.findIndex((w) => !w.startsWith('-'));
  if (at < 0 || argv[at] !== 'ecs-deploy') return [...argv];
  return [...argv.slice(0, at + 1), ...normaliseEcsDeployArgs(argv.slice(at + 1))];
}
