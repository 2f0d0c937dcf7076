/**
 * End to end, through the HTTP API of a whole Slipway over the AWS sandbox: cancelling a deployment
 * whose ECS rollout is in flight, guided failure (retry after the cause is fixed, ignore, fail) and
 * manual intervention (proceed, abort, and a user outside the responsible team refused).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { ApiClient } from '../../src/cli/api-client.js';
import { POLL } from '../../src/core/rollout/poll.js';
import type { logLineSchema } from '../../src/server/routes/release-http.js';
import { deploymentSchema, interruptionSchema, releaseSchema } from '../../src/server/routes/release-http.js';
import { startWorld, type World } from '../helpers/slipway-world.js';

const REGION = 'us-east-1';
const CLUSTER = 'e2e';
const REPOSITORY = 'e2e-app';
/** Generous: a deployment here takes a second or two; the deadline only turns a hang into a failure. */
const DEADLINE_MS = 30_000;

type Deployment = z.output<typeof deploymentSchema>;
type Interruption = z.output<typeof interruptionSchema>;
type LogLine = z.output<typeof logLineSchema>;

function config(markerDir: string): string {
  const ecsStep = (service: string) => `
        - name: Deploy
          roles: [e2e]
          action:
            type: ecs-update-service
            service: ${service}
            packages: [{ name: app, feed: Sandbox ECR, image: ${REPOSITORY} }]
            containers: [{ name: web, image: app }]`;
  return `apiVersion: slipway/v1
space: Default
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: ${REGION} }
feeds:
  - { name: Sandbox ECR, type: ecr, region: ${REGION}, awsAccount: Sandbox }
lifecycles:
  - name: Dev only
    phases: [{ name: Development, manualEnvironments: [Dev] }]
projects:
  - name: slowpoke
    lifecycle: Dev only
    process:
      steps:${ecsStep('slow-web')}
  - name: flaky
    lifecycle: Dev only
    guidedFailure: true
    process:
      steps:${ecsStep('flaky-web')}
  - name: checked
    lifecycle: Dev only
    guidedFailure: true
    process:
      steps:
        - name: Check
          action:
            type: run-script
            syntax: bash
            script: |
              if [ -f '${markerDir}/#{Octopus.Deployment.Id}.ok' ]; then
                echo "marker found for #{Octopus.Release.Number}"
              else
                fail_step "no marker for release #{Octopus.Release.Number}"
              fi
        - name: After
          action:
            type: run-script
            syntax: bash
            script: |
              echo "after ran for #{Octopus.Release.Number}"
  - name: gated
    lifecycle: Dev only
    process:
      steps:
        - name: Approve
          action:
            type: manual-intervention
            instructions: 'Check the dashboard before #{Octopus.Release.Number} goes out.'
            responsibleTeams: [Approvers]
        - name: Deploy
          roles: [e2e]
          action:
            type: ecs-update-service
            service: gated-web
            containers:
              - name: web
                environment: [{ name: RELEASE, value: '#{Octopus.Release.Number}' }]
ecsTargets:
  - { name: e2e, awsAccount: Sandbox, region: ${REGION}, cluster: ${CLUSTER}, roles: [e2e], environments: [Dev] }
`;
}

const statsSchema = z.object({
  actions: z.record(z.string(), z.object({ calls: z.number(), throttled: z.number(), errors: z.number() })),
});

describe('e2e: cancel, guided failure and manual intervention', () => {
  let world: World;
  let ecs: ECSClient;
  let markerDir: string;
  let approversTeamId: string;
  let approver: ApiClient;
  let outsiderKey: string;
  /** `<registry>/<repository>` in the default account's ECR (what the feed's images are). */
  let repository: string;
  /** The image a release of `tag` gives the container. */
  const imageOf = (tag: string) => `${repository}:${tag}`;

  const api = (...segments: string[]) => world.client.spacePath(...segments);

  async function sandbox(method: 'GET' | 'DELETE', path: string): Promise<unknown> {
    const res = await fetch(`${world.sandbox.endpoint}/_sandbox/${path}`, { method });
    assert.ok(res.ok, `sandbox ${method} ${path}: ${res.status}`);
    return (await res.json()) as unknown;
  }

  const stats = async () => statsSchema.parse(await sandbox('GET', 'stats')).actions;
  const calls = async (action: string) => (await stats())[action]?.calls ?? 0;

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function deploy(project: string, version: string, packages: string[] = []): Promise<Deployment> {
    const release = await world.client.post(api('releases'), { project, version, packages }, releaseSchema);
    const created = await world.client.post(
      api('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    assert.equal(created.items.length, 1);
    return created.items[0]!;
  }

  const getDeployment = (id: string) => world.client.get(api('deployments', id), deploymentSchema);

  const logOf = (id: string): Promise<LogLine[]> => world.log(id);

  const logText = async (id: string) =>
    (await logOf(id)).map((l) => `[${l.path.join(' / ')}] ${l.level}: ${l.message}`).join('\n');

  const interruptionsOf = async (id: string) =>
    (
      await world.client.get(
        api('deployments', id, 'interruptions'),
        z.object({ items: z.array(interruptionSchema) }),
      )
    ).items;

  const openInterruption = (id: string) =>
    waitFor(`an open interruption of ${id}`, async () =>
      (await interruptionsOf(id)).find((i) => i.answer === undefined),
    );

  function answer(i: Interruption, reply: string, notes: string, client = world.client) {
    return client.post(api('interruptions', i.id, 'answer'), { answer: reply, notes }, interruptionSchema);
  }

  before(async () => {
    world = await startWorld({ timeScale: 300 });
    ecs = world.ecs();
    markerDir = join(world.shared, 'markers');
    repository = await world.pushImages(REPOSITORY, ['1.0.0', '2.0.0', '3.0.0']);
    for (const service of ['slow-web', 'flaky-web', 'gated-web']) {
      await world.createService({
        cluster: CLUSTER,
        service,
        container: 'web',
        image: imageOf('1.0.0'),
        desiredCount: 2,
      });
    }

    // People first: the process names the team, and teams are not part of configuration files.
    const user = z.object({ id: z.string(), name: z.string() });
    const key = z.object({ key: z.string() });
    const approverUser = await world.client.post('/api/users', { name: 'approver' }, user);
    const outsiderUser = await world.client.post('/api/users', { name: 'outsider' }, user);
    const approverKey = await world.client.post(
      `/api/users/${approverUser.id}/api-keys`,
      { name: 'e2e' },
      key,
    );
    outsiderKey = (await world.client.post(`/api/users/${outsiderUser.id}/api-keys`, { name: 'e2e' }, key))
      .key;
    approver = new ApiClient({ server: world.url, apiKey: approverKey.key });
    const team = z.object({ id: z.string() });
    approversTeamId = (
      await world.client.post(
        api('teams'),
        { name: 'Approvers', members: ['approver'], grants: [{ role: 'deployer' }] },
        team,
      )
    ).id;
    // Deployers may answer interruptions in general, but not one that names another team.
    await world.client.post(
      api('teams'),
      { name: 'Deployers', members: ['outsider'], grants: [{ role: 'deployer' }] },
      team,
    );
    mkdirSync(markerDir);
    await world.apply(config(markerDir));
  });

  after(async () => {
    ecs?.destroy();
    await world?.close();
  });

  it('cancels a deployment whose rollout is in flight: canceled, logged, and no AWS call after it ended', async () => {
    // Tasks of 2.0.0 take a sandbox day to start, so the rollout is still in flight when we cancel.
    await world.admin('faults/images', { image: imageOf('2.0.0'), slowStartSeconds: 86_400 });
    const before = (await world.describeService(CLUSTER, 'slow-web')).taskDefinitionArn;
    const d = await deploy('slowpoke', '1.0.0', ['app:2.0.0']);
    await waitFor('the rollout of slow-web to start', async () => {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['slow-web'] }));
      const primary = out.services?.[0]?.deployments?.find((x) => x.status === 'PRIMARY');
      return primary && primary.taskDefinition !== before && primary.rolloutState === 'IN_PROGRESS'
        ? true
        : undefined;
    });
    assert.equal((await getDeployment(d.id)).state, 'executing');

    const res = await world.client.request('POST', api('deployments', d.id, 'cancel'), deploymentSchema);
    assert.equal(res.status, 202);
    assert.ok(['cancelling', 'canceled'].includes(res.body.state), res.body.state);
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'canceled', `ended ${ended.state}: ${ended.error ?? ''}`);
    assert.ok(ended.finishedAt);

    // Once it ended, nothing more reaches AWS for it: sandbox time passes, and real time longer than
    // the rollout watcher's slowest poll, and the call counts stand still.
    const atEnd = await stats();
    assert.ok((atEnd['ecs:DescribeServices']?.calls ?? 0) > 0, 'the rollout was being watched');
    await world.admin('time', { advanceSeconds: 120 });
    await new Promise((r) => setTimeout(r, POLL.farMaxMs + 1_000));
    assert.deepEqual(await stats(), atEnd);

    const log = await logText(d.id);
    assert.match(log, /\[\] info: Deployment canceled\./);
    assert.doesNotMatch(log, /Deployment succeeded|Deployment failed/);
    // ECS was left rolling (Slipway does not roll back on cancel).
    const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['slow-web'] }));
    assert.equal(
      out.services?.[0]?.deployments?.find((x) => x.status === 'PRIMARY')?.rolloutState,
      'IN_PROGRESS',
    );
    await sandbox('DELETE', 'faults');
  });

  it('guided failure: a crashing image fails the step, the fault is fixed, retry succeeds', async () => {
    await world.admin('faults/images', { image: imageOf('3.0.0'), crashExitCode: 1, crashAfterSeconds: 5 });
    const d = await deploy('flaky', '1.0.0', ['app:3.0.0']);
    assert.equal(d.guidedFailure, true, 'the project’s guided failure applies');
    const question = await openInterruption(d.id);
    assert.equal(question.kind, 'guided-failure');
    assert.equal(question.step, 'Deploy');
    assert.equal(question.target, 'e2e');
    assert.match(question.instructions, /failed: tasks failed to start; ECS rolled the service back/);
    assert.equal((await getDeployment(d.id)).state, 'executing', 'it waits for an answer');
    assert.notEqual(
      (await world.describeService(CLUSTER, 'flaky-web')).images['web'],
      imageOf('3.0.0'),
      'ECS rolled back',
    );

    await sandbox('DELETE', 'faults');
    const answered = await answer(question, 'retry', 'the crash is fixed');
    assert.equal(answered.answer, 'retry');
    assert.equal(answered.answeredBy, 'admin');
    assert.equal(answered.notes, 'the crash is fixed');

    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    assert.equal((await world.describeService(CLUSTER, 'flaky-web')).images['web'], imageOf('3.0.0'));
    const all = await interruptionsOf(d.id);
    assert.equal(all.length, 1, 'one question, answered once');
    assert.equal(all[0]?.notes, 'the crash is fixed');
    const log = await logText(d.id);
    assert.match(log, /Guided failure: waiting/);
    assert.match(log, /Retrying \(answered by admin\b/);
    assert.match(log, /\[\] info: Deployment succeeded\./);
  });

  it('guided failure: a script step that fails runs again on retry once its cause is fixed', async () => {
    const d = await deploy('checked', '1.0.0');
    const question = await openInterruption(d.id);
    assert.equal(question.step, 'Check');
    assert.match(question.instructions, /no marker for release 1\.0\.0/);
    writeFileSync(join(markerDir, `${d.id}.ok`), '');
    await answer(question, 'retry', 'marker written');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    const log = await logText(d.id);
    assert.match(log, /\[Check\] info: marker found for 1\.0\.0/);
    assert.match(log, /\[After\] info: after ran for 1\.0\.0/);
  });

  it('guided failure: ignore counts the step as done and the deployment continues', async () => {
    const d = await deploy('checked', '1.0.1');
    const question = await openInterruption(d.id);
    await answer(question, 'ignore', 'known problem, go on');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    const log = await logText(d.id);
    assert.match(log, /Failure ignored \(answered by admin\b/);
    assert.match(log, /\[After\] info: after ran for 1\.0\.1/);
    assert.doesNotMatch(log, /marker found/);
  });

  it('guided failure: fail ends the deployment failed and the later step is skipped', async () => {
    const d = await deploy('checked', '1.0.2');
    const question = await openInterruption(d.id);
    const answered = await answer(question, 'fail', 'not today');
    assert.equal(answered.answer, 'fail');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'failed');
    assert.match(ended.error ?? '', /Check.*no marker for release 1\.0\.2/s);
    const log = await logText(d.id);
    assert.match(log, /\[Check\] error: Failed \(answered by admin\b/);
    assert.match(log, /\[After\] info: Skipped/);
    assert.doesNotMatch(log, /after ran/);
    // A guided failure answered "fail" is not asked again.
    assert.equal((await interruptionsOf(d.id)).filter((i) => i.answer === undefined).length, 0);
  });

  it('manual intervention: only the responsible team may answer; proceed runs the next step', async () => {
    const d = await deploy('gated', '1.0.1');
    const question = await openInterruption(d.id);
    assert.equal(question.kind, 'manual-intervention');
    assert.equal(question.step, 'Approve');
    assert.match(question.instructions, /before 1\.0\.1 goes out/);
    assert.deepEqual(question.responsibleTeamIds, [approversTeamId]);

    const refused = await fetch(`${world.url}${api('interruptions', question.id, 'answer')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${outsiderKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ answer: 'proceed', notes: 'looks fine to me' }),
    });
    assert.equal(refused.status, 403);
    const body = z.object({ code: z.string(), message: z.string() }).parse(await refused.json());
    assert.equal(body.code, 'FORBIDDEN');
    assert.match(body.message, /Approvers/);
    assert.equal((await interruptionsOf(d.id))[0]?.answer, undefined, 'the refused answer changed nothing');
    assert.equal((await getDeployment(d.id)).state, 'executing');

    const answered = await answer(question, 'proceed', 'dashboard is green', approver);
    assert.equal(answered.answeredBy, 'approver');
    assert.equal(answered.notes, 'dashboard is green');
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'success', `ended ${ended.state}: ${ended.error ?? ''}`);
    const gated = await world.describeService(CLUSTER, 'gated-web');
    assert.deepEqual(gated.environment['web'], { RELEASE: '1.0.1' });
    const log = await logText(d.id);
    assert.match(log, /Manual intervention: proceed/);
    // The log names the responsible team, not its id.
    assert.match(log, /Waiting for manual intervention by Approvers:/);
  });

  it('manual intervention: abort fails the deployment and the later step never touches ECS', async () => {
    const d = await deploy('gated', '1.0.2');
    const question = await openInterruption(d.id);
    const updatesBefore = await calls('ecs:UpdateService');
    const registersBefore = await calls('ecs:RegisterTaskDefinition');
    await answer(question, 'abort', 'error rate too high', approver);
    const ended = await world.waitForDeployment(d.id);
    assert.equal(ended.state, 'failed');
    assert.match(ended.error ?? '', /aborted/);
    assert.equal(await calls('ecs:UpdateService'), updatesBefore);
    assert.equal(await calls('ecs:RegisterTaskDefinition'), registersBefore);
    const gated = await world.describeService(CLUSTER, 'gated-web');
    assert.deepEqual(gated.environment['web'], { RELEASE: '1.0.1' }, 'still what 1.0.1 deployed');
    const log = await logText(d.id);
    assert.match(log, /\[Deploy\] info: Skipped/);
  });
});
