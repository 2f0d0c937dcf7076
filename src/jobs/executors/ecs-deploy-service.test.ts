import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { CreateRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../aws/clients.js';
import { startSandbox } from '../../sandbox/index.js';
import { CFN_SKIP } from '../../../test/kits/cloudformation.js';
import { admin, sandboxClients } from '../../../test/kits/deploy.js';
import { SECRET_VERSIONS_LABEL } from '../../deploy/secrets/index.js';
import { fakeContext, fakeTarget, type Collected } from '../../../test/kits/executors.js';
import { createEcsDeployServiceExecutor, serviceStackTags, tokenPrefixOf } from './ecs-deploy-service.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const executor = createEcsDeployServiceExecutor({ pollSeconds: 0.05 });
const CLUSTER = 'apps';
const DEPLOYMENT = 'Deployments-0a1b2c3d-1111-2222-3333-444455556666';

/** A step's action (defaults filled by the executor's own check), for family `family`. */
function action(
  family: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> & { type: string } {
  return {
    type: 'ecs-deploy-service',
    service: family,
    taskFamily: family,
    cpu: 256,
    memory: 512,
    subnets: ['subnet-0a1b2c3d'],
    containers: [{ name: 'web', image: 'web', essential: true }],
    packages: [{ name: 'web', feed: 'Hub', image: 'library/web' }],
    ...extra,
  };
}

/** The system variables of a deployment of release `release` running `image`. */
function values(
  image: string,
  release = '1.0.0',
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'Octopus.Project.Name': 'Web shop',
    'Octopus.Environment.Id': 'Environments-1',
    'Octopus.Environment.Name': 'Production',
    'Octopus.Release.Number': release,
    'Octopus.Deployment.Id': DEPLOYMENT,
    'Octopus.Action.Package[web].Image': image,
    ...extra,
  };
}

const PASSWORD = 'Hunter2-prod-5f1c9a7e';

/** Everything the step produced that a person or the store could see, as one text. */
function visible(collected: Collected): string {
  return JSON.stringify({ lines: collected.lines, outputs: collected.outputs, progress: collected.progress });
}

/** The generated name (Octopus's double camelCase: `Service` + camel(family), camel-cased again). */
const stackNameOf = (family: string) => `cf-ecs-${CLUSTER}-service${family}-environments1-untenanted`;

describe('ecs-deploy-service executor', { skip: CFN_SKIP }, () => {
  let sb: Sandbox;
  let clients: AwsClients;
  const calls = (a: string) => sb.runtime.stats.get(`cloudformation:${a}`)?.calls ?? 0;
  const context = (
    a: Record<string, unknown> & { type: string },
    vars: Record<string, string>,
    previous: Record<string, unknown> = {},
    sensitive: string[] = [],
  ) => {
    const made = fakeContext({
      action: a,
      values: vars,
      sensitive,
      target: fakeTarget(CLUSTER, sb.region),
      aws: () => Promise.resolve(clients),
      previous,
      stepName: 'Deploy web',
    });
    return { ...made, ctx: { ...made.ctx, deploymentId: DEPLOYMENT } };
  };
  const out = (c: Collected, name: string) => c.outputs[name]?.value ?? '';
  const stackOf = async (name: string) =>
    (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
  const revisions = async (family: string, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE') =>
    (await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status })))
      .taskDefinitionArns ?? [];

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 80, throttling: false });
    clients = sandboxClients(sb);
    await clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('creates the stack: the service runs the release’s image; outputs, tags, in-stack role and log group', async () => {
    const { ctx, collected } = context(action('shop'), values('registry.example/web:1.0.0'));
    const result = await executor.run(ctx);
    assert.deepEqual(result, { outcome: 'success' }, collected.text());
    const stackName = stackNameOf('shop');
    const stack = await stackOf(stackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    assert.deepEqual(stack.Capabilities, ['CAPABILITY_IAM']);
    const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key, t.Value]));
    assert.deepEqual(tags, {
      'slipway:project': 'Web shop',
      'slipway:environment': 'Production',
      'slipway:tenant': 'untenanted',
      'slipway:release': '1.0.0',
    });

    // The service runs the image, its task is RUNNING.
    const svc = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['shop'] }))
    ).services![0]!;
    assert.equal(svc.runningCount, 1);
    assert.deepEqual(svc.deploymentConfiguration?.deploymentCircuitBreaker, { enable: true, rollback: true });
    const td = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }),
    );
    assert.equal(td.taskDefinition?.containerDefinitions?.[0]?.image, 'registry.example/web:1.0.0');
    const running = await clients.ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: 'shop', desiredStatus: 'RUNNING' }),
    );
    assert.equal(running.taskArns?.length, 1);
    const task = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: running.taskArns }),
    );
    assert.equal(task.tasks?.[0]?.lastStatus, 'RUNNING');

    // No execution role given: one in the stack, and the log group /ecs/<family>.
    assert.match(String(td.taskDefinition?.executionRoleArn), /TaskExecutionRoleshop/);
    const groups = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/shop' }));
    assert.deepEqual(
      groups.logGroups?.map((g) => g.logGroupName),
      ['/ecs/shop'],
    );

    assert.equal(out(collected, 'AwsOutputs[StackId]'), stack.StackId);
    assert.equal(out(collected, 'ServiceName'), 'Serviceshop');
    assert.equal(out(collected, 'EcsServiceName'), 'shop');
    assert.equal(out(collected, 'ServiceArn'), svc.serviceArn);
    assert.equal(out(collected, 'ClusterName'), CLUSTER);
    assert.equal(out(collected, 'CloudFormationStackName'), stackName);
    assert.equal(out(collected, 'StackName'), stackName);
    assert.equal(out(collected, 'TaskDefinitionFamily'), 'shop');
    assert.equal(out(collected, 'TaskDefinitionArn'), svc.taskDefinition);
    assert.equal(out(collected, 'Region'), sb.region);

    // The rollout was watched live and the stack's events came coded; the token names the deployment.
    const codes = collected.lines.map((l) => `${l.code ?? ''} ${l.message}`).join('\n');
    assert.ok(
      collected.lines.some((l) => l.code === 'deploy.attached'),
      codes,
    );
    assert.ok(
      collected.lines.some((l) => l.code === 'deploy.succeeded'),
      codes,
    );
    assert.ok(
      collected.lines.some((l) => l.code === 'cfn.stack-event'),
      codes,
    );
    assert.match(String(collected.progress[0]?.token), /^slipway-0a1b2c3d-/);
    assert.match(collected.text(), /No stack name supplied; generated "cf-ecs-apps-serviceshop-/);
  });

  it('a re-deploy of the same release is no update; a new release with a new image is a new revision', async () => {
    const a = action('cart');
    assert.deepEqual(await executor.run(context(a, values('web:1')).ctx), { outcome: 'success' });
    const again = context(a, values('web:1'));
    assert.deepEqual(await executor.run(again.ctx), { outcome: 'success' });
    assert.ok(
      again.collected.lines.some((l) => l.code === 'cfn.no-change'),
      again.collected.text(),
    );
    assert.equal(out(again.collected, 'TaskDefinitionArn').endsWith('cart:1'), true);
    assert.equal((await revisions('cart')).length, 1);

    // A new release with the same image: the stack's tags change, the task definition does not.
    const retag = context(a, values('web:1', '1.0.1'));
    assert.deepEqual(await executor.run(retag.ctx), { outcome: 'success' });
    assert.ok(!retag.collected.lines.some((l) => l.code === 'cfn.no-change'));
    assert.match(out(retag.collected, 'TaskDefinitionArn'), /cart:1$/);
    assert.equal((await revisions('cart')).length, 1);

    const next = context(a, values('web:2', '1.1.0'));
    assert.deepEqual(await executor.run(next.ctx), { outcome: 'success' }, next.collected.text());
    assert.match(out(next.collected, 'TaskDefinitionArn'), /cart:2$/);
    assert.deepEqual(
      (await revisions('cart')).map((r) => r.split('/').pop()),
      ['cart:2'],
    );
    assert.deepEqual(
      (await revisions('cart', 'INACTIVE')).map((r) => r.split('/').pop()),
      ['cart:1'],
    );
    assert.equal((await stackOf(stackNameOf('cart'))).StackStatus, 'UPDATE_COMPLETE');
  });

  it('a crashing image trips the breaker: UPDATE_ROLLBACK_COMPLETE, this operation’s events and the stopped tasks named', async () => {
    const a = action('crashy');
    assert.deepEqual(await executor.run(context(a, values('web:good')).ctx), { outcome: 'success' });
    await admin(sb, 'POST', 'faults/images', { image: 'web:crash', crashExitCode: 3, crashAfterSeconds: 1 });
    const bad = context(a, values('web:crash', '2.0.0'));
    const result = await executor.run(bad.ctx);
    assert.equal(result.outcome, 'failed');
    const error = result.outcome === 'failed' ? result.error : '';
    assert.match(error, /failed: the stack is UPDATE_ROLLBACK_COMPLETE/);
    assert.match(error, /Circuit Breaker/);
    assert.match(error, /ECS: \d+ task\(s\) of crashy:2 stopped/);
    assert.match(error, /exit code 3/);
    assert.equal((await stackOf(stackNameOf('crashy'))).StackStatus, 'UPDATE_ROLLBACK_COMPLETE');

    // Only this operation's events are listed (its token), and each stopped task has a line.
    const token = bad.collected.progress.at(-1)?.token;
    const listed = bad.collected.lines.filter((l) => l.code === 'cfn.failure-event');
    assert.ok(listed.length > 0);
    assert.ok(listed.every((l) => l.data?.token === token));
    assert.ok(
      bad.collected.lines.some((l) => l.code === 'deploy.failed'),
      bad.collected.text(),
    );
    assert.ok(
      bad.collected.lines.some(
        (l) => l.level === 'warning' && /Task arn:.* stopped: .*exit code 3/.test(l.message),
      ),
    );
    // The service is back on the good revision.
    const svc = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['crashy'] }))
    ).services![0]!;
    assert.match(svc.taskDefinition ?? '', /crashy:1$/);
  });

  it('a first deployment that rolled back is deleted and created again by the next one', async () => {
    const a = action('phoenix');
    await admin(sb, 'POST', 'faults/images', { image: 'web:broken', crashExitCode: 1, crashAfterSeconds: 1 });
    const first = context(a, values('web:broken'));
    const failed = await executor.run(first.ctx);
    assert.equal(failed.outcome, 'failed');
    if (failed.outcome === 'failed') assert.match(failed.error, /ROLLBACK_COMPLETE/);
    const oldId = out(first.collected, 'AwsOutputs[StackId]');
    assert.match(oldId, /^arn:aws:cloudformation:/);

    const second = context(a, values('web:fixed', '1.0.1'));
    assert.deepEqual(await executor.run(second.ctx), { outcome: 'success' }, second.collected.text());
    assert.deepEqual(
      second.collected.progress.map((p) => p.operation).filter((k, i, all) => all.indexOf(k) === i),
      ['delete', 'create'],
    );
    const newId = out(second.collected, 'AwsOutputs[StackId]');
    assert.notEqual(newId, oldId);
    assert.equal((await stackOf(stackNameOf('phoenix'))).StackStatus, 'CREATE_COMPLETE');
  });

  it('resumes with the saved token: no second CreateStack or UpdateStack', async () => {
    const a = action('resumed');
    const first = context(a, values('web:1'));
    assert.deepEqual(await executor.run(first.ctx), { outcome: 'success' });
    const creates = calls('CreateStack');
    const updates = calls('UpdateStack');
    const resumed = context(a, values('web:1'), first.collected.progress.at(-1));
    assert.deepEqual(await executor.run(resumed.ctx), { outcome: 'success' });
    assert.equal(calls('CreateStack'), creates);
    assert.equal(calls('UpdateStack'), updates);
    assert.ok(
      resumed.collected.lines.some((l) => l.code === 'cfn.operation-started' && l.data?.attached === true),
    );
    assert.equal(out(resumed.collected, 'EcsServiceName'), 'resumed');
  });

  it('"no-wait" succeeds once the operation started, without watching', async () => {
    const { ctx, collected } = context(
      action('hasty', { wait: { mode: 'no-wait', timeoutMinutes: 5 } }),
      values('web:1'),
    );
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' });
    assert.match(collected.text(), /not waiting for it or for the ECS rollout/);
    assert.ok(!collected.lines.some((l) => l.code === 'deploy.attached'));
    assert.match(out(collected, 'AwsOutputs[StackId]'), /^arn:aws:cloudformation:/);
  });

  it("a sensitive variable in a container's environment reaches the task as a secret: the stack template, the task definition, the step log and the outputs never hold the value; the tasks run", async () => {
    const a = action('vault', {
      containers: [
        {
          name: 'web',
          image: 'web',
          environment: [
            { name: 'DB_USER', value: 'admin' },
            { name: 'DB_URL', value: `postgres://admin:${PASSWORD}@db/app` },
          ],
        },
      ],
    });
    const parameter = '/slipway/Web.20shop/Production/.untenanted/apps/vault/web/DB_URL';
    const valueFrom = `arn:aws:ssm:${sb.region}:${sb.accountId}:parameter${parameter}`;
    const first = context(a, values('web:1'), {}, [PASSWORD]);
    assert.deepEqual(await executor.run(first.ctx), { outcome: 'success' }, first.collected.text());

    // The value is in Parameter Store, as a SecureString.
    const p = (await clients.ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true })))
      .Parameter!;
    assert.equal(p.Type, 'SecureString');
    assert.equal(p.Value, `postgres://admin:${PASSWORD}@db/app`);

    // The task definition names it; the plain variable stays plain.
    const svc = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['vault'] }))
    ).services![0]!;
    const td = (
      await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }))
    ).taskDefinition!;
    const web = td.containerDefinitions![0]!;
    assert.deepEqual(web.environment, [{ name: 'DB_USER', value: 'admin' }]);
    assert.deepEqual(web.secrets, [{ name: 'DB_URL', valueFrom }]);
    assert.equal(web.dockerLabels?.[SECRET_VERSIONS_LABEL], '{"DB_URL":1}');

    // The in-stack execution role may read exactly that parameter, and the tasks read it at start.
    const role = String(td.executionRoleArn).split('/').pop()!;
    const policy = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: role, PolicyName: 'slipway-secrets' }),
    );
    assert.deepEqual(JSON.parse(decodeURIComponent(policy.PolicyDocument!)), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [valueFrom] }],
    });
    assert.equal(svc.runningCount, 1);
    const running = await clients.ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: 'vault', desiredStatus: 'RUNNING' }),
    );
    const tasks = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: running.taskArns }),
    );
    assert.deepEqual(
      tasks.tasks?.map((t) => t.lastStatus),
      ['RUNNING'],
    );

    // No plaintext: not in the template CloudFormation keeps, the task definition, the log or the outputs.
    const stackName = stackNameOf('vault');
    const template = await clients.cloudformation.send(new GetTemplateCommand({ StackName: stackName }));
    assert.ok(template.TemplateBody?.includes(valueFrom), 'the template references the parameter');
    for (const [where, text] of [
      ['the stack template', template.TemplateBody ?? ''],
      ['the task definition', JSON.stringify(td)],
      ['the tasks', JSON.stringify(tasks.tasks)],
      ['the step log, outputs and saved progress', visible(first.collected)],
    ] as const)
      assert.ok(!text.includes(PASSWORD), `${where} holds the value`);
    assert.ok(
      first.collected.lines.some(
        (l) => l.code === 'secrets.delivered' && l.data?.['valueFrom'] === valueFrom,
      ),
      first.collected.text(),
    );

    // Again: the value is unchanged, so is the template (no update); a resumed attempt renders it too.
    const again = context(a, values('web:1'), {}, [PASSWORD]);
    assert.deepEqual(await executor.run(again.ctx), { outcome: 'success' }, again.collected.text());
    assert.ok(
      again.collected.lines.some((l) => l.code === 'cfn.no-change'),
      again.collected.text(),
    );
    assert.ok(
      again.collected.lines.some((l) => l.code === 'secrets.delivered' && l.data?.['written'] === false),
    );
    const updates = calls('UpdateStack');
    const resumed = context(a, values('web:1'), first.collected.progress.at(-1), [PASSWORD]);
    assert.deepEqual(await executor.run(resumed.ctx), { outcome: 'success' }, resumed.collected.text());
    assert.equal(calls('UpdateStack'), updates);
    assert.ok(!visible(resumed.collected).includes(PASSWORD));
    const after = await clients.cloudformation.send(new GetTemplateCommand({ StackName: stackName }));
    assert.equal(after.TemplateBody, template.TemplateBody);
  });

  it('warns when the execution role the step names may not read the delivered secret, with the statement to add', async () => {
    const created = await clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'no-secrets',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    const a = action('locked', {
      executionRole: created.Role!.Arn!,
      containers: [{ name: 'web', image: 'web', environment: [{ name: 'DB_PASSWORD', value: PASSWORD }] }],
      wait: { mode: 'no-wait', timeoutMinutes: 5 },
    });
    const { ctx, collected } = context(a, values('web:1'), {}, [PASSWORD]);
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
    const denied = collected.lines.find((l) => l.code === 'secrets.access-denied');
    assert.equal(denied?.level, 'warning', collected.text());
    assert.equal(denied?.data?.['role'], created.Role!.Arn);
    assert.match(
      denied?.message ?? '',
      /"Resource": "arn:aws:ssm:[^"]+:parameter\/slipway\/Web\.20shop\/Production\/\.untenanted\/apps\/locked\/web\/DB_PASSWORD"/,
    );
    // The role is the user's: the stack adds no policy to it and makes none of its own.
    const template = await clients.cloudformation.send(
      new GetTemplateCommand({ StackName: stackNameOf('locked') }),
    );
    assert.ok(!template.TemplateBody?.includes('slipway-secrets'));
    assert.ok(!template.TemplateBody?.includes(PASSWORD));
    assert.ok(!visible(collected).includes(PASSWORD));
  });

  it('refuses what evaluation made invalid, and a missing image, before calling AWS', async () => {
    const before = calls('CreateStack') + calls('DescribeStacks');
    const bad = context(action('bad', { cpu: 'lots' }), values('web:1'));
    const r1 = await executor.run(bad.ctx);
    assert.equal(r1.outcome, 'failed');
    if (r1.outcome === 'failed') assert.match(r1.error, /Step "Deploy web".*action\.cpu is "lots"/);
    const { 'Octopus.Action.Package[web].Image': _, ...noImage } = values('web:1');
    const r2 = await executor.run(context(action('bad'), noImage).ctx);
    assert.equal(r2.outcome, 'failed');
    if (r2.outcome === 'failed')
      assert.match(r2.error, /Step "Deploy web": no image for container\(s\) "web"/);
    assert.equal(calls('CreateStack') + calls('DescribeStacks'), before);
  });
});

describe('ecs-deploy-service tags and tokens', () => {
  it('tags name project, environment, tenant and release, never the deployment', () => {
    assert.deepEqual(serviceStackTags(values('x', '3.0.0', { 'Octopus.Deployment.Tenant.Name': 'Acme' })), [
      { key: 'slipway:project', value: 'Web shop' },
      { key: 'slipway:environment', value: 'Production' },
      { key: 'slipway:tenant', value: 'Acme' },
      { key: 'slipway:release', value: '3.0.0' },
    ]);
  });
  it('the token prefix is a short form of the deployment id', () => {
    assert.equal(tokenPrefixOf(DEPLOYMENT), 'slipway-0a1b2c3d');
    assert.equal(tokenPrefixOf('deployments-1'), 'slipway-1');
    assert.equal(tokenPrefixOf(''), 'slipway');
  });
});
