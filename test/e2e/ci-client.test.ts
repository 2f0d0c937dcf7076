/**
 * The CI client as a pipeline runs it: `slipway release create|deploy|promote ... --wait` in child
 * processes against a whole Slipway (sandbox + store + engine + API), with SLIPWAY_SERVER and
 * SLIPWAY_API_KEY in the environment. Real deployments decide the exit code: 0 when they succeed,
 * 1 when one fails (an image that crashes in ECS, a script step that exits 1), 3 when the lifecycle
 * refuses; `--output json` is one parseable document. (test/ci/release-cli.test.ts covers the
 * client's own behaviour against a fake API; this file is about real deployments.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { deploymentPageSchema } from '../../src/cli/ci/schemas.js';
import { startWorld, type World } from '../helpers/slipway-world.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'src/cli/bin.ts');

const CONFIG = `
apiVersion: slipway/v1
environments:
  - name: Dev
  - name: Test
  - name: Prod
awsAccounts:
  - { name: Sandbox, mode: ambient, region: us-east-1 }
feeds:
  - { name: Sandbox ECR, type: ecr, region: us-east-1, awsAccount: Sandbox }
lifecycles:
  - name: Dev Test Prod
    phases:
      - { name: Development, manualEnvironments: [Dev] }
      - { name: Testing, manualEnvironments: [Test] }
      - { name: Production, manualEnvironments: [Prod] }
  - name: Straight to Dev
    phases:
      - { name: Development, automaticEnvironments: [Dev] }
      - { name: Production, manualEnvironments: [Prod] }
projects:
  - name: auto
    lifecycle: Straight to Dev
    process:
      steps:
        - name: Deploy
          roles: [web]
          action:
            type: ecs-update-service
            service: 'auto-#{Octopus.Environment.Name | ToLower}'
            timeoutMinutes: 10
            packages:
              - { name: web, feed: Sandbox ECR, image: web }
            containers:
              - { name: app, image: web }
  - name: web
    lifecycle: Dev Test Prod
    process:
      steps:
        - name: Deploy
          roles: [web]
          action:
            type: ecs-update-service
            service: 'web-#{Octopus.Environment.Name | ToLower}'
            timeoutMinutes: 10
            packages:
              - { name: web, feed: Sandbox ECR, image: web }
            containers:
              - name: app
                image: web
                environment:
                  - { name: STAGE, value: '#{Octopus.Environment.Name}' }
        - name: Smoke test
          action:
            type: run-script
            syntax: bash
            script: |
              echo "smoke test of #{Octopus.Environment.Name}"
              exit #{SmokeExit}
    variables:
      - name: SmokeExit
        value: '0'
        prompt: { label: Exit code of the smoke test, required: false, control: single-line }
ecsTargets:
  - name: web-cluster
    awsAccount: Sandbox
    region: us-east-1
    cluster: web
    roles: [web]
    environments: [Dev, Test, Prod]
`;

const jsonResultSchema = z.object({
  ok: z.boolean(),
  release: z.object({
    version: z.string(),
    packages: z.array(z.object({ package: z.string(), version: z.string() })),
  }),
  deployments: z.array(z.object({ id: z.string(), state: z.string(), error: z.string().nullish() })),
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the CI client in child processes against real deployments', () => {
  let world: World;
  let repository: string;

  before(async () => {
    world = await startWorld({ timeScale: 300 });
    repository = await world.pushImages('web', ['1.0.0', '1.1.0']);
    for (const env of ['dev', 'test', 'prod']) {
      await world.createService({ cluster: 'web', service: `web-${env}`, image: `${repository}:1.0.0` });
    }
    await world.createService({ cluster: 'web', service: 'auto-dev', image: `${repository}:1.0.0` });
    await world.apply(CONFIG);
  });
  after(async () => world?.close());

  /** `slipway <args>` as CI runs it: the server and key from the environment only. */
  function slipway(args: string[]): Promise<Run> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, SLIPWAY_SERVER: world.url, SLIPWAY_API_KEY: world.apiKey, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      // A hung client is a failure, not a hung suite.
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code, stdout, stderr });
      });
    });
  }

  function parseJson(run: Run) {
    // --output json: exactly one document on stdout.
    return jsonResultSchema.parse(JSON.parse(run.stdout));
  }

  it('release create --deploy-to Dev --wait: the newest tag deployed to ECS, exit 0', async () => {
    const run = await slipway([
      'release',
      'create',
      '--project',
      'web',
      '--version',
      '1.1.0',
      '--deploy-to',
      'Dev',
      '--wait',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Releases-\S+ 1\.1\.0$/m);
    assert.match(run.stdout, /^Deployments-\S+ \(web 1\.1\.0 to Dev\): success/m);
    assert.match(run.stderr, /Created release 1\.1\.0 of web \(Releases-\S+\): web:1\.1\.0/);
    // Live progress from the real log: ECS events, then the script's output.
    assert.match(run.stderr, /Deploy \/ web-cluster: .*completed/);
    assert.match(run.stderr, /Smoke test: smoke test of Dev/);
    assert.ok(!run.stdout.includes(world.apiKey) && !run.stderr.includes(world.apiKey));
    const dev = await world.describeService('web', 'web-dev');
    assert.equal(dev.images['app'], `${repository}:1.1.0`);
    assert.equal(dev.environment['app']?.['STAGE'], 'Dev');
  });

  it('a lifecycle that deploys Dev by itself: release create --deploy-to Dev --wait watches that deployment, makes no second', async () => {
    const run = await slipway([
      'release',
      'create',
      '--project',
      'auto',
      '--version',
      '1.1.0',
      '--deploy-to',
      'Dev',
      '--wait',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /Deployed automatically by the lifecycle: Deployments-\S+ \(auto 1\.1\.0 to Dev\)/,
    );
    assert.match(run.stdout, /^Deployments-\S+ \(auto 1\.1\.0 to Dev\): success/m);
    const all = await world.client.get(world.client.spacePath('deployments'), deploymentPageSchema, {
      query: { project: 'auto' },
    });
    assert.deepEqual(
      all.items.map((d) => [d.state, d.createdBy]),
      [['success', 'system (automatic)']],
    );
    assert.equal((await world.describeService('web', 'auto-dev')).images['app'], `${repository}:1.1.0`);
  });

  it('release deploy --to Prod before Test succeeded: refused by the lifecycle, nothing deployed, exit 3', async () => {
    const prodBefore = await world.describeService('web', 'web-prod');
    const run = await slipway([
      'release',
      'deploy',
      '--project',
      'web',
      '--version',
      '1.1.0',
      '--to',
      'Prod',
      '--wait',
    ]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(
      run.stderr,
      /error \[LIFECYCLE_REFUSED\]: Prod is not allowed yet for release 1\.1\.0: Phase "Testing" is not complete/,
    );
    const prod = await world.client.get(world.client.spacePath('deployments'), deploymentPageSchema, {
      query: { project: 'web', environment: 'Prod' },
    });
    assert.deepEqual(prod.items, []);
    assert.equal(
      (await world.describeService('web', 'web-prod')).taskDefinitionArn,
      prodBefore.taskDefinitionArn,
    );
  });

  it('an image that crashes in ECS fails the deployment: exit 1, and --output json says so', async () => {
    await world.pushImages('web', ['1.2.0']);
    await world.admin('faults/images', { image: `${repository}:1.2.0`, crashExitCode: 1 });
    const run = await slipway([
      'release',
      'create',
      '--project',
      'web',
      '--version',
      '1.2.0',
      '--deploy-to',
      'Dev',
      '--wait',
      '--output',
      'json',
    ]);
    assert.equal(run.code, 1, run.stderr);
    const doc = parseJson(run);
    assert.equal(doc.ok, false);
    assert.equal(doc.release.version, '1.2.0');
    assert.deepEqual(
      doc.release.packages.map((p) => `${p.package}:${p.version}`),
      ['web:1.2.0'],
    );
    assert.equal(doc.deployments.length, 1);
    assert.equal(doc.deployments[0]?.state, 'failed');
    assert.match(doc.deployments[0]?.error ?? '', /Step "Deploy" on web-cluster failed/);
    // The reason reached the build log; ECS's circuit breaker brought the last revision back.
    assert.match(
      run.stderr,
      /Deploy \/ web-cluster: error: .*of web-dev:\d+ failed: tasks failed to start; ECS rolled the service back/,
    );
    assert.equal((await world.describeService('web', 'web-dev')).images['app'], `${repository}:1.1.0`);
  });

  it('a script step that exits 1 fails the deployment: exit 1 with the summary line', async () => {
    const run = await slipway([
      'release',
      'deploy',
      '--project',
      'web',
      '--version',
      '1.1.0',
      '--to',
      'Dev',
      '--prompt',
      'SmokeExit=1',
      '--wait',
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^Deployments-\S+ \(web 1\.1\.0 to Dev\): failed: .*Smoke test/m);
    assert.match(run.stderr, /Smoke test: smoke test of Dev/);
  });

  it('release promote takes what last succeeded in Dev (1.1.0, not the failed 1.2.0): exit 0, JSON', async () => {
    const run = await slipway([
      'release',
      'promote',
      '--project',
      'web',
      '--from',
      'Dev',
      '--to',
      'Test',
      '--wait',
      '--output',
      'json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const doc = parseJson(run);
    assert.equal(doc.ok, true);
    assert.equal(doc.release.version, '1.1.0');
    assert.deepEqual(
      doc.deployments.map((d) => d.state),
      ['success'],
    );
    const test = await world.describeService('web', 'web-test');
    assert.equal(test.images['app'], `${repository}:1.1.0`);
    assert.equal(test.environment['app']?.['STAGE'], 'Test');
  });
});
