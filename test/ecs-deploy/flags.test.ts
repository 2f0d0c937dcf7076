/**
 * Every flag of the ecs-deploy script, as CI jobs call it, against the sandbox: each invocation
 * exits 0 and does what the flag says. Plus Slipway's per-container edits.
 */
import {
  DescribeTaskDefinitionCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { NGINX, short, World, type CliResult } from './world.js';

const CLUSTER = 'flags';
let world: World;
const dir = mkdtempSync(join(tmpdir(), 'slipway-flags-'));

before(async () => {
  world = await World.start();
  await world.cluster(CLUSTER, 12);
});
after(async () => {
  await world?.close();
});

/** Creates service `name` on NGINX:1.27 and runs ecs-deploy `-c CLUSTER -n name ARGS`; asserts exit 0. */
async function deploy(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; desiredCount?: number; tags?: boolean } = {},
): Promise<CliResult> {
  await world.service({
    cluster: CLUSTER,
    service: name,
    desiredCount: options.desiredCount ?? 2,
    ...(options.tags ? { taskDefinition: { tags: [{ key: 'team', value: 'core' }] } } : {}),
  });
  const r = await world.cli(args, options.env ?? world.env());
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function running(name: string): Promise<TaskDefinition> {
  const svc = await world.describe(CLUSTER, name);
  assert.equal(svc.deployments?.length, 1, 'the rollout is complete: one deployment left');
  assert.equal(svc.runningCount, svc.desiredCount);
  const out = await world.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }),
  );
  return out.taskDefinition!;
}

const image = async (name: string) => (await running(name)).containerDefinitions?.[0]?.image;

describe('the script’s invocations', { concurrency: 4 }, () => {
  it('-c -n -i', async () => {
    const r = await deploy('basic', ['-c', CLUSTER, '-n', 'basic', '-i', `${NGINX}:1.28`]);
    assert.equal(await image('basic'), `${NGINX}:1.28`);
    assert.match(r.stdout, /^basic: succeeded \(revision basic:2, runs basic:2\)/);
  });

  it('-t -m -M -D --enable-rollback --max-definitions (short forms)', async () => {
    const args = ['-c', CLUSTER, '-n', 'short', '-i', `${NGINX}:1.28`, '-t', '240', '-m', '50', '-M', '200'];
    await deploy('short', [...args, '-D', '3', '--enable-rollback', '--max-definitions', '5']);
    const svc = await world.describe(CLUSTER, 'short');
    assert.equal(svc.desiredCount, 3);
    assert.equal(svc.deploymentConfiguration?.minimumHealthyPercent, 50);
    assert.equal(svc.deploymentConfiguration?.maximumPercent, 200);
    assert.equal(await image('short'), `${NGINX}:1.28`);
  });

  it('long forms', async () => {
    await deploy('long', [
      '--cluster',
      CLUSTER,
      '--service-name',
      'long',
      '--image',
      `${NGINX}:1.28`,
      '--timeout',
      '240',
      '--min',
      '0',
      '--max',
      '150',
      '--desired-count',
      '2',
    ]);
    const svc = await world.describe(CLUSTER, 'long');
    assert.equal(svc.desiredCount, 2);
    assert.equal(svc.deploymentConfiguration?.minimumHealthyPercent, 0);
    assert.equal(svc.deploymentConfiguration?.maximumPercent, 150);
  });

  it('-k -s -r: static credentials and region from flags', async () => {
    const env = world.env({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_REGION: undefined,
    });
    const { accessKeyId, secretAccessKey } = world.sb.credentials;
    await deploy(
      'keys',
      [
        '-k',
        accessKeyId,
        '-s',
        secretAccessKey,
        '-r',
        world.sb.region,
        '-c',
        CLUSTER,
        '-n',
        'keys',
        '-i',
        `${NGINX}:1.28`,
      ],
      { env },
    );
    assert.equal(await image('keys'), `${NGINX}:1.28`);
  });

  it('-p: a profile, with the region from the profile', async () => {
    const { accessKeyId, secretAccessKey } = world.sb.credentials;
    writeFileSync(
      join(dir, 'credentials'),
      `[ci]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
    );
    writeFileSync(join(dir, 'config'), `[profile ci]\nregion = ${world.sb.region}\n`);
    const env = world.env({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_REGION: undefined,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
    await deploy('profile', ['-p', 'ci', '-c', CLUSTER, '-n', 'profile', '-i', `${NGINX}:1.28`], { env });
  });

  it('AWS_DEFAULT_REGION (the AWS CLI’s) and --aws-instance-profile (the chain)', async () => {
    const env = world.env({ AWS_REGION: undefined, AWS_DEFAULT_REGION: world.sb.region });
    await deploy('chain', ['--aws-instance-profile', '-c', CLUSTER, '-n', 'chain', '-i', `${NGINX}:1.28`], {
      env,
    });
  });

  it('-a ROLE --external-id: assume a role first', async () => {
    await world.admin('POST', '/_sandbox/roles', {
      accountId: world.sb.accountId,
      roleName: 'deployer',
      trustedAccountIds: [world.sb.accountId],
      externalId: 'ext-42',
    });
    const role = `arn:aws:iam::${world.sb.accountId}:role/deployer`;
    await deploy('assume', [
      '-a',
      role,
      '--external-id',
      'ext-42',
      '-c',
      CLUSTER,
      '-n',
      'assume',
      '-i',
      `${NGINX}:1.28`,
    ]);
    assert.equal(await image('assume'), `${NGINX}:1.28`);
  });

  it('-to TAG (with the -i the script required, ignored)', async () => {
    await deploy('tagonly', ['-c', CLUSTER, '-n', 'tagonly', '-i', 'ignore', '-to', '1.29']);
    assert.equal(await image('tagonly'), `${NGINX}:1.29`);
    await world.service({ cluster: CLUSTER, service: 'tagonly2' });
    const r = await world.cli(['-c', CLUSTER, '-n', 'tagonly2', '--tag-only', '1.30']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await image('tagonly2'), `${NGINX}:1.30`);
  });

  it('-e VAR: the tag from the environment beats -i’s', async () => {
    await deploy('tagenv', ['-c', CLUSTER, '-n', 'tagenv', '-i', `${NGINX}:1.28`, '-e', 'BUILD_TAG'], {
      env: world.env({ BUILD_TAG: '1.29-build7' }),
    });
    assert.equal(await image('tagenv'), `${NGINX}:1.29-build7`);
  });

  it('--force-new-deployment without -i: a new deployment of the same revision', async () => {
    const before = await world.service({ cluster: CLUSTER, service: 'force' });
    const r = await world.cli(['-c', CLUSTER, '-n', 'force', '--force-new-deployment']);
    assert.equal(r.code, 0, r.stderr);
    const svc = await world.describe(CLUSTER, 'force');
    assert.equal(short(svc.taskDefinition), 'force:1');
    assert.notEqual(svc.deployments?.[0]?.id, before.deployments?.[0]?.id);
    assert.equal((await world.revisions('force')).length, 1);
  });

  it('--use-latest-task-def: based on the newest revision, not the running one', async () => {
    await world.service({ cluster: CLUSTER, service: 'latest' });
    await world.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'latest',
        networkMode: 'bridge',
        containerDefinitions: [
          {
            name: 'web',
            image: `${NGINX}:1.27`,
            memory: 128,
            environment: [{ name: 'FROM', value: 'latest' }],
          },
        ],
      }),
    );
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-n',
      'latest',
      '-i',
      `${NGINX}:1.28`,
      '--use-latest-task-def',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const td = await running('latest');
    assert.equal(td.revision, 3);
    assert.deepEqual(td.containerDefinitions?.[0]?.environment, [{ name: 'FROM', value: 'latest' }]);
  });

  it('--skip-deployments-check and --copy-task-definition-tags', async () => {
    await deploy(
      'tags',
      [
        '-c',
        CLUSTER,
        '-n',
        'tags',
        '-i',
        `${NGINX}:1.28`,
        '--skip-deployments-check',
        '--copy-task-definition-tags',
      ],
      {
        tags: true,
      },
    );
    const arns = await world.revisions('tags');
    const tags = await world.ecs.send(
      new ListTagsForResourceCommand({ resourceArn: arns[arns.length - 1]! }),
    );
    assert.deepEqual(tags.tags, [{ key: 'team', value: 'core' }]);
  });

  it('--task-definition-file: describe-task-definition output, read-only fields and all', async () => {
    await world.service({ cluster: CLUSTER, service: 'file' });
    const described = await world.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'file:1' }));
    const td = described.taskDefinition!;
    td.containerDefinitions![0]!.environment = [{ name: 'FROM_FILE', value: 'yes' }];
    const path = join(dir, 'file.json');
    writeFileSync(path, JSON.stringify({ taskDefinition: td }));
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-n',
      'file',
      '-i',
      `${NGINX}:1.28`,
      '--task-definition-file',
      path,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const now = await running('file');
    assert.equal(now.containerDefinitions?.[0]?.image, `${NGINX}:1.28`);
    assert.deepEqual(now.containerDefinitions?.[0]?.environment, [{ name: 'FROM_FILE', value: 'yes' }]);
  });

  it('-d FAMILY -i: registers a revision, no service involved', async () => {
    await world.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'batch',
        containerDefinitions: [{ name: 'job', image: `${NGINX}:1.27`, memory: 128 }],
      }),
    );
    const r = await world.cli(['-d', 'batch', '-i', `${NGINX}:1.28`]);
    assert.equal(r.code, 0, r.stderr);
    const out = await world.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'batch' }));
    assert.equal(out.taskDefinition?.revision, 2);
    assert.equal(out.taskDefinition?.containerDefinitions?.[0]?.image, `${NGINX}:1.28`);
  });

  it('-d --run-task --launch-type EC2 --wait-for-success -c', async () => {
    const img = `${NGINX}:job-ok`;
    await world.fault(img, { crashExitCode: 0, crashAfterSeconds: 2 });
    await world.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'once',
        containerDefinitions: [{ name: 'job', image: `${NGINX}:1.27`, memory: 128 }],
      }),
    );
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-d',
      'once',
      '-i',
      img,
      '--run-task',
      '--launch-type',
      'EC2',
      '--wait-for-success',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('--run-task on Fargate: --platform-version and --network-configuration shorthand', async () => {
    await world.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'fargate-job',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'job', image: `${NGINX}:1.27`, essential: true }],
      }),
    );
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-d',
      'fargate-job',
      '-i',
      `${NGINX}:1.28`,
      '--run-task',
      '--launch-type',
      'FARGATE',
      '--platform-version',
      'LATEST',
      '--network-configuration',
      'awsvpcConfiguration={subnets=[subnet-1,subnet-2],securityGroups=[sg-1],assignPublicIp=DISABLED}',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('-v: verbose (--version and -h: see validation.test.ts)', async () => {
    const r = await deploy('verbose', ['-v', '-c', CLUSTER, '-n', 'verbose', '-i', `${NGINX}:1.28`]);
    assert.match(r.stderr, /\[verbose\]/);
  });
});

describe('per-container edits', { concurrency: 2 }, () => {
  it('set image, env, secret, command, sizes, labels on the named container only', async () => {
    // A secret needs a parameter that exists and an execution role that may read it, as on AWS.
    const aws = { endpoint: world.sb.endpoint, region: 'us-east-1', credentials: world.sb.credentials };
    const iam = new IAMClient(aws);
    const ssm = new SSMClient(aws);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'edits-execution',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'edits-execution',
        PolicyName: 'read-db',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: '*' }],
        }),
      }),
    );
    await ssm.send(new PutParameterCommand({ Name: '/db', Value: 'postgres://db', Type: 'SecureString' }));
    iam.destroy();
    ssm.destroy();
    await world.service({
      cluster: CLUSTER,
      service: 'edits',
      taskDefinition: { executionRoleArn: 'arn:aws:iam::000000000000:role/edits-execution' },
      containers: [
        {
          name: 'web',
          image: `${NGINX}:1.27`,
          memory: 128,
          environment: [
            { name: 'KEEP', value: '1' },
            { name: 'DROP', value: '1' },
          ],
        },
        { name: 'side', image: 'busybox:1.36', memory: 64, essential: false },
      ],
    });
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-n',
      'edits',
      '--set-image',
      `web=${NGINX}:1.28`,
      '--env',
      'web:LOG=debug',
      '--env',
      'web:URL=a=b',
      '--unset-env',
      'web:DROP',
      '--secret',
      'web:DB=arn:aws:ssm:us-east-1:000000000000:parameter/db',
      '--command',
      `web=sh -c "exec nginx -g 'daemon off;'"`,
      '--cpu',
      'web=128',
      '--memory',
      'web=256',
      '--memory-reservation',
      'side=32',
      '--docker-label',
      'web:team=core',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const td = await running('edits');
    const [web, side] = td.containerDefinitions ?? [];
    assert.equal(web?.image, `${NGINX}:1.28`);
    assert.deepEqual(Object.fromEntries((web?.environment ?? []).map((e) => [e.name, e.value])), {
      KEEP: '1',
      LOG: 'debug',
      URL: 'a=b',
    });
    assert.deepEqual(web?.secrets, [
      { name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/db' },
    ]);
    assert.deepEqual(web?.command, ['sh', '-c', "exec nginx -g 'daemon off;'"]);
    assert.equal(web?.cpu, 128);
    assert.equal(web?.memory, 256);
    assert.deepEqual(web?.dockerLabels, { team: 'core' });
    assert.equal(side?.image, 'busybox:1.36');
    assert.equal(side?.memoryReservation, 32);
  });

  it('--exclusive-env keeps only the variables given; an unknown container is exit 3', async () => {
    await world.service({
      cluster: CLUSTER,
      service: 'exclusive',
      containers: [
        { name: 'web', image: `${NGINX}:1.27`, memory: 128, environment: [{ name: 'OLD', value: '1' }] },
      ],
    });
    const r = await world.cli(['-c', CLUSTER, '-n', 'exclusive', '--env', 'web:NEW=2', '--exclusive-env']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await running('exclusive')).containerDefinitions?.[0]?.environment, [
      { name: 'NEW', value: '2' },
    ]);
    const bad = await world.cli(['-c', CLUSTER, '-n', 'exclusive', '--env', 'nope:A=1']);
    assert.equal(bad.code, 3, bad.stderr);
    assert.match(bad.stderr, /nope/);
  });
});
