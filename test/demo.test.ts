/**
 * The README's first command, as CI runs it: `slipway demo --exit` in a child process. The slowest
 * test of the suite (a sandbox, a server, an engine and nine ECS rollouts at time scale 60).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const BIN = resolve(import.meta.dirname, '../src/cli/bin.ts');

function slipway(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // A hung demo is a failure, not a hung suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe('slipway demo (slowest test)', () => {
  it('deploys hello-color and hello-stack Dev → Test → Prod for two tenants, checks every service and exits 0', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'slipway-demo-')), 'data');
    try {
      const r = await slipway(['demo', '--exit', '--data-dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /demo: hello-color and hello-stack 1\.2\.0 deployed Dev → Test → Prod, untenanted and for Acme and Globex: 18 ECS services run 1\.2\.0 with their environment's colour, 9 of them in CloudFormation stacks/,
      );
      // Live progress: the step's log lines, per deployment when several run at once.
      assert.match(r.stderr, /\[Prod Acme\] /);
      for (const project of ['hello-color', 'hello-stack']) {
        assert.match(
          r.stderr,
          new RegExp(`${project} 1\\.2\\.0 \\(Releases-\\S+\\) with hello-color:1\\.2\\.0`),
        );
        for (const env of ['Dev', 'Test', 'Prod']) {
          for (const who of ['(untenanted)', 'Acme', 'Globex']) {
            assert.match(
              r.stderr,
              new RegExp(
                `ok +${project} +${who.replace(/[()]/g, '\\$&')} +${env} +${project}-${env.toLowerCase()} +hello-color:1\\.2\\.0`,
              ),
            );
          }
        }
      }
      // The stacks the CloudFormation step made, one per environment and tenant.
      assert.match(r.stderr, /stack cf-ecs-hello-\S+ (CREATE|UPDATE)_COMPLETE/);
      assert.ok(existsSync(join(dir, 'admin-api-key')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a data directory it did not make, and changes nothing there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-demo-'));
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    try {
      const r = await slipway(['demo', '--exit', '--data-dir', dir]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /is not empty and was not made by `slipway demo`/);
      assert.ok(existsSync(join(dir, 'precious.txt')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
