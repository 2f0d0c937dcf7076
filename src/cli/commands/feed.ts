/** `slipway feed tags`: lists a repository's versions in a registry or ECR, newest first, filtered by a channel rule. */
import type { Command } from 'commander';
import { UserInputError } from '../../core/errors.js';
import {
  formatVersion,
  matchingVersions,
  validateChannelRule,
  type ChannelRule,
} from '../../core/versions/index.js';
import { openFeed, type FeedConfig, type FeedTag } from '../../feeds/index.js';

interface TagsOptions {
  registry?: string;
  repository: string;
  username?: string;
  password?: string;
  ecr?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  range?: string;
  prerelease?: string;
  digests?: boolean;
  timeout: number;
  output: 'table' | 'json';
}

/** One line of the result. */
interface Row {
  tag: string;
  /** Normalised version, or null for a tag that is not a version. */
  version: string | null;
  prerelease: string | null;
  digest: string | null;
  pushedAt: string | null;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserInputError(`--timeout must be a number of seconds > 0, got "${v}".`);
  return n;
}

function output(v: string): 'table' | 'json' {
  if (v !== 'table' && v !== 'json') throw new UserInputError(`--output must be table or json, got "${v}".`);
  return v;
}

/** The feed the options describe; INVALID_INPUT for combinations that make no sense. */
export function feedConfigFrom(opts: TagsOptions, env: NodeJS.ProcessEnv = process.env): FeedConfig {
  if (opts.ecr) {
    if (opts.username !== undefined || opts.password !== undefined) {
      throw new UserInputError(
        '--ecr gets its registry credentials from AWS: drop --username and --password.',
      );
    }
    const host = opts.registry ? opts.registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : undefined;
    const fromHost = host ? ECR_HOST.exec(host)?.[2] : undefined;
    if (host && !fromHost) {
      throw new UserInputError(
        `--registry ${opts.registry} is not an ECR registry (<account>.dkr.ecr.<region>.amazonaws.com); with --ecr it may be left out.`,
      );
    }
    const region = opts.region ?? fromHost ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UserInputError('--ecr needs --region (or AWS_REGION).');
    if (fromHost && fromHost !== region) {
      throw new UserInputError(`--registry ${host} is in ${fromHost}, but --region is ${region}.`);
    }
    return {
      kind: 'ecr',
      region,
      credentials: { kind: 'chain', ...(opts.profile ? { profile: opts.profile } : {}) },
      ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
    };
  }
  if (!opts.registry) throw new UserInputError('Give --registry URL (or --ecr --region R for Amazon ECR).');
  for (const [flag, value] of [
    ['--region', opts.region],
    ['--profile', opts.profile],
    ['--endpoint-url', opts.endpointUrl],
  ] as const) {
    if (value !== undefined) throw new UserInputError(`${flag} applies to --ecr only.`);
  }
  const password = opts.password ?? env.SLIPWAY_FEED_PASSWORD;
  if (opts.username !== undefined && password === undefined) {
    throw new UserInputError('--username needs --password (or SLIPWAY_FEED_PASSWORD).');
  }
  if (opts.username === undefined && opts.password !== undefined) {
    throw new UserInputError('--password needs --username.');
  }
  return {
    kind: 'docker-registry',
    url: opts.registry,
    ...(opts.username !== undefined && password !== undefined ? { username: opts.username, password } : {}),
  };
}

/** Versions matching the rule newest first, then (only without a rule) the tags that are not versions. */
export function rowsFor(tags: readonly FeedTag[], rule: ChannelRule): Row[] {
  const byTag = new Map(tags.map((t) => [t.tag, t]));
  const row = (tag: string, version: string | null, prerelease: string | null): Row => {
    const t = byTag.get(tag);
    return {
      tag,
      version,
      prerelease,
      digest: t?.digest ?? null,
      pushedAt: t?.pushedAt?.toISOString() ?? null,
    };
  };
  const versions = matchingVersions([...byTag.keys()], rule);
  const rows = versions.map((v) => row(v.original, formatVersion(v), v.prerelease ?? null));
  if (rule.versionRange === undefined && rule.preReleaseTag === undefined) {
    const seen = new Set(rows.map((r) => r.tag));
    const others = [...byTag.keys()].filter((t) => !seen.has(t)).sort();
    for (const t of others) rows.push(row(t, null, null));
  }
  return rows;
}

/** Aligned columns, without trailing blanks. */
function table(rows: Row[]): string {
  const short = (d: string | null) => (d ? d.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1') : '');
  const lines = [
    ['TAG', 'VERSION', 'DIGEST', 'PUSHED'],
    ...rows.map((r) => [r.tag, r.version ?? '(not a version)', short(r.digest), r.pushedAt ?? '']),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines
    .map((l) =>
      l
        .map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Runs `fn` over items, at most `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function registerFeed(program: Command): void {
  const feed = program
    .command('feed')
    .description('Container image feeds: Docker registries and Amazon ECR.');
  feed
    .command('tags')
    .description(
      'List the versions of an image repository, newest first, optionally filtered by a channel rule ' +
        '(--range, --prerelease). Without a rule, tags that are not versions follow, marked "(not a version)".',
    )
    .requiredOption('--repository <name>', 'image repository, e.g. team/web')
    .option(
      '--registry <url>',
      'registry URL, e.g. https://registry.example.com (with --ecr: optional ECR host)',
    )
    .option('--username <user>', 'registry username')
    .option(
      '--password <password>',
      'registry password (better: the SLIPWAY_FEED_PASSWORD environment variable)',
    )
    .option('--ecr', 'Amazon ECR: credentials from the AWS credential chain, tags from DescribeImages')
    .option('--region <region>', 'ECR region (default AWS_REGION)')
    .option('--profile <name>', 'AWS profile for ECR')
    .option('--endpoint-url <url>', 'AWS endpoint for ECR (e.g. the sandbox)')
    .option('--range <range>', 'version range: [1.0,2.0), (,3.0], 1.2 (= at least 1.2)')
    .option('--prerelease <regex>', 'regex on the pre-release part; ^$ = releases only')
    .option('--digests', 'also ask a registry for each listed tag’s digest (ECR always gives it)')
    .option('--timeout <seconds>', 'per-request timeout', seconds, 30)
    .option('--output <format>', 'table or json', output, 'table')
    .action(async (opts: TagsOptions) => {
      const rule: ChannelRule = {
        ...(opts.range !== undefined ? { versionRange: opts.range } : {}),
        ...(opts.prerelease !== undefined ? { preReleaseTag: opts.prerelease } : {}),
      };
      validateChannelRule(rule);
      const config = feedConfigFrom(opts);
      const source = openFeed(config, { timeoutMs: opts.timeout * 1000 });
      try {
        const tags = await source.listTags(opts.repository);
        const rows = rowsFor(tags, rule);
        if (opts.digests) {
          await eachLimited(rows, 8, async (r) => {
            r.digest ??= (await source.digestOf(opts.repository, r.tag)) ?? null;
          });
        }
        if (opts.output === 'json') process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else if (rows.length > 0) process.stdout.write(table(rows) + '\n');
        const versions = rows.filter((r) => r.version !== null).length;
        process.stderr.write(
          `${opts.repository}: ${versions} matching version${versions === 1 ? '' : 's'} of ${tags.length} tag${tags.length === 1 ? '' : 's'}.\n`,
        );
      } finally {
        if ('close' in source) source.close();
      }
    });
}
