/**
 * How a deployment ends, as the exit code, stdout and stderr say it: 0, 1, 14–18; --output json;
 * --diff and --dry-run change nothing; several services; CI lines name the service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NGINX, short, World, type ServiceSpec } from './world.js';

const CLUSTER = 'outcomes';
let world: World;

before(async () => {
  world = await World.start();
  await world.cluster(CLUSTER, 12);
});
after(async () => {
  await world?.close();
});

/** A service on its own image `NGINX:<name>-good`, so that image faults touch no other test. */
function service(name: string, extra: Partial<ServiceSpec> = {}) {
  return world.service({
    cluster: CLUSTER,
    service: name,
    containers: [{ name: 'web', image: `${NGINX}:${name}-good`, memory: 128, essential: true }],
    ...extra,
  });
}

/** An image of the same repository that fails to pull. */
async function broken(name: string): Promise<string> {
  const image = `${NGINX}:${name}-bad`;
  await world.fault(image, { failPull: true });
  return image;
}

const deploy = (name: string, ...args: string[]) => world.cli(['-c', CLUSTER, '-n', name, ...args]);

describe('outcomes and exit codes', { concurrency: 4 }, () => {
  it('0 succeeded: the whole rollout completed, all tasks on the new revision', async () => {
    await service('ok', { desiredCount: 4 });
    const r = await deploy('ok', '-i', `${NGINX}:ok-v2`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok: succeeded \(revision ok:2, runs ok:2\)/);
    const svc = await world.describe(CLUSTER, 'ok');
    assert.equal(svc.deployments?.length, 1);
    assert.equal(svc.runningCount, 4);
    assert.equal(short(svc.taskDefinition), 'ok:2');
  });

  it('0 no-change: the same image again registers nothing', async () => {
    await service('same');
    const r = await deploy('same', '-i', `${NGINX}:same-good`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^same: no-change/);
    assert.equal((await world.revisions('same')).length, 1);
  });

  it('1 failed: nobody rolls back; the reason is reported', async () => {
    await service('fails');
    const r = await deploy('fails', '-i', await broken('fails'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^fails: failed .*CannotPullContainerError/);
  });

  it('14 failed-ecs-rolled-back: the circuit breaker rolled back', async () => {
    await service('breaker', {
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    });
    const r = await deploy('breaker', '-i', await broken('breaker'));
    assert.equal(r.code, 14, r.stderr);
    assert.match(r.stdout, /^breaker: failed-ecs-rolled-back \(revision breaker:2, runs breaker:1\)/);
  });

  it('15 failed-rolled-back: our rollback went back to the last good revision, waited and checked', async () => {
    await service('rollback');
    const r = await deploy('rollback', '-i', await broken('rollback'), '--enable-rollback');
    assert.equal(r.code, 15, r.stderr);
    assert.match(r.stdout, /^rollback: failed-rolled-back \(revision rollback:2, runs rollback:1\)/);
    // The script fires UpdateService and exits; we return once the old revision runs again.
    const svc = await world.describe(CLUSTER, 'rollback');
    assert.equal(svc.deployments?.length, 1);
    assert.equal(svc.deployments?.[0]?.rolloutState, 'COMPLETED');
    assert.equal(short(svc.taskDefinition), 'rollback:1');
    assert.equal(svc.runningCount, svc.desiredCount);
  });

  it('16 rollback-failed: the last good revision fails now too', async () => {
    await service('doomed');
    // The revision to go back to now crashes: the rollback cannot succeed.
    await world.fault(`${NGINX}:doomed-good`, { crashExitCode: 1, crashAfterSeconds: 1 });
    const r = await deploy(
      'doomed',
      '-i',
      await broken('doomed'),
      '--enable-rollback',
      '--inactivity-timeout',
      '20',
    );
    assert.equal(r.code, 16, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^doomed: rollback-failed/);
  });

  it('17 timed-out: -t passed, ECS may still be rolling', async () => {
    await service('slow');
    const image = `${NGINX}:slow-v2`;
    await world.fault(image, { slowStartSeconds: 1_000_000 });
    const r = await deploy('slow', '-i', image, '-t', '2', '--inactivity-timeout', '60');
    assert.equal(r.code, 17, r.stderr);
    assert.match(r.stdout, /^slow: timed-out .*may still be rolling/);
  });

  it('18 inactive: nothing progressed for --inactivity-timeout', async () => {
    await service('stuck');
    const image = `${NGINX}:stuck-v2`;
    await world.fault(image, { slowStartSeconds: 1_000_000 });
    const r = await deploy('stuck', '-i', image, '--inactivity-timeout', '2');
    assert.equal(r.code, 18, r.stderr);
    assert.match(r.stdout, /^stuck: inactive .*nothing changed/);
  });
});

describe('output and previews', { concurrency: 4 }, () => {
  it('--output json: NDJSON events on stderr, one JSON result on stdout', async () => {
    await service('json');
    const r = await deploy('json', '-i', `${NGINX}:json-v2`, '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      outcome: string;
      results: { name: string; taskDefinitionArn: string }[];
    };
    assert.equal(result.outcome, 'succeeded');
    assert.equal(short(result.results[0]?.taskDefinitionArn), 'json:2');
    const events = r.stderr
      .trimEnd()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { code: string; data: { service?: string; deployments?: unknown[] } },
      );
    const codes = new Set(events.map((e) => e.code));
    for (const code of [
      'deploy.registered',
      'deploy.service-updated',
      'deploy.deployments',
      'deploy.succeeded',
    ]) {
      assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
    }
    for (const e of events) if (e.code.startsWith('deploy.')) assert.equal(e.data.service, 'json');
    const table = events.find((e) => e.code === 'deploy.deployments');
    assert.ok(Array.isArray(table?.data.deployments));
  });

  it('--diff prints the change and registers nothing', async () => {
    await service('diff');
    const r = await deploy('diff', '-i', `${NGINX}:diff-v2`, '--env', 'web:MODE=blue', '--diff');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /diff-good.*diff-v2/);
    assert.match(r.stdout, /MODE/);
    assert.match(r.stdout, /^diff: previewed/m);
    assert.equal((await world.revisions('diff')).length, 1);
    assert.equal(short((await world.describe(CLUSTER, 'diff')).taskDefinition), 'diff:1');
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    await service('dry');
    const r = await deploy('dry', '-i', `${NGINX}:dry-v2`, '-D', '3', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dry: previewed/m);
    assert.match(r.stderr, /\[dry\] .*will register/);
    assert.equal((await world.revisions('dry')).length, 1);
    assert.equal((await world.describe(CLUSTER, 'dry')).desiredCount, 2);
  });

  it('several -n: deployed together; one result line each; CI lines name their service', async () => {
    await Promise.all(['multi-a', 'multi-b', 'multi-c'].map((n) => service(n)));
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-n',
      'multi-a',
      '-n',
      'multi-b',
      '-n',
      'multi-c',
      '-to',
      'v2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(':')[0]).sort(), ['multi-a', 'multi-b', 'multi-c']);
    for (const l of lines) assert.match(l, /: succeeded/);
    for (const line of r.stderr.trimEnd().split('\n')) {
      assert.match(line, /^\S+Z \[multi-[abc]\] /, `a CI line without its service: ${line}`);
    }
    for (const n of ['multi-a', 'multi-b', 'multi-c']) {
      assert.equal(short((await world.describe(CLUSTER, n)).taskDefinition), `${n}:2`);
    }
  });

  it('the worst outcome decides the exit code of several services', async () => {
    // -to retags both; only the nginx repository's new tag is broken.
    await service('worst-bad');
    await world.service({
      cluster: CLUSTER,
      service: 'worst-ok',
      containers: [{ name: 'web', image: 'public.ecr.aws/docker/library/httpd:2.4', memory: 128 }],
    });
    await world.fault(`${NGINX}:v9`, { failPull: true });
    const r = await world.cli(['-c', CLUSTER, '-n', 'worst-ok', '-n', 'worst-bad', '-to', 'v9']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^worst-ok: succeeded/m);
    assert.match(r.stdout, /^worst-bad: failed/m);
  });
});
