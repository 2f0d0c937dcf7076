import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { SandboxHandle } from '../index.js';
import { addContainerInstances, removeContainerInstance } from './admin.js';
import { failure, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';

let env: EcsTestEnv;
let sb: SandboxHandle;
let ecs: ECSClient;

before(async () => {
  env = await startEcsEnv();
  ({ sb, ecs } = env);
});
after(() => env.close());

const arnOf = (name: string) => `arn:aws:ecs:${sb.region}:${sb.accountId}:cluster/${name}`;

describe('clusters', () => {
  it('creates idempotently, describes with include and failures, lists in pages', async () => {
    const a = await ecs.send(
      new CreateClusterCommand({ clusterName: 'one', tags: [{ key: 'env', value: 'dev' }] }),
    );
    const b = await ecs.send(new CreateClusterCommand({ clusterName: 'one' }));
    assert.equal(a.cluster?.clusterArn, arnOf('one'));
    assert.equal(b.cluster?.clusterArn, a.cluster?.clusterArn);
    const def = await ecs.send(new CreateClusterCommand({}));
    assert.equal(def.cluster?.clusterName, 'default');

    const d = await ecs.send(
      new DescribeClustersCommand({ clusters: ['one', arnOf('ghost')], include: ['TAGS', 'SETTINGS'] }),
    );
    assert.equal(d.clusters?.[0]?.status, 'ACTIVE');
    assert.deepEqual(d.clusters?.[0]?.tags, [{ key: 'env', value: 'dev' }]);
    assert.ok(d.clusters?.[0]?.settings);
    assert.equal(d.clusters?.[0]?.registeredContainerInstancesCount, 0);
    assert.deepEqual(d.failures, [{ arn: arnOf('ghost'), reason: 'MISSING' }]);
    const plain = await ecs.send(new DescribeClustersCommand({ clusters: ['one'] }));
    assert.equal(plain.clusters?.[0]?.tags, undefined);
    const defaultOnly = await ecs.send(new DescribeClustersCommand({}));
    assert.equal(defaultOnly.clusters?.[0]?.clusterName, 'default');

    const bad = await failure(ecs.send(new CreateClusterCommand({ clusterName: 'no spaces' })));
    assert.equal(bad.name, 'InvalidParameterException');

    for (let i = 0; i < 3; i++) await ecs.send(new CreateClusterCommand({ clusterName: `page-${i}` }));
    const p1 = await ecs.send(new ListClustersCommand({ maxResults: 3 }));
    const p2 = await ecs.send(new ListClustersCommand({ maxResults: 3, nextToken: p1.nextToken }));
    assert.equal(p1.clusterArns?.length, 3);
    assert.equal(p2.clusterArns?.length, 2);
    assert.equal(p2.nextToken, undefined);
  });

  it('refuses to delete clusters with instances, services or tasks', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'busy' }));
    const [ci] = addContainerInstances(sb.runtime, env.account, sb.region, 'busy', { count: 1 });
    const withInstances = await failure(ecs.send(new DeleteClusterCommand({ cluster: 'busy' })));
    assert.equal(withInstances.name, 'ClusterContainsContainerInstancesException');
    removeContainerInstance(sb.runtime, env.account, sb.region, 'busy', ci!.containerInstanceArn);

    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'c',
        containerDefinitions: [{ name: 'a', image: 'i', memory: 64 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster: 'busy', serviceName: 's', taskDefinition: 'c', desiredCount: 0 }),
    );
    const withServices = await failure(ecs.send(new DeleteClusterCommand({ cluster: 'busy' })));
    assert.equal(withServices.name, 'ClusterContainsServicesException');
    await ecs.send(new DeleteServiceCommand({ cluster: 'busy', service: 's' }));

    await ecs.send(new CreateClusterCommand({ clusterName: 'empty' }));
    const del = await ecs.send(new DeleteClusterCommand({ cluster: 'empty' }));
    assert.equal(del.cluster?.status, 'INACTIVE');
    const after = await ecs.send(new DescribeClustersCommand({ clusters: ['empty'] }));
    assert.equal(after.clusters?.[0]?.status, 'INACTIVE');
    const gone = await failure(ecs.send(new ListContainerInstancesCommand({ cluster: 'empty' })));
    assert.equal(gone.name, 'ClusterNotFoundException');
    assert.equal(gone.message, 'Cluster not found.');
    const unknown = await failure(ecs.send(new DeleteClusterCommand({ cluster: 'never' })));
    assert.equal(unknown.name, 'ClusterNotFoundException');
  });
});

describe('container instances', () => {
  it('lists and describes instances with remaining resources', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'cap' }));
    const added = addContainerInstances(sb.runtime, env.account, sb.region, 'cap', {
      count: 1,
      cpu: 1024,
      memory: 2048,
    });
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'port',
        containerDefinitions: [
          {
            name: 'a',
            image: 'i',
            cpu: 256,
            memory: 512,
            portMappings: [{ containerPort: 80, hostPort: 8080 }],
          },
        ],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ cluster: 'cap', taskDefinition: 'port' }));
    assert.equal(run.tasks?.length, 1);

    const list = await ecs.send(new ListContainerInstancesCommand({ cluster: 'cap' }));
    assert.deepEqual(list.containerInstanceArns, [added[0]!.containerInstanceArn]);
    const draining = await ecs.send(
      new ListContainerInstancesCommand({ cluster: 'cap', status: 'DRAINING' }),
    );
    assert.deepEqual(draining.containerInstanceArns, []);

    const id = added[0]!.containerInstanceArn.split('/').pop()!;
    const d = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'cap', containerInstances: [id, 'ghost'] }),
    );
    const ci = d.containerInstances?.[0];
    const res = (name: string) => ci?.remainingResources?.find((r) => r.name === name);
    assert.equal(ci?.registeredResources?.find((r) => r.name === 'CPU')?.integerValue, 1024);
    assert.equal(res('CPU')?.integerValue, 768);
    assert.equal(res('MEMORY')?.integerValue, 1536);
    assert.ok(res('PORTS')?.stringSetValue?.includes('8080'));
    assert.equal(d.failures?.[0]?.reason, 'MISSING');

    const cluster = await ecs.send(new DescribeClustersCommand({ clusters: ['cap'] }));
    assert.equal(cluster.clusters?.[0]?.registeredContainerInstancesCount, 1);
    const t = cluster.clusters?.[0];
    assert.equal((t?.runningTasksCount ?? 0) + (t?.pendingTasksCount ?? 0), 1);
  });
});

describe('tags', () => {
  it('tags, lists and untags clusters and task definitions', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tagged' }));
    const arn = arnOf('tagged');
    await ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      }),
    );
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'a', value: '3' }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['b'] }));
    const l = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(l.tags, [{ key: 'a', value: '3' }]);

    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'tg',
        containerDefinitions: [{ name: 'a', image: 'i', memory: 64 }],
      }),
    );
    await ecs.send(
      new TagResourceCommand({
        resourceArn: td.taskDefinition!.taskDefinitionArn!,
        tags: [{ key: 'x', value: 'y' }],
      }),
    );
    const tl = await ecs.send(
      new ListTagsForResourceCommand({ resourceArn: td.taskDefinition!.taskDefinitionArn! }),
    );
    assert.deepEqual(tl.tags, [{ key: 'x', value: 'y' }]);

    const badArn = await failure(ecs.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' })));
    assert.equal(badArn.name, 'InvalidParameterException');
    const unknown = await failure(
      ecs.send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:ecs:${sb.region}:${sb.accountId}:task/tagged/abc`,
        }),
      ),
    );
    assert.equal(unknown.name, 'ResourceNotFoundException');
    const reserved = await failure(
      ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'aws:x', value: '' }] })),
    );
    assert.equal(reserved.name, 'InvalidParameterException');
  });
});
