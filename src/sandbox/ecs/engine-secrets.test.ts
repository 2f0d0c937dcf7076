/**
 * Task secrets at start: a service whose task definition reads an SSM parameter or a Secrets Manager
 * JSON key runs when the execution role may read it, and its tasks fail to start with AWS's
 * ResourceInitializationError (the circuit breaker then fails the deployment) when the parameter
 * or key is missing or the role lacks the permission.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Secret,
} from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startSandbox, type SandboxHandle } from '../index.js';

const ACCOUNT = '000000000000';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/*`,
    },
    {
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:db-*`,
    },
  ],
});
const SECRET_VALUE = 'sup3r-s3cret-value';

describe('ECS task secrets', () => {
  let sb: SandboxHandle;
  let ecs: ECSClient;
  let secretArn = '';
  let service = 0;

  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false, timeScale: 50 });
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
    ecs = new ECSClient(config);
    await fetch(`${sb.endpoint}/_sandbox/clusters`, {
      method: 'POST',
      body: JSON.stringify({ name: 'c', instances: { count: 2 } }),
    }).then((r) => r.arrayBuffer());
    const iam = new IAMClient(config);
    await iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: TRUST }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'exec', PolicyName: 'secrets', PolicyDocument: POLICY }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'bare', AssumeRolePolicyDocument: TRUST }));
    const ssm = new SSMClient(config);
    await ssm.send(
      new PutParameterCommand({ Name: '/app/db-password', Value: SECRET_VALUE, Type: 'SecureString' }),
    );
    await ssm.send(new PutParameterCommand({ Name: '/other/token', Value: 'x', Type: 'String' }));
    const created = await new SecretsManagerClient(config).send(
      new CreateSecretCommand({ Name: 'db', SecretString: JSON.stringify({ password: SECRET_VALUE }) }),
    );
    secretArn = created.ARN ?? '';
  });
  after(() => sb.close());

  async function register(secrets: Secret[], role = 'exec'): Promise<string> {
    const r = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128, secrets }],
      }),
    );
    return r.taskDefinition?.taskDefinitionArn ?? '';
  }

  /** Creates a service and advances sandbox time until its deployment settles. */
  async function run(taskDefinition: string): Promise<{ state?: string; reasons: string[]; name: string }> {
    const name = `s${++service}`;
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'c',
        serviceName: name,
        taskDefinition,
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    return settle(name);
  }

  async function settle(name: string): Promise<{ state?: string; reasons: string[]; name: string }> {
    let state: string | undefined;
    for (let i = 0; i < 200; i++) {
      sb.runtime.clock.advance(10_000);
      const d = await ecs.send(new DescribeServicesCommand({ cluster: 'c', services: [name] }));
      state = d.services?.[0]?.deployments?.[0]?.rolloutState;
      if (state !== 'IN_PROGRESS') break;
    }
    const arns = [
      ...((
        await ecs.send(new ListTasksCommand({ cluster: 'c', serviceName: name, desiredStatus: 'STOPPED' }))
      ).taskArns ?? []),
    ];
    const tasks = arns.length
      ? ((await ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks: arns }))).tasks ?? [])
      : [];
    for (const t of tasks) assert.equal(t.stopCode, 'TaskFailedToStart');
    return { state, reasons: tasks.map((t) => t.stoppedReason ?? ''), name };
  }

  it('refuses secrets without an execution role at registration', async () => {
    await assert.rejects(
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [
            {
              name: 'app',
              image: 'nginx',
              memory: 64,
              secrets: [{ name: 'A', valueFrom: '/app/db-password' }],
            },
          ],
        }),
      ),
      (e: Error) => e.name === 'ClientException' && /executionRoleArn/.test(e.message),
    );
  });

  it('runs with an SSM secret the execution role may read; the value never shows', async () => {
    const td = await register([{ name: 'DB_PASSWORD', valueFrom: '/app/db-password' }]);
    const r = await run(td);
    assert.equal(r.state, 'COMPLETED');
    const arns = (await ecs.send(new ListTasksCommand({ cluster: 'c', serviceName: r.name }))).taskArns ?? [];
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks: arns }));
    assert.equal(tasks.tasks?.[0]?.lastStatus, 'RUNNING');
    assert.ok(!JSON.stringify(tasks).includes(SECRET_VALUE));
    assert.ok(
      !JSON.stringify(sb.runtime.world.accounts[ACCOUNT]?.regions['us-east-1']?.ecs).includes(SECRET_VALUE),
    );
  });

  it('fails to start when the parameter is missing, and the circuit breaker fails the deployment', async () => {
    const r = await run(await register([{ name: 'DB_PASSWORD', valueFrom: '/app/missing' }]));
    assert.equal(r.state, 'FAILED');
    assert.ok(r.reasons.length >= 3);
    assert.equal(
      r.reasons[0],
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ' +
        'unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/missing',
    );
  });

  it('fails to start when the execution role may not read the parameter', async () => {
    const denied = await run(await register([{ name: 'TOKEN', valueFrom: '/other/token' }]));
    assert.equal(denied.state, 'FAILED');
    assert.match(
      denied.reasons[0] ?? '',
      new RegExp(
        '^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ' +
          'unable to retrieve secrets from ssm: service call has been retried 1 time\\(s\\): AccessDeniedException: ' +
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/exec/[0-9a-f]{32} is not authorized to perform: ssm:GetParameters ` +
          `on resource: arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/other/token because no identity-based policy ` +
          'allows the ssm:GetParameters action status code: 400, request id: [0-9a-f-]{36}$',
      ),
    );
    const bare = await run(await register([{ name: 'DB', valueFrom: '/app/db-password' }], 'bare'));
    assert.equal(bare.state, 'FAILED');
    assert.match(
      bare.reasons[0] ?? '',
      /AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role\/bare\//,
    );
    const ghost = await run(await register([{ name: 'DB', valueFrom: '/app/db-password' }], 'ghost'));
    assert.equal(ghost.state, 'FAILED');
    assert.match(ghost.reasons[0] ?? '', /^ResourceInitializationError: .*unable to assume the role/);
  });

  it('a Secrets Manager JSON key: present runs, missing fails to start', async () => {
    const ok = await run(await register([{ name: 'PW', valueFrom: `${secretArn}:password::` }]));
    assert.equal(ok.state, 'COMPLETED');
    const missing = await run(await register([{ name: 'PW', valueFrom: `${secretArn}:nokey::` }]));
    assert.equal(missing.state, 'FAILED');
    assert.equal(
      missing.reasons[0],
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ' +
        'unable to retrieve secret from asm: service call has been retried 1 time(s): ' +
        'retrieved secret from Secrets Manager did not contain json key nokey',
    );
    const other = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:nope-AbCdEf`;
    const absent = await run(await register([{ name: 'PW', valueFrom: other }]));
    assert.equal(absent.state, 'FAILED');
    assert.match(
      absent.reasons[0] ?? '',
      /unable to retrieve secret from asm: .*AccessDeniedException: .*secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:000000000000:secret:nope-AbCdEf/,
    );
    const gone = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-zzzzzz`;
    const notFound = await run(await register([{ name: 'PW', valueFrom: gone }]));
    assert.match(
      notFound.reasons[0] ?? '',
      new RegExp(
        `failed to fetch secret ${gone} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret\\.`,
      ),
    );
  });
});
