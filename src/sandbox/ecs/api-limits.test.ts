/** ECS's and CloudWatch Logs' own documented limits, on top of what the service models say. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { failure, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';

let env: EcsTestEnv;

before(async () => {
  env = await startEcsEnv();
  await env.ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
  await env.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx:1', memory: 64 }],
    }),
  );
  await env.ecs.send(
    new CreateServiceCommand({ cluster: 'c', serviceName: 's', taskDefinition: 'web', desiredCount: 0 }),
  );
});
after(() => env.close());

function register(
  container: Partial<ContainerDefinition>,
  task: Partial<RegisterTaskDefinitionCommandInput> = {},
) {
  return env.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'limits',
      containerDefinitions: [{ name: 'web', image: 'nginx:1', memory: 64, ...container }],
      ...task,
    }),
  );
}

describe('ECS limits', () => {
  it('desiredCount: at most 5,000 tasks per service, at most Int32 in any case', async () => {
    const quota = await failure(
      env.ecs.send(new UpdateServiceCommand({ cluster: 'c', service: 's', desiredCount: 5001 })),
    );
    assert.equal(quota.name, 'InvalidParameterException');
    assert.match(quota.message, /less than or equal to 5000, the Tasks per service quota/);
    const huge = await failure(
      env.ecs.send(new UpdateServiceCommand({ cluster: 'c', service: 's', desiredCount: 1e12 })),
    );
    assert.equal(huge.name, 'InvalidParameterException');
    assert.match(huge.message, /Value '1000000000000' at 'desiredCount'/);
  });

  it('deploymentConfiguration percents stay in range', async () => {
    const max = await failure(
      env.ecs.send(
        new UpdateServiceCommand({
          cluster: 'c',
          service: 's',
          deploymentConfiguration: { maximumPercent: 3e9, minimumHealthyPercent: 50 },
        }),
      ),
    );
    assert.match(max.message, /at 'deploymentConfiguration\.maximumPercent'/);
    const min = await failure(
      env.ecs.send(
        new UpdateServiceCommand({
          cluster: 'c',
          service: 's',
          deploymentConfiguration: { minimumHealthyPercent: 101 },
        }),
      ),
    );
    assert.match(min.message, /minimumHealthyPercent must be between 0 and 100/);
  });

  it('a task definition over 64 KiB is refused with ECS’s wording', async () => {
    const environment = Array.from({ length: 70 }, (_, i) => ({ name: `V${i}`, value: 'x'.repeat(1000) }));
    const e = await failure(register({ environment }));
    assert.equal(e.name, 'ClientException');
    assert.match(e.message, /^Actual length: '\d+'\. Max allowed length is '65536' bytes\.$/);
  });

  it('container numbers within their documented ranges', async () => {
    const cases: [Partial<ContainerDefinition>, RegExp][] = [
      [{ portMappings: [{ containerPort: 70000 }] }, /containerPort 70000 is not between 0 and 65535/],
      [{ portMappings: [{ containerPort: 80, hostPort: -1 }] }, /hostPort -1 is not between 0 and 65535/],
      [{ memory: 2 }, /Invalid 'memory' setting for container 'web'. The minimum is 4 MiB/],
      [{ memory: 64, memoryReservation: 128 }, /'memoryReservation'.*must not exceed 'memory'/],
      [{ cpu: -1 }, /Invalid 'cpu' setting for container 'web'/],
      [
        { healthCheck: { command: ['CMD', 'true'], interval: 1 } },
        /interval must be between 5 and 300 seconds/,
      ],
      [{ healthCheck: { command: ['CMD', 'true'], retries: 11 } }, /retries must be between 1 and 10/],
      [{ linuxParameters: { swappiness: 101 } }, /swappiness must be between 0 and 100/],
    ];
    for (const [container, message] of cases) {
      const e = await failure(register(container));
      assert.equal(e.name, 'ClientException', JSON.stringify(container));
      assert.match(e.message, message);
    }
    const cpu = await failure(register({}, { cpu: '64' }));
    assert.match(cpu.message, /Invalid 'cpu' setting for task. It must be between 128 and 196608 CPU units/);
    const storage = await failure(register({}, { ephemeralStorage: { sizeInGiB: 201 } }));
    assert.match(storage.message, /sizeInGiB must be between 21 and 200/);
    // Within range is fine.
    await register({
      cpu: 0,
      portMappings: [{ containerPort: 65535, hostPort: 0 }],
      healthCheck: { command: ['CMD', 'true'], interval: 300, timeout: 2, retries: 10, startPeriod: 0 },
    });
  });

  it('RunTask overrides: at most 8192 characters', async () => {
    const e = await failure(
      env.ecs.send(
        new RunTaskCommand({
          cluster: 'c',
          taskDefinition: 'web',
          overrides: { containerOverrides: [{ name: 'web', command: ['x'.repeat(8200)] }] },
        }),
      ),
    );
    assert.equal(e.name, 'InvalidParameterException');
    assert.equal(e.message, 'Container Overrides length must be at most 8192');
  });
});

describe('CloudWatch Logs limits', () => {
  it('PutLogEvents: an event over 256 KiB, a batch over 1 MiB', async () => {
    const logs = new CloudWatchLogsClient({
      endpoint: env.sb.endpoint,
      region: env.sb.region,
      credentials: env.sb.credentials,
    });
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/limits' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/limits', logStreamName: 's' }));
    const now = Math.floor(env.sb.runtime.now());
    const put = (messages: string[]) =>
      logs.send(
        new PutLogEventsCommand({
          logGroupName: '/limits',
          logStreamName: 's',
          logEvents: messages.map((message) => ({ timestamp: now, message })),
        }),
      );
    const big = await failure(put(['x'.repeat(262_144)]));
    assert.equal(big.name, 'InvalidParameterException');
    assert.equal(big.message, 'Log event too large: 262170 bytes exceeds limit of 262144');
    const batch = await failure(put(Array.from({ length: 5 }, () => 'y'.repeat(250_000))));
    assert.equal(batch.message, 'Upload too large: 1250130 bytes exceeds limit of 1048576');
    await put(Array.from({ length: 4 }, () => 'z'.repeat(250_000)));
  });
});
