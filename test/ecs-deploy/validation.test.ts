/**
 * ecs-deploy's validation through the CLI's own entry point (in-process `run`, as bin.ts calls
 * it): the script's exit codes in the script's order, and messages that say what to do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../../src/cli/main.js';
import { runCli, runEcsDeployBin } from './world.js';

/**
 * Runs the CLI in-process and captures stderr. (stdout is left alone: the test runner talks to
 * its parent through it. Validation failures write nothing there; help and version are run as a
 * child process below.)
 */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await run(['ecs-deploy', ...args]);
    return { code, stderr };
  } finally {
    process.stderr.write = err;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'slipway-ecs-deploy-'));
const notJson = join(dir, 'bad.json');
writeFileSync(notJson, '{"family": ');

/** [args, exit code, what stderr must say]. Nothing here reaches AWS: validation comes first. */
const CASES: [string[], number, RegExp][] = [
  [[], 5, /ECS_DEPLOY_NO_TARGET.*-n SERVICE.*-d FAMILY/],
  [['-i', 'nginx:1'], 5, /ECS_DEPLOY_NO_TARGET/],
  [['-c', 'c', '-n', 's', '-d', 'f', '-i', 'nginx:1'], 6, /ECS_DEPLOY_BOTH_TARGETS.*not both/],
  // The script checks 6 before 7: both targets and no cluster is 6.
  [['-n', 's', '-d', 'f'], 6, /ECS_DEPLOY_BOTH_TARGETS/],
  [['-n', 's', '-i', 'nginx:1'], 7, /ECS_DEPLOY_NO_CLUSTER.*add -c CLUSTER/],
  [['-c', 'c', '-n', 's'], 8, /ECS_DEPLOY_NO_IMAGE.*-i IMAGE.*--force-new-deployment/],
  [['-d', 'f'], 8, /ECS_DEPLOY_NO_IMAGE/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--max-definitions', 'five'], 9, /whole number/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--max-definitions', '-1'], 9, /ECS_DEPLOY_BAD_MAX_DEFINITIONS/],
  // The script checks 8 before 9.
  [['-c', 'c', '-n', 's', '--max-definitions', 'x'], 8, /ECS_DEPLOY_NO_IMAGE/],
  [['-c', 'c', '-n', 's', '-i', 'Repo/UPPER:1'], 13, /IMAGE_REFERENCE_INVALID/],
  [['-c', 'c', '-n', 's', '-i', 'repo/app:bad tag'], 13, /IMAGE_REFERENCE_INVALID/],
  [['-c', 'c', '-n', 's', '-i', 'repo/app@sha256:abc'], 13, /IMAGE_REFERENCE_INVALID/],
  [['-c', 'c', '-n', 's', '-to', '.bad'], 13, /not a valid tag/],
  [['-c', 'c', '-n', 's', '--set-image', 'web=a b'], 13, /IMAGE_REFERENCE_INVALID/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--bogus'], 3, /unknown option '--bogus'/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', 'extra'], 3, /too many arguments|unknown command|excess/i],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-t', 'soon'], 3, /-t\/--timeout must be a whole number/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-D', '-1'], 3, /USAGE|argument missing/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-m', '101'], 3, /-m\/--min must be a whole number from 0 to 100/],
  [
    ['-c', 'c', '-n', 's', '-i', 'nginx:1', '-M', '99'],
    3,
    /-M\/--max must be a whole number from 100 to 200/,
  ],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--inactivity-timeout', '0'], 3, /--inactivity-timeout/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-k', 'AKIA'], 3, /-k needs -s SECRET_KEY/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-p', 'a', '--aws-instance-profile'], 3, /Choose one source/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-a', 'deployer'], 3, /role ARN/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--external-id', 'x'], 3, /--external-id only applies with -a/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--run-task'], 3, /--run-task .* -d FAMILY/],
  [['-d', 'f', '-i', 'nginx:1', '--wait-for-success'], 3, /only applies with --run-task/],
  [['-d', 'f', '-i', 'nginx:1', '--run-task', '--launch-type', 'MOON'], 3, /EC2, FARGATE or EXTERNAL/],
  [
    ['-d', 'f', '-i', 'nginx:1', '--run-task', '--network-configuration', 'subnets=[a]'],
    3,
    /awsvpcConfiguration/,
  ],
  [['-d', 'f', '-i', 'nginx:1', '-D', '2'], 3, /applies to a service/],
  [
    ['-c', 'c', '-n', 's', '-i', 'repo/app', '-e', 'SLIPWAY_TEST_UNSET_VAR'],
    3,
    /SLIPWAY_TEST_UNSET_VAR .*not set/,
  ],
  // Without -i, an unset -e variable leaves nothing to deploy, as in the script.
  // Without -i the unset variable is still what is wrong (issue 17: it was "nothing to deploy", exit 8).
  [['-c', 'c', '-n', 's', '-e', 'SLIPWAY_TEST_UNSET_VAR'], 3, /SLIPWAY_TEST_UNSET_VAR .*not set/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--output', 'yaml'], 3, /--output must be text or json/],
  [['-c', 'c', '-n', 's', '--env', 'web=KEY'], 3, /--env takes NAME:KEY=VALUE/],
  [['-c', 'c', '-n', 's', '--cpu', 'web=lots'], 3, /--cpu web must be a whole number/],
  [['-c', 'c', '-n', 's', '--command', 'web=sh -c "unclosed'], 3, /unclosed/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--exclusive-env'], 3, /name at least one/],
  [['-c', 'c', '-n', 's', '--task-definition-file', join(dir, 'missing.json')], 3, /cannot be read/],
  [['-c', 'c', '-n', 's', '--task-definition-file', notJson], 3, /is not JSON/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '-r', 'Mars'], 3, /must be an AWS region/],
  [['-c', 'c', '-n', 's', '-i', 'nginx:1', '--endpoint-url', 'localhost'], 3, /http\(s\) URL/],
];

describe('ecs-deploy validation exit codes', () => {
  for (const [args, code, says] of CASES) {
    it(`${args.join(' ') || '(no flags)'} → ${code}`, async () => {
      const r = await cli(args);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, says);
    });
  }

  it('-h documents our defaults and every exit code', async () => {
    const r = await runCli(['ecs-deploy', '-h'], process.env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /-to, --tag-only <tag>/);
    assert.match(r.stdout, /900 s/);
    assert.match(r.stdout, /600 s/);
    for (const code of [0, 1, 3, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18]) {
      assert.match(r.stdout, new RegExp(`^ +${code} `, 'm'), `exit code ${code} in --help`);
    }
  });

  it('--version prints the version', async () => {
    // The bin `ecs-deploy` is the same command.
    const r = await runEcsDeployBin(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('no region anywhere is an AWS_CREDENTIALS error (3) that says where to set one', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_CONFIG_FILE = join(dir, 'none');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'none');
    try {
      const r = await cli(['-c', 'c', '-n', 's', '-i', 'nginx:1']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /AWS_CREDENTIALS.*-r REGION/);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
