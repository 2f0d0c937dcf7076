import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { startSandbox } from '../index.js';
import { addContainerInstances } from './admin.js';

test('end to end through @aws-sdk/client-ecs: create, update, watch the rollout complete', async () => {
  const sb = await startSandbox({ port: 0, timeScale: 200, throttling: false });
  try {
    const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await ecs.send(new CreateClusterCommand({ clusterName: 'e2e' }));
    const account = sb.runtime.world.accounts[sb.accountId]!;
    addContainerInstances(sb.runtime, account, sb.region, 'e2e', { count: 3 });
    const register = async (image: string) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'e2e-web',
            containerDefinitions: [
              {
                name: 'web',
                image,
                cpu: 128,
                memory: 256,
                portMappings: [{ containerPort: 80, hostPort: 80 }],
              },
            ],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const v1 = await register('nginx:1.25');
    const v2 = await register('nginx:1.27');
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'e2e',
        serviceName: 'web',
        taskDefinition: v1,
        desiredCount: 2,
        launchType: 'EC2',
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
      }),
    );
    const describe = async (): Promise<Service> =>
      (await ecs.send(new DescribeServicesCommand({ cluster: 'e2e', services: ['web'] }))).services![0]!;
    const waitCompleted = async (deploymentId?: string): Promise<Service> => {
      for (let i = 0; i < 400; i++) {
        const s = await describe();
        const d = s.deployments ?? [];
        if (
          d.length === 1 &&
          d[0]!.rolloutState === 'COMPLETED' &&
          (!deploymentId || d[0]!.id === deploymentId)
        ) {
          return s;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('rollout did not complete');
    };
    await waitCompleted();
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: 'e2e', service: 'web', taskDefinition: v2 }),
    );
    const primary = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!;
    assert.equal(primary.taskDefinition, v2);
    assert.equal(primary.rolloutState, 'IN_PROGRESS');
    const started = performance.now();
    const done = await waitCompleted(primary.id);
    assert.ok(performance.now() - started < 5000);
    assert.equal(done.runningCount, 2);
    assert.equal(done.taskDefinition, v2);
    assert.equal(done.events![0]!.message, '(service web) has reached a steady state.');
    assert.ok(
      done.events!.some((e) => e.message === `(service web) deployment ${primary.id} deployment completed.`),
    );
    const arns = (await ecs.send(new ListTasksCommand({ cluster: 'e2e', serviceName: 'web' }))).taskArns!;
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'e2e', tasks: arns }));
    assert.equal(tasks!.length, 2);
    for (const t of tasks!) {
      assert.equal(t.lastStatus, 'RUNNING');
      assert.equal(t.taskDefinitionArn, v2);
    }
  } finally {
    await sb.close();
  }
});
