/** The CLI as a user runs it: a child process, its stdout, stderr and exit code. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const BIN = resolve(import.meta.dirname, '../src/cli/bin.ts');
const ARGS = ['--import', 'tsx', BIN];

function slipway(args: string[], timeout = 120_000) {
  return spawnSync(process.execPath, [...ARGS, ...args], { encoding: 'utf8', timeout });
}

describe('slipway CLI', () => {
  it('demo rehearses three rollouts and exits 0', () => {
    const r = slipway(['demo', '--rollouts', '--time-scale', '60']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 rollouts ended as expected/);
    assert.match(r.stderr, /rolling back to deployment ecs-svc\/\d+/);
    assert.match(r.stderr, /ok {3}broken web:3: FAILED/);
  });

  it('sandbox prints export lines, serves, and saves its state on SIGTERM', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'slipway-cli-')), 'state.json');
    const child = spawn(process.execPath, [...ARGS, 'sandbox', '--port', '0', '--state', state], {
      stdio: 'pipe',
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolveRead, reject) => {
      const timer = setTimeout(() => reject(new Error(`no export lines: ${out}`)), 20_000);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('AWS_REGION')) {
          clearTimeout(timer);
          resolveRead();
        }
      });
    });
    const endpoint = /export AWS_ENDPOINT_URL=(\S+)/.exec(out)?.[1];
    assert.ok(endpoint);
    assert.match(out, /export AWS_ACCESS_KEY_ID=AKIASANDBOXDEFAULT00/);
    assert.match(out, /export AWS_REGION=us-east-1/);
    const health = (await (await fetch(`${endpoint}/_sandbox/health`)).json()) as { ok: boolean };
    assert.equal(health.ok, true);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(JSON.parse(readFileSync(state, 'utf8')).kind, 'slipway-sandbox-state');
  });

  it('bad options exit 3 with a message naming the option', () => {
    const r = slipway(['sandbox', '--port', 'abc']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /--port must be an integer/);
    const unknown = slipway(['nope']);
    assert.equal(unknown.status, 3);
    assert.match(unknown.stderr, /unknown command/);
  });
});
