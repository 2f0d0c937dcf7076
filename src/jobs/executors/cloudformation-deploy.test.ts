import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients.js';
import { startSandbox } from '../../sandbox/index.js';
import { CFN_SKIP } from '../../../test/kits/cloudformation.js';
import { sandboxClients } from '../../../test/kits/deploy.js';
import { fakeContext, fakeTarget } from '../../../test/kits/executors.js';
import { createCloudformationDeleteExecutor } from './cloudformation-delete.js';
import { createCloudformationDeployExecutor, stackTags } from './cloudformation-deploy.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const deployExecutor = createCloudformationDeployExecutor({ pollSeconds: 0.05 });
const deleteExecutor = createCloudformationDeleteExecutor({ pollSeconds: 0.05 });
const SYSTEM = { 'Octopus.Project.Name': 'Web shop', 'Octopus.Environment.Name': 'Production' };

/** An ECS cluster, a task definition and a log group, with outputs. */
function ecsTemplate(name: string, logGroup = `/ecs/${name}`): string {
  return JSON.stringify({
    Parameters: { Env: { Type: 'String' } },
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: { 'Fn::Sub': `${name}-\${Env}` } } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: logGroup } },
      Task: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: name,
          ContainerDefinitions: [
            { Name: 'app', Image: 'public.ecr.aws/docker/library/nginx:1.26', Memory: 128, Essential: true },
          ],
        },
      },
    },
    Outputs: {
      ClusterArn: { Value: { 'Fn::GetAtt': ['Cluster', 'Arn'] } },
      TaskDefinitionArn: { Value: { Ref: 'Task' } },
    },
  });
}

/** A deploy action with the schema's defaults. */
function deployAction(partial: Record<string, unknown>): Record<string, unknown> & { type: string } {
  return {
    type: 'cloudformation-deploy',
    parameters: [{ key: 'Env', value: 'prod' }],
    capabilities: [],
    tags: [],
    disableRollback: false,
    wait: { mode: 'wait', timeoutMinutes: 30 },
    ...partial,
  };
}

describe('cloudformation-deploy and cloudformation-delete executors', { skip: CFN_SKIP }, () => {
  let sb: Sandbox;
  let clients: AwsClients;
  let n = 0;
  const calls = (action: string) => sb.runtime.stats.get(`cloudformation:${action}`)?.calls ?? 0;
  const context = (
    action: Record<string, unknown> & { type: string },
    previous: Record<string, unknown> = {},
  ) =>
    fakeContext({
      action,
      values: SYSTEM,
      target: fakeTarget('c1'),
      aws: () => Promise.resolve(clients),
      previous,
      stepName: 'Stack',
    });

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 50 });
    clients = sandboxClients(sb);
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('deploys ECS resources: outputs, coded stack events, progress saved before the call', async () => {
    const stackName = `ecs-${++n}`;
    const { ctx, collected } = context(deployAction({ stackName, template: ecsTemplate(stackName) }));
    const result = await deployExecutor.run(ctx);
    assert.deepEqual(result, { outcome: 'success' });
    const stackId = collected.outputs['AwsOutputs[StackId]']?.value ?? '';
    assert.match(stackId, /^arn:aws:cloudformation:/);
    assert.equal(collected.outputs.StackName?.value, stackName);
    const clusterArn = collected.outputs['AwsOutputs[ClusterArn]']?.value ?? '';
    assert.match(clusterArn, new RegExp(`:cluster/${stackName}-prod$`));
    assert.match(
      collected.outputs['AwsOutputs[TaskDefinitionArn]']?.value ?? '',
      /:task-definition\/ecs-\d+:1$/,
    );
    const cluster = await clients.ecs.send(new DescribeClustersCommand({ clusters: [clusterArn] }));
    assert.equal(cluster.clusters?.[0]?.status, 'ACTIVE');

    assert.equal(collected.progress[0]?.operation, 'create');
    assert.equal(typeof collected.progress[0]?.token, 'string');
    assert.equal(collected.progress[0]?.stackId, undefined, 'saved before CreateStack answered');
    assert.equal(collected.progress.at(-1)?.stackId, stackId);
    const coded = collected.lines.filter((l) => l.code === 'cfn.stack-event');
    assert.ok(
      coded.some((l) => l.data?.logicalResourceId === 'Task' && l.data?.status === 'CREATE_COMPLETE'),
    );
    assert.ok(collected.lines.some((l) => l.code === 'cfn.stack-finished' && l.level === 'highlight'));

    const stack = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const tags = Object.fromEntries((stack.Stacks?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
    assert.equal(tags['slipway:project'], 'Web shop');
    assert.equal(tags['slipway:tenant'], 'untenanted');
  });

  it('a re-deploy of the same template is no change; a resumed step sends nothing again', async () => {
    const stackName = `ecs-${++n}`;
    const action = deployAction({ stackName, template: ecsTemplate(stackName) });
    const first = context(action);
    assert.deepEqual(await deployExecutor.run(first.ctx), { outcome: 'success' });
    const again = context(action);
    assert.deepEqual(await deployExecutor.run(again.ctx), { outcome: 'success' });
    assert.ok(again.collected.lines.some((l) => l.code === 'cfn.no-change'));

    // The first attempt's saved progress: its create is found by token and not sent again.
    const creates = calls('CreateStack');
    const updates = calls('UpdateStack');
    const resumed = context(action, first.collected.progress.at(-1));
    assert.deepEqual(await deployExecutor.run(resumed.ctx), { outcome: 'success' });
    assert.equal(calls('CreateStack'), creates);
    assert.equal(calls('UpdateStack'), updates);
    assert.ok(
      resumed.collected.lines.some((l) => l.code === 'cfn.operation-started' && l.data?.attached === true),
    );
    assert.equal(resumed.collected.outputs.StackName?.value, stackName);
  });

  it('a failed create fails the step with the reasons; the stack id is still an output', async () => {
    const stackName = `ecs-${++n}`;
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: `/taken/${stackName}` }));
    const { ctx, collected } = context(
      deployAction({ stackName, template: ecsTemplate(stackName, `/taken/${stackName}`) }),
    );
    const result = await deployExecutor.run(ctx);
    assert.equal(result.outcome, 'failed');
    if (result.outcome === 'failed') {
      assert.match(result.error, /failed: the stack is ROLLBACK_COMPLETE/);
      assert.match(result.error, /already exists/);
    }
    assert.match(collected.outputs['AwsOutputs[StackId]']?.value ?? '', /^arn:aws:cloudformation:/);
    const listed = collected.lines.filter((l) => l.code === 'cfn.failure-event');
    assert.ok(
      listed.some(
        (l) => l.level === 'warning' && /Logs - AWS::Logs::LogGroup - CREATE_FAILED/.test(l.message),
      ),
    );
  });

  it('refuses a stack name a template turned bad, before calling AWS', async () => {
    const { ctx } = fakeContext({
      action: deployAction({ stackName: 'bad_name', template: '{}' }),
      target: fakeTarget('c1'),
    });
    const result = await deployExecutor.run(ctx);
    assert.equal(result.outcome, 'failed');
    if (result.outcome === 'failed') assert.match(result.error, /stackName "bad_name" must be a stack name/);
  });

  it('deletes a stack; deleting one that does not exist succeeds', async () => {
    const stackName = `ecs-${++n}`;
    const made = context(deployAction({ stackName, template: ecsTemplate(stackName) }));
    assert.deepEqual(await deployExecutor.run(made.ctx), { outcome: 'success' });
    const action = { type: 'cloudformation-delete', stackName, wait: { mode: 'wait', timeoutMinutes: 5 } };
    const gone = context(action);
    assert.deepEqual(await deleteExecutor.run(gone.ctx), { outcome: 'success' });
    assert.equal(gone.collected.progress[0]?.operation, 'delete');
    assert.ok(
      gone.collected.lines.some(
        (l) => l.code === 'cfn.stack-finished' && l.data?.status === 'DELETE_COMPLETE',
      ),
    );
    const missing = context(action);
    assert.deepEqual(await deleteExecutor.run(missing.ctx), { outcome: 'success' });
    assert.ok(missing.collected.lines.some((l) => l.code === 'cfn.no-change'));
  });
});

describe('stack tags', () => {
  it('identify project, environment and tenant; the step’s own win and come within 50', () => {
    const own = [{ key: 'slipway:environment', value: 'mine' }];
    assert.deepEqual(stackTags(SYSTEM, own), [
      { key: 'slipway:project', value: 'Web shop' },
      { key: 'slipway:tenant', value: 'untenanted' },
      { key: 'slipway:environment', value: 'mine' },
    ]);
    const many = Array.from({ length: 49 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    assert.equal(stackTags(SYSTEM, many).length, 50);
  });
});
