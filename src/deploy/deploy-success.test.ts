import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListTagsForResourceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { startSandbox } from '../sandbox/index.js';
import type { AwsClients } from '../aws/clients.js';
import { parseImageReference } from '../core/images/reference.js';
import { runEcsDeploy } from './ecs-deploy.js';
import {
  admin,
  collector,
  container,
  createStableService,
  fastHooks,
  register,
  request,
  sandboxClients,
  stats,
} from '../../test/kits/deploy.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

describe('ecs-deploy: success paths', () => {
  let sb: Sandbox;
  let clients: AwsClients;
  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    clients = sandboxClients(sb);
    await admin(sb, 'POST', 'clusters', { name: 'c1', instances: { count: 3 } });
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('registers, updates and waits for our deployment to complete', async () => {
    const v1 = await register(clients, 'web', [container('public.ecr.aws/docker/library/nginx:1.26')]);
    await createStableService(clients, {
      cluster: 'c1',
      serviceName: 'web',
      taskDefinition: v1,
      desiredCount: 2,
    });
    await admin(sb, 'DELETE', 'stats');
    const c = collector();
    const res = await runEcsDeploy(
      request({
        cluster: 'c1',
        services: ['web'],
        image: parseImageReference('public.ecr.aws/docker/library/nginx:1.27'),
      }),
      clients,
      c.emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded', JSON.stringify(res));
    const [r] = res.results;
    assert.match(r!.taskDefinitionArn!, /task-definition\/web:2$/);
    assert.equal(r!.runningTaskDefinitionArn, r!.taskDefinitionArn);
    assert.ok(r!.deploymentId?.startsWith('ecs-svc/'));
    for (const code of [
      'deploy.plan',
      'deploy.registered',
      'deploy.service-updated',
      'deploy.deployments',
      'deploy.service-event',
      'deploy.succeeded',
    ])
      assert.ok(c.codes().includes(code), code);
    for (const e of c.events.filter((e) => e.code.startsWith('deploy.'))) {
      assert.equal(e.data['service'], 'web', e.code);
      assert.match(e.message, /web/);
    }
    const table = c.events.find((e) => e.code === 'deploy.deployments')!.data['deployments'] as {
      taskDefinition: string;
    }[];
    assert.ok(table.some((row) => row.taskDefinition === 'web:2'));
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1);
    assert.equal(s['ecs:UpdateService'], 1);
    // Completion is noticed without a storm of reads.
    assert.ok((s['ecs:DescribeServices'] ?? 0) <= 20, `DescribeServices calls: ${s['ecs:DescribeServices']}`);
  });

  it('no-change: the same image again registers nothing', async () => {
    await admin(sb, 'DELETE', 'stats');
    const res = await runEcsDeploy(
      request({
        cluster: 'c1',
        services: ['web'],
        image: parseImageReference('public.ecr.aws/docker/library/nginx:1.27'),
      }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'no-change');
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'] ?? 0, 0);
    assert.equal(s['ecs:UpdateService'] ?? 0, 0);
  });

  it('force new deployment keeps the revision', async () => {
    await admin(sb, 'DELETE', 'stats');
    const res = await runEcsDeploy(
      request({ cluster: 'c1', services: ['web'], forceNewDeployment: true }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded');
    assert.match(res.results[0]!.taskDefinitionArn!, /web:2$/);
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'] ?? 0, 0);
    assert.equal(s['ecs:UpdateService'], 1);
  });

  it('--diff and --dry-run change nothing', async () => {
    await admin(sb, 'DELETE', 'stats');
    for (const flags of [{ diffOnly: true }, { dryRun: true }]) {
      const c = collector();
      const res = await runEcsDeploy(
        request({
          cluster: 'c1',
          services: ['web'],
          image: parseImageReference('public.ecr.aws/docker/library/nginx:1.28'),
          ...flags,
        }),
        clients,
        c.emit,
        fastHooks(),
      );
      assert.equal(res.outcome, 'previewed');
      const diff = c.events.find((e) => e.code === 'deploy.diff');
      assert.ok(diff && /1\.28/.test(diff.message), diff?.message);
    }
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'] ?? 0, 0);
    assert.equal(s['ecs:UpdateService'] ?? 0, 0);
  });

  it('--copy-task-definition-tags carries the tags onto the new revision', async () => {
    const v1 = (
      await clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'tagged',
          containerDefinitions: [container('public.ecr.aws/docker/library/nginx:1.26')],
          tags: [{ key: 'team', value: 'blue' }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    await createStableService(clients, {
      cluster: 'c1',
      serviceName: 'tagged',
      taskDefinition: v1,
      desiredCount: 1,
    });
    const res = await runEcsDeploy(
      request({
        cluster: 'c1',
        services: ['tagged'],
        image: parseImageReference('public.ecr.aws/docker/library/nginx:1.27'),
        copyTaskDefinitionTags: true,
      }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded');
    const tags = await clients.ecs.send(
      new ListTagsForResourceCommand({ resourceArn: res.results[0]!.taskDefinitionArn! }),
    );
    assert.deepEqual(tags.tags, [{ key: 'team', value: 'blue' }]);
  });

  it('an unknown service is NOT_FOUND naming cluster and service', async () => {
    await assert.rejects(
      runEcsDeploy(
        request({ cluster: 'c1', services: ['nope'], forceNewDeployment: true }),
        clients,
        collector().emit,
        fastHooks(),
      ),
      (e: Error & { code?: string }) =>
        e.code === 'NOT_FOUND' && /nope/.test(e.message) && /c1/.test(e.message),
    );
  });
});
