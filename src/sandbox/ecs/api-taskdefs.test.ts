import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ECSClient } from '@aws-sdk/client-ecs';
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { SandboxHandle } from '../index.js';
import { failure, rawEcs, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';

let env: EcsTestEnv;
let sb: SandboxHandle;
let ecs: ECSClient;

before(async () => {
  env = await startEcsEnv();
  ({ sb, ecs } = env);
});
after(() => env.close());

const web = (family = 'web'): RegisterTaskDefinitionCommandInput => ({
  family,
  containerDefinitions: [
    { name: 'app', image: 'nginx:1.27', memory: 256, portMappings: [{ containerPort: 80 }] },
  ],
});

describe('RegisterTaskDefinition / DescribeTaskDefinition', () => {
  it('passes unknown fields through and adds the read-only fields', async () => {
    const input = {
      ...web('passthrough'),
      futureTaskField: { nested: [1, 'two', { three: true }] },
      containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, futureContainerField: 'x' }],
      tags: [{ key: 'team', value: 'core' }],
    };
    // The SDK drops members it does not model both ways, so these calls go over raw JSON 1.1.
    const reg = await raw('RegisterTaskDefinition', input);
    assert.equal((reg.taskDefinition as Record<string, unknown>).revision, 1);
    assert.deepEqual(reg.tags, [{ key: 'team', value: 'core' }]);
    const raw1 = await raw('DescribeTaskDefinition', { taskDefinition: 'passthrough' });
    const td = raw1.taskDefinition as Record<string, unknown>;
    assert.deepEqual(td.futureTaskField, { nested: [1, 'two', { three: true }] });
    // Every given field comes back unchanged, plus the defaults ECS fills in.
    assert.deepEqual(td.containerDefinitions, [
      {
        name: 'app',
        image: 'nginx',
        memory: 128,
        futureContainerField: 'x',
        cpu: 0,
        portMappings: [],
        essential: true,
        environment: [],
        mountPoints: [],
        volumesFrom: [],
      },
    ]);
    assert.deepEqual([td.volumes, td.placementConstraints], [[], []]);
    assert.equal(td.tags, undefined, 'tags are not part of the task definition');

    const d = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'passthrough', include: ['TAGS'] }),
    );
    const t = d.taskDefinition!;
    assert.equal(
      t.taskDefinitionArn,
      `arn:aws:ecs:${sb.region}:${sb.accountId}:task-definition/passthrough:1`,
    );
    assert.equal(t.status, 'ACTIVE');
    assert.deepEqual(t.compatibilities, ['EC2']);
    assert.ok(Array.isArray(t.requiresAttributes));
    assert.ok(t.registeredAt instanceof Date);
    assert.match(t.registeredBy ?? '', /^arn:aws:iam::\d{12}:/);
    assert.deepEqual(d.tags, [{ key: 'team', value: 'core' }]);
  });

  it('creates a new revision for identical content and resolves family, family:rev and ARN', async () => {
    const a = await ecs.send(new RegisterTaskDefinitionCommand(web('revs')));
    const b = await ecs.send(new RegisterTaskDefinitionCommand(web('revs')));
    assert.equal(a.taskDefinition?.revision, 1);
    assert.equal(b.taskDefinition?.revision, 2);
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'revs' }));
    assert.equal(latest.taskDefinition?.revision, 2);
    const first = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'revs:1' }));
    assert.equal(first.taskDefinition?.revision, 1);
    const byArn = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: a.taskDefinition!.taskDefinitionArn }),
    );
    assert.equal(byArn.taskDefinition?.revision, 1);
    assert.equal(byArn.tags, undefined);
  });

  it('computes FARGATE compatibility and awslogs attributes', async () => {
    const r = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'fg',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        executionRoleArn: `arn:aws:iam::${sb.accountId}:role/exec`,
        containerDefinitions: [
          {
            name: 'app',
            image: 'nginx',
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/fg' } },
          },
        ],
      }),
    );
    assert.deepEqual(r.taskDefinition?.compatibilities, ['EC2', 'FARGATE']);
    const names = (r.taskDefinition?.requiresAttributes ?? []).map((a) => a.name);
    assert.ok(names.includes('com.amazonaws.ecs.capability.logging-driver.awslogs'));
    assert.ok(names.includes('ecs.capability.task-eni'));
  });

  it('accepts role names for taskRoleArn and executionRoleArn and stores them as ARNs', async () => {
    const r = await ecs.send(
      new RegisterTaskDefinitionCommand({
        ...web('role-names'),
        taskRoleArn: 'app-task-role',
        executionRoleArn: 'stack-TaskExecutionRole-1ABCDEF',
      }),
    );
    assert.equal(r.taskDefinition?.taskRoleArn, `arn:aws:iam::${sb.accountId}:role/app-task-role`);
    assert.equal(
      r.taskDefinition?.executionRoleArn,
      `arn:aws:iam::${sb.accountId}:role/stack-TaskExecutionRole-1ABCDEF`,
    );
    const arn = `arn:aws:iam::${sb.accountId}:role/service-role/with-path`;
    const kept = await ecs.send(
      new RegisterTaskDefinitionCommand({ ...web('role-names'), taskRoleArn: arn }),
    );
    assert.equal(kept.taskDefinition?.taskRoleArn, arn, 'an ARN is kept as given');
    const bad = await failure(
      ecs.send(new RegisterTaskDefinitionCommand({ ...web('role-names'), taskRoleArn: 'no spaces' })),
    );
    assert.equal(bad.name, 'ClientException');
    assert.equal(bad.message, 'Role is not valid');
  });

  it('rejects invalid bodies with ECS messages', async () => {
    const cases: [RegisterTaskDefinitionCommandInput, string, RegExp][] = [
      [
        { family: 'bad name!', containerDefinitions: web().containerDefinitions },
        'ClientException',
        /Family/,
      ],
      [{ family: 'x', containerDefinitions: [] }, 'ClientException', /Container list cannot be empty/],
      [
        { family: 'x', containerDefinitions: [{ name: 'a', memory: 5 }] },
        'ClientException',
        /Container.image/,
      ],
      [
        { family: 'x', containerDefinitions: [{ image: 'i', memory: 5 }] },
        'ClientException',
        /Container.name/,
      ],
      [
        { family: 'x', containerDefinitions: [{ name: 'a', image: 'i' }] },
        'ClientException',
        /memoryReservation/,
      ],
      [
        {
          family: 'x',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'a', image: 'i' }],
        },
        'ClientException',
        /Fargate only supports network mode 'awsvpc'/,
      ],
      [
        {
          family: 'x',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          memory: '512',
          containerDefinitions: [{ name: 'a', image: 'i' }],
        },
        'ClientException',
        /'cpu' be defined at the task level/,
      ],
      [
        {
          family: 'x',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '4096',
          containerDefinitions: [{ name: 'a', image: 'i' }],
        },
        'ClientException',
        /No Fargate configuration exists/,
      ],
      [
        {
          family: 'x',
          networkMode: 'weird' as 'awsvpc',
          containerDefinitions: [{ name: 'a', image: 'i', memory: 5 }],
        },
        'InvalidParameterException',
        /networkMode/,
      ],
    ];
    for (const [input, name, message] of cases) {
      const err = await failure(ecs.send(new RegisterTaskDefinitionCommand(input)));
      assert.equal(err.name, name, JSON.stringify(input));
      assert.match(err.message, message);
      assert.equal(err.$metadata?.httpStatusCode, 400);
    }
  });

  it('answers ClientException for unknown task definitions', async () => {
    for (const ref of [
      'nope',
      'nope:1',
      'web:99',
      `arn:aws:ecs:${sb.region}:${sb.accountId}:task-definition/nope:3`,
      '::',
    ]) {
      const err = await failure(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref })));
      assert.equal(err.name, 'ClientException');
      assert.equal(err.message, 'Unable to describe task definition.');
    }
  });
});

describe('Deregister / Delete / List', () => {
  it('deregisters (still describable), lists by status and deletes only INACTIVE revisions', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(web('life')));
    await ecs.send(new RegisterTaskDefinitionCommand(web('life')));
    const dereg = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'life:1' }));
    assert.equal(dereg.taskDefinition?.status, 'INACTIVE');
    assert.ok(dereg.taskDefinition?.deregisteredAt instanceof Date);
    const still = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'life:1' }));
    assert.equal(still.taskDefinition?.status, 'INACTIVE');

    const inactive = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'life', status: 'INACTIVE' }),
    );
    assert.deepEqual(
      inactive.taskDefinitionArns?.map((a) => a.split('/')[1]),
      ['life:1'],
    );

    const bare = await failure(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'life' })));
    assert.equal(bare.name, 'ClientException');
    const unknown = await failure(
      ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'life:9' })),
    );
    assert.equal(unknown.name, 'ClientException');

    const del = await ecs.send(
      new DeleteTaskDefinitionsCommand({ taskDefinitions: ['life:1', 'life:2', 'life:7'] }),
    );
    assert.deepEqual(
      del.taskDefinitions?.map((t) => [t.revision, t.status]),
      [[1, 'DELETE_IN_PROGRESS']],
    );
    assert.equal(del.failures?.length, 2);
    assert.match(del.failures?.[0]?.reason ?? '', /still in ACTIVE status/);
    const families = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'life' }));
    assert.deepEqual(families.families, ['life']);
  });

  it('paginates more than 100 revisions in both sort orders', async () => {
    for (let i = 0; i < 105; i++) await ecs.send(new RegisterTaskDefinitionCommand(web('many')));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'many', nextToken }));
      seen.push(...(page.taskDefinitionArns ?? []));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.equal(pages, 2);
    assert.equal(seen.length, 105);
    assert.ok(seen[0]?.endsWith('many:1') && seen[104]?.endsWith('many:105'));

    const desc = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'many', sort: 'DESC', maxResults: 2 }),
    );
    assert.deepEqual(
      desc.taskDefinitionArns?.map((a) => a.split(':').pop()),
      ['105', '104'],
    );
    const desc2 = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: 'many',
        sort: 'DESC',
        maxResults: 2,
        nextToken: desc.nextToken,
      }),
    );
    assert.deepEqual(
      desc2.taskDefinitionArns?.map((a) => a.split(':').pop()),
      ['103', '102'],
    );

    for (const maxResults of [0, 101]) {
      const err = await failure(ecs.send(new ListTaskDefinitionsCommand({ maxResults })));
      assert.equal(err.name, 'InvalidParameterException');
    }
    const bad = await failure(ecs.send(new ListTaskDefinitionsCommand({ nextToken: 'garbage' })));
    assert.equal(bad.name, 'InvalidParameterException');
  });
});

async function raw(action: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await rawEcs(env.sb, action, body);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}
