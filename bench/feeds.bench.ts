/**
 * Feed benchmark (issue 5). Not a test: prints its figures and the ratio to its anchor.
 * Lists 5,000 tags of one repository through the sandbox's Docker Registry v2 API at `n=100`
 * (50 pages, Link-header pagination, Basic auth with the ECR token) and picks the newest version of
 * a channel (`[2.0,3.0)`, no pre-release). Anchor: the registry round trips dominate, i.e. our CPU
 * time (process.cpuUsage of this process) is a small part of the wall time. The sandbox runs as a
 * child process (`slipway sandbox --port 0`) so its CPU is not counted as ours. For comparison, the
 * same listing through ECR's DescribeImages (5 pages of 1,000, with digests and push dates).
 * Run: npm run bench:feeds
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { matchingVersions } from '../src/core/versions/index.js';
import { clearEcrTokenCache, openFeed, TokenCache, type FeedConfig } from '../src/feeds/index.js';

const TAGS = 5_000;
const PAGE = 100;
const RUNS = 5;
const REPO = 'bench/app';
const RULE = { versionRange: '[2.0,3.0)', preReleaseTag: '^$' };

/** Starts `slipway sandbox --port 0` and reads its export lines. */
async function startChildSandbox() {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(import.meta.dirname, '../src/cli/bin.ts'),
      'sandbox',
      '--port',
      '0',
      '--no-throttling',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const env: Record<string, string> = {};
  for await (const line of createInterface({ input: child.stdout })) {
    const m = /^export (\w+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
    if (env.AWS_ENDPOINT_URL && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && env.AWS_REGION) break;
  }
  const endpoint = env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('the sandbox printed no endpoint');
  return {
    child,
    endpoint,
    region: env.AWS_REGION!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  };
}

/** Tag i: versions across majors 0-4, one in seven a pre-release. */
function tagOf(i: number): string {
  const version = `${i % 5}.${Math.floor(i / 5) % 100}.${Math.floor(i / 500)}`;
  return i % 7 === 0 ? `${version}-beta.${i}` : version;
}

function manifest(i: number): string {
  const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7, digest: d(`c${i}`) },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 10, digest: d('layer') },
    ],
  });
}

async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, config: FeedConfig, options: { pageSize?: number }) {
  const run = async () => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const feed = openFeed(config, { ...options, tokens: new TokenCache() });
    const tags = await feed.listTags(REPO);
    const newest = matchingVersions(
      tags.map((t) => t.tag),
      RULE,
    )[0];
    const cpu = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    if ('close' in feed) feed.close();
    if (tags.length !== TAGS) throw new Error(`${label}: listed ${tags.length} tags, expected ${TAGS}`);
    return { wall, cpu: (cpu.user + cpu.system) / 1000, newest: newest?.original };
  };
  await run(); // warm-up: JIT, sockets
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  const wall = median(runs.map((r) => r.wall));
  const cpu = median(runs.map((r) => r.cpu));
  console.log(
    `${label}: total ${wall.toFixed(0)} ms, our CPU ${cpu.toFixed(0)} ms, CPU/total ${(cpu / wall).toFixed(2)} ` +
      `(median of ${RUNS}; newest in ${RULE.versionRange} without pre-release: ${runs[0]!.newest})`,
  );
  return { wall, cpu };
}

async function main() {
  const sb = await startChildSandbox();
  try {
    const ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPO }));
    const s0 = performance.now();
    await pool(TAGS, 32, async (i) => {
      await ecr.send(
        new PutImageCommand({ repositoryName: REPO, imageTag: tagOf(i), imageManifest: manifest(i) }),
      );
    });
    console.log(
      `setup: ${TAGS} tags pushed with ECR PutImage in ${((performance.now() - s0) / 1000).toFixed(1)} s`,
    );
    const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(auth.authorizationData![0]!.authorizationToken!, 'base64')
      .toString()
      .slice(4);
    ecr.destroy();

    const registry = await measure(
      `registry API, ${TAGS / PAGE} pages of ${PAGE}`,
      { kind: 'docker-registry', url: sb.endpoint, username: 'AWS', password },
      { pageSize: PAGE },
    );
    clearEcrTokenCache();
    await measure(
      'ECR DescribeImages, 5 pages of 1000',
      {
        kind: 'ecr',
        region: sb.region,
        endpoint: sb.endpoint,
        credentials: { kind: 'static', ...sb.credentials },
      },
      {},
    );
    const ratio = registry.cpu / registry.wall;
    console.log(
      `anchor: round trips dominate (our CPU / total well under 0.5): ${ratio.toFixed(2)} → ${ratio < 0.5 ? 'met' : 'NOT met'}`,
    );
  } finally {
    sb.child.kill('SIGTERM');
  }
}

await main();
