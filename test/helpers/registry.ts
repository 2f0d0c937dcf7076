/**
 * Starts Debian's `docker-registry` (distribution 2.x) on a free loopback port with a temporary config
 * and filesystem storage, with or without htpasswd Basic auth, for the feed tests; and pushes small
 * images to any registry over the HTTP API. `scripts/install-test-deps.sh` installs the binary; when
 * it is missing startRegistry() resolves to undefined and registryUnavailableReason() says why.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, freePort } from './moto.js';

export interface RegistryHandle {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** `host:port`. */
  host: string;
  /** The htpasswd user, when started with auth. */
  credentials?: { username: string; password: string };
  /** Stops the process and removes its storage. Safe to call twice. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
let lastReason = '';

/** Why the last startRegistry() returned undefined. */
export function registryUnavailableReason(): string {
  return lastReason;
}

/** A bcrypt htpasswd line: from `htpasswd -Bbn` when present. */
function htpasswdLine(username: string, password: string): string | undefined {
  const bin = findOnPath('htpasswd');
  if (!bin) return undefined;
  const r = spawnSync(bin, ['-Bbn', username, password], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Starts a registry; `auth` adds htpasswd Basic auth with the given user. Undefined when it cannot run. */
export async function startRegistry(
  options: { auth?: { username: string; password: string } } = {},
): Promise<RegistryHandle | undefined> {
  const bin = findOnPath('docker-registry') ?? '/usr/bin/docker-registry';
  if (!findOnPath('docker-registry') && spawnSync(bin, ['--version']).status !== 0) {
    lastReason = 'docker-registry is not installed (run scripts/install-test-deps.sh as root)';
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'slipway-registry-'));
  const port = await freePort();
  let auth = '';
  if (options.auth) {
    const line = htpasswdLine(options.auth.username, options.auth.password);
    if (!line) {
      rmSync(dir, { recursive: true, force: true });
      lastReason = 'htpasswd is not installed (apache2-utils; run scripts/install-test-deps.sh as root)';
      return undefined;
    }
    writeFileSync(join(dir, 'htpasswd'), line + '\n');
    auth = `auth:\n  htpasswd:\n    realm: slipway-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n` +
      `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\n` +
      `http:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) {
        return {
          url,
          host: `127.0.0.1:${port}`,
          ...(options.auth ? { credentials: options.auth } : {}),
          close,
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await close();
  lastReason = `docker-registry did not start within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`;
  return undefined;
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Uploads a blob (monolithic: POST then PUT with the digest) unless the registry has it. */
async function uploadBlob(
  base: string,
  repo: string,
  blob: Buffer,
  headers: Record<string, string>,
): Promise<string> {
  const digest = sha256(blob);
  const head = await fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers });
  if (head.ok) return digest;
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start answered ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    body: blob,
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
  return digest;
}

/**
 * Pushes a tiny image (a config blob naming the tag, one shared layer, a schema2 manifest) as
 * `repo:tag` over the registry API; returns the manifest digest. `authorization` is sent as is.
 */
export async function pushImage(
  base: string,
  repo: string,
  tag: string,
  authorization?: string,
): Promise<string> {
  const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
  const layer = Buffer.from('slipway test layer\n');
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { tag } },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const layerDigest = await uploadBlob(base, repo, layer, headers);
  const configDigest = await uploadBlob(base, repo, config, headers);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: config.length,
      digest: configDigest,
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: layer.length,
        digest: layerDigest,
      },
    ],
  });
  const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: manifest,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`manifest PUT ${repo}:${tag} answered ${res.status}: ${text}`);
  return res.headers.get('docker-content-digest') ?? sha256(manifest);
}

/** `Basic base64(user:password)`. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
