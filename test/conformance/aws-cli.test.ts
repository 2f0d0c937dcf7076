/**
 * The real AWS CLI (v1, Python) against the sandbox: it must parse every answer and report errors the
 * AWS way. Skips when `aws` is not on the machine.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { AWS_CLI, runAwsCli, type CliResult } from '../helpers/aws-cli.js';
import { clientConfig } from './support.js';

const AWS = AWS_CLI;

describe('AWS CLI v1 against the sandbox', () => {
  let sb: SandboxHandle | undefined;
  let dir = '';
  before(async () => {
    if (!AWS) return;
    sb = await startSandbox({ port: 0, throttling: false, timeScale: 100 });
    dir = mkdtempSync(join(tmpdir(), 'slipway-cli-'));
    const target = {
      name: 'sandbox' as const,
      endpoint: sb.endpoint,
      region: sb.region,
      accountId: sb.accountId,
      credentials: sb.credentials,
    };
    const config = clientConfig(target);
    const ecs = new ECSClient(config);
    await fetch(`${sb.endpoint}/_sandbox/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'c', instances: { count: 1 } }),
    }).then((r) => r.arrayBuffer());
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster: 'c', serviceName: 's', taskDefinition: 'web', desiredCount: 1 }),
    );
    await new ECRClient(config).send(new CreateRepositoryCommand({ repositoryName: 'team/api' }));
    await new CloudWatchLogsClient(config).send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' }));
    await new IAMClient(config).send(
      new CreateRoleCommand({
        RoleName: 'ecsTaskExecutionRole',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
  });
  after(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function aws(...args: string[]): Promise<CliResult> {
    if (!sb || !AWS) throw new Error('no sandbox');
    return runAwsCli(sb, ...args);
  }

  /** Runs the CLI and parses its JSON output, failing with the CLI's stderr. */
  async function awsJson(...args: string[]): Promise<Record<string, unknown>> {
    const r = await aws(...args);
    assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  it('reads ECS, STS, ECR, Logs and IAM (JSON output parsed, real values)', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const account = sb?.accountId ?? '';
    const [services, clusters, identity, repos, groups, role] = await Promise.all([
      awsJson('ecs', 'describe-services', '--cluster', 'c', '--services', 's'),
      awsJson('ecs', 'list-clusters'),
      awsJson('sts', 'get-caller-identity'),
      awsJson('ecr', 'describe-repositories'),
      awsJson('logs', 'describe-log-groups'),
      awsJson('iam', 'get-role', '--role-name', 'ecsTaskExecutionRole'),
    ]);
    const service = (services.services as Record<string, unknown>[])[0];
    assert.equal(service?.serviceName, 's');
    assert.equal(service?.serviceArn, `arn:aws:ecs:us-east-1:${account}:service/c/s`);
    assert.equal(service?.taskDefinition, `arn:aws:ecs:us-east-1:${account}:task-definition/web:1`);
    assert.equal(service?.desiredCount, 1);
    assert.ok(Array.isArray(service?.deployments), 'deployments');
    assert.deepEqual(clusters.clusterArns, [`arn:aws:ecs:us-east-1:${account}:cluster/c`]);
    assert.equal(identity.Account, account);
    assert.equal(identity.Arn, `arn:aws:iam::${account}:root`);
    const repo = (repos.repositories as Record<string, unknown>[])[0];
    assert.equal(repo?.repositoryName, 'team/api');
    // Deliberate: the sandbox's repositoryUri names its own registry, so `docker push` to it works
    // (AWS: <account>.dkr.ecr.<region>.amazonaws.com/<name>); see docs/conformance.md.
    assert.equal(repo?.repositoryUri, `${new URL(sb?.endpoint ?? 'http://x').host}/team/api`);
    assert.deepEqual(
      (groups.logGroups as Record<string, unknown>[]).map((g) => g.logGroupName),
      ['/ecs/web'],
    );
    const r = role.Role as Record<string, unknown>;
    assert.equal(r.Arn, `arn:aws:iam::${account}:role/ecsTaskExecutionRole`);
    // The CLI decodes the URL-encoded policy document into JSON.
    const policy = r.AssumeRolePolicyDocument as { Statement: { Principal: { Service: string } }[] };
    assert.equal(policy.Statement[0]?.Principal.Service, 'ecs-tasks.amazonaws.com');
  });

  it('registers a task definition from --cli-input-json', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const file = join(dir, 'td.json');
    writeFileSync(
      file,
      JSON.stringify({
        family: 'from-cli',
        containerDefinitions: [
          {
            name: 'app',
            image: 'nginx:1.27',
            memory: 256,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    );
    const out = await awsJson('ecs', 'register-task-definition', '--cli-input-json', `file://${file}`);
    const td = out.taskDefinition as Record<string, unknown>;
    assert.equal(
      td.taskDefinitionArn,
      `arn:aws:ecs:us-east-1:${sb?.accountId ?? ''}:task-definition/from-cli:1`,
    );
    assert.equal(td.status, 'ACTIVE');
    assert.equal(td.revision, 1);
  });

  it('reports an unknown cluster with a non-zero exit and ClusterNotFoundException', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const r = await aws('ecs', 'describe-services', '--cluster', 'no-such-cluster', '--services', 's');
    assert.notEqual(r.code, 0, 'non-zero exit');
    assert.match(r.stderr, /ClusterNotFoundException/);
    assert.equal(r.stdout.trim(), '');
  });

  it('reports numbers out of AWS’s ranges as AWS does (botocore checks only minimums)', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const count = await aws(
      'ecs',
      'update-service',
      '--cluster',
      'c',
      '--service',
      's',
      '--desired-count',
      '1000000000000',
    );
    assert.notEqual(count.code, 0);
    assert.match(count.stderr, /\(InvalidParameterException\)/);
    assert.match(count.stderr, /Value '1000000000000' at 'desiredCount' failed to satisfy constraint/);
    const duration = await aws(
      'sts',
      'assume-role',
      '--role-arn',
      `arn:aws:iam::${sb?.accountId ?? ''}:role/ecsTaskExecutionRole`,
      '--role-session-name',
      'cli',
      '--duration-seconds',
      '50000',
    );
    assert.notEqual(duration.code, 0);
    assert.match(duration.stderr, /\(ValidationError\)/);
    assert.match(duration.stderr, /Member must have value less than or equal to 43200/);
    const page = await aws('ecr', 'describe-repositories', '--max-items', '5', '--page-size', '1001');
    assert.notEqual(page.code, 0);
    assert.match(page.stderr, /\(InvalidParameterException\).*less than or equal to 1000/);
  });
});
