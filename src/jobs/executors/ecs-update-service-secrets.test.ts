/**
 * "Update Amazon ECS Service" with sensitive values, against the sandbox (SSM, IAM and ECS's
 * secret resolution at task start): a sensitive value is delivered as a secret and never written
 * in clear; its parameter is rewritten only when the value changes; a role that may not read it is
 * named before the service is updated; a secret that does not exist stops the tasks with AWS's words.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../aws/clients.js';
import { SECRET_VERSIONS_LABEL } from '../../deploy/secrets/index.js';
import { startSandbox } from '../../sandbox/index.js';
import {
  admin,
  container,
  createStableService,
  fastHooks,
  sandboxClients,
} from '../../../test/kits/deploy.js';
import { fakeContext, fakeTarget, type Collected } from '../../../test/kits/executors.js';
import { createEcsUpdateServiceExecutor } from './ecs-update-service.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const NGINX = 'public.ecr.aws/docker/library/nginx';
const executor = createEcsUpdateServiceExecutor(fastHooks());
const PASSWORD = 'Hunter2-prod-5f1c9a7e';

const SYSTEM = {
  'Octopus.Project.Name': 'Web shop',
  'Octopus.Environment.Name': 'Production',
  'Octopus.Release.Number': '1.4.2',
  'Octopus.Deployment.Id': 'deployments-42',
};

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

function action(environment: { name: string; value: string }[], extra: Record<string, unknown> = {}) {
  return {
    type: 'ecs-update-service',
    service: 'web',
    containers: [
      { name: 'app', environment, environmentMode: 'append', environmentFiles: [], secrets: [], ...extra },
    ],
    waitForDeployment: true,
    timeoutMinutes: 30,
    forceNewDeployment: false,
    tags: [],
    packages: [],
  };
}

/** Everything the step produced that a person or the store could see, as one text. */
function visible(collected: Collected): string {
  return JSON.stringify({
    lines: collected.lines,
    outputs: collected.outputs,
    progress: collected.progress,
  });
}

describe('ecs-update-service: sensitive values delivered as secrets', () => {
  let sb: Sandbox;
  let clients: AwsClients;
  let n = 0;

  /** A role ECS tasks may assume; `readable` grants ssm:GetParameters on every /slipway parameter. */
  const role = async (readable: boolean) => {
    const name = `exec-${++n}`;
    const created = await clients.iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }),
    );
    if (readable)
      await clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: 'read-slipway-secrets',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'ssm:GetParameters',
                Resource: 'arn:aws:ssm:*:*:parameter/slipway/*',
              },
            ],
          }),
        }),
      );
    return created.Role!.Arn!;
  };

  /** A fresh cluster with a stable service "web" whose revision has the execution role. */
  const setup = async (readable = true, environment = [{ name: 'A', value: '1' }], breaker = true) => {
    const cluster = `c${++n}`;
    await admin(sb, 'POST', 'clusters', { name: cluster, instances: { count: 3 } });
    const executionRoleArn = await role(readable);
    const family = `web${n}`;
    const res = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        executionRoleArn,
        containerDefinitions: [container(`${NGINX}:1.26`, { environment })],
      }),
    );
    await createStableService(clients, {
      cluster,
      serviceName: 'web',
      taskDefinition: res.taskDefinition!.taskDefinitionArn!,
      desiredCount: 2,
      ...(breaker
        ? { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }
        : {}),
    });
    return { cluster, family, executionRoleArn };
  };

  const runStep = async (cluster: string, act: ReturnType<typeof action>, sensitive = [PASSWORD]) => {
    const { ctx, collected } = fakeContext({
      action: act,
      values: SYSTEM,
      sensitive: [...sensitive],
      target: fakeTarget(cluster),
      aws: () => Promise.resolve(clients),
    });
    const result = await executor.run(ctx);
    return { result, collected };
  };

  const definitionOf = async (arn: string) =>
    (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!;

  const parameter = async (cluster: string, name = 'DB_PASSWORD') =>
    (
      await clients.ssm.send(
        new GetParameterCommand({
          Name: `/slipway/Web.20shop/Production/.untenanted/${cluster}/web/app/${name}`,
          WithDecryption: true,
        }),
      )
    ).Parameter!;

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    clients = sandboxClients(sb);
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('delivers a sensitive value as a secret: valueFrom in the task definition, no plaintext anywhere', async () => {
    const { cluster } = await setup();
    const { result, collected } = await runStep(
      cluster,
      action([
        { name: 'DB_PASSWORD', value: PASSWORD },
        { name: 'DB_URL', value: `postgres://app:${PASSWORD}@db/app` },
        { name: 'LOG_LEVEL', value: 'info' },
      ]),
    );
    assert.deepEqual(result, { outcome: 'success' }, collected.text());
    const arn = collected.outputs['TaskDefinitionArn']!.value;
    const td = await definitionOf(arn);
    const app = td.containerDefinitions![0]!;
    assert.deepEqual(app.environment, [
      { name: 'A', value: '1' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
    assert.deepEqual(
      app.secrets?.map((s) => [s.name, s.valueFrom]),
      ['DB_PASSWORD', 'DB_URL'].map((name) => [
        name,
        `arn:aws:ssm:${sb.region}:${sb.accountId}:parameter/slipway/Web.20shop/Production/.untenanted/${cluster}/web/app/${name}`,
      ]),
    );
    assert.equal(app.dockerLabels?.[SECRET_VERSIONS_LABEL], '{"DB_PASSWORD":1,"DB_URL":1}');
    assert.ok(!JSON.stringify(td).includes(PASSWORD), 'the task definition holds no plaintext');
    assert.ok(
      !visible(collected).includes(PASSWORD),
      'the log, outputs and saved progress hold no plaintext',
    );
    const p = await parameter(cluster);
    assert.equal(p.Type, 'SecureString');
    assert.equal(p.Value, PASSWORD);
    assert.ok(collected.lines.some((l) => l.code === 'secrets.delivered' && l.data?.['written'] === true));
    assert.match(collected.text(), /SSM calls: 1 GetParameters, 2 PutParameter/);
  });

  it('rewrites the parameter only when the value changes (and then rolls a new revision)', async () => {
    const { cluster } = await setup();
    const first = await runStep(cluster, action([{ name: 'DB_PASSWORD', value: PASSWORD }]));
    assert.deepEqual(first.result, { outcome: 'success' }, first.collected.text());
    const again = await runStep(cluster, action([{ name: 'DB_PASSWORD', value: PASSWORD }]));
    assert.deepEqual(again.result, { outcome: 'success' }, again.collected.text());
    assert.match(again.collected.text(), /SSM calls: 1 GetParameters, 0 PutParameter/);
    assert.ok(
      again.collected.lines.some((l) => l.code === 'deploy.no-change'),
      'same value: same revision',
    );
    assert.equal((await parameter(cluster)).Version, 1);

    const NEXT = 'Hunter3-prod-0b9d2c4f';
    const changed = await runStep(cluster, action([{ name: 'DB_PASSWORD', value: NEXT }]), [NEXT]);
    assert.deepEqual(changed.result, { outcome: 'success' }, changed.collected.text());
    assert.match(changed.collected.text(), /SSM calls: 1 GetParameters, 1 PutParameter/);
    const p = await parameter(cluster);
    assert.equal(p.Version, 2);
    assert.equal(p.Value, NEXT);
    const td = await definitionOf(changed.collected.outputs['TaskDefinitionArn']!.value);
    assert.equal(td.containerDefinitions![0]!.dockerLabels?.[SECRET_VERSIONS_LABEL], '{"DB_PASSWORD":2}');
    assert.notEqual(
      changed.collected.outputs['TaskDefinitionArn']!.value,
      first.collected.outputs['TaskDefinitionArn']!.value,
    );
  });

  it('reports a role that may not read the secret before the service update, with the statement to add', async () => {
    const { cluster, executionRoleArn } = await setup(false);
    const { result, collected } = await runStep(cluster, action([{ name: 'DB_PASSWORD', value: PASSWORD }]));
    const denied = collected.lines.findIndex((l) => l.code === 'secrets.access-denied');
    const updated = collected.lines.findIndex((l) => l.code === 'deploy.service-updated');
    assert.ok(denied >= 0, collected.text());
    assert.ok(updated < 0 || denied < updated, 'the warning comes before the service update');
    const line = collected.lines[denied]!;
    assert.equal(line.level, 'warning');
    assert.equal(line.data?.['role'], executionRoleArn);
    assert.ok(
      line.message.includes(
        JSON.stringify(
          {
            Effect: 'Allow',
            Action: 'ssm:GetParameters',
            Resource: `arn:aws:ssm:${sb.region}:${sb.accountId}:parameter/slipway/Web.20shop/Production/.untenanted/${cluster}/web/app/DB_PASSWORD`,
          },
          null,
          2,
        ),
      ),
      line.message,
    );
    // The tasks cannot read their secret: they fail to start and the circuit breaker fails the rollout.
    assert.equal(result.outcome, 'failed');
    assert.ok(!visible(collected).includes(PASSWORD));
  });

  it("a task whose secret does not exist fails to start, with AWS's wording", async () => {
    // Without the circuit breaker the step reads the stopped tasks and fails on their repeated reason.
    const { cluster } = await setup(true, undefined, false);
    const missing = `arn:aws:ssm:${sb.region}:${sb.accountId}:parameter/slipway/does-not-exist`;
    const { result, collected } = await runStep(
      cluster,
      action([], { secrets: [{ name: 'MISSING', valueFrom: missing }] }),
      [],
    );
    assert.equal(result.outcome, 'failed', collected.text());
    if (result.outcome !== 'failed') return;
    assert.match(
      result.error,
      /ResourceInitializationError: unable to pull secrets or registry auth: .*does-not-exist/,
      collected.text(),
    );
  });

  it('refuses a template whose own variable holds a sensitive value in clear, before anything changes', async () => {
    const { cluster } = await setup(true, [{ name: 'LEGACY_PASSWORD', value: PASSWORD }]);
    const { result, collected } = await runStep(cluster, action([{ name: 'LOG_LEVEL', value: 'debug' }]));
    assert.equal(result.outcome, 'failed');
    if (result.outcome !== 'failed') return;
    assert.match(result.error, /container app: LEGACY_PASSWORD/);
    assert.ok(!result.error.includes(PASSWORD));
    assert.ok(!collected.lines.some((l) => l.code === 'deploy.registered'), 'nothing was registered');
  });
});
