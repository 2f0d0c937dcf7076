import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSlipwayError } from '../../core/errors.js';
import { DEPLOY_DEFAULTS } from '../../deploy/request.js';
import { normaliseEcsDeployArgs, normaliseSlipwayArgv } from './argv.js';
import {
  containerEdits,
  credentialSource,
  parseNetworkConfiguration,
  planFromFlags,
  type EcsDeployFlags,
} from './options.js';
import { parseShorthand, splitWords } from './syntax.js';

const host = (env: Record<string, string> = {}, files: Record<string, string> = {}) => ({
  env,
  readFile: (p: string) => {
    const content = files[p];
    if (content === undefined) throw new Error('ENOENT');
    return content;
  },
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isSlipwayError(e), String(e));
    return e.code;
  }
  return 'none';
}

const svc: EcsDeployFlags = { cluster: 'c', serviceName: ['web'], image: 'repo/app:2' };

describe('argv normalisation', () => {
  it('rewrites -to, but not a value that happens to be -to', () => {
    assert.deepEqual(normaliseEcsDeployArgs(['-c', 'x', '-to', 'v2']), ['-c', 'x', '--tag-only', 'v2']);
    assert.deepEqual(normaliseEcsDeployArgs(['-c', '-to', '-to', 'v']), ['-c', '-to', '--tag-only', 'v']);
    assert.deepEqual(normaliseEcsDeployArgs(['-to=v3']), ['--tag-only=v3']);
    assert.deepEqual(normaliseEcsDeployArgs(['--', '-to']), ['--', '-to']);
  });
  it('touches only the ecs-deploy command', () => {
    assert.deepEqual(normaliseSlipwayArgv(['ecs-deploy', '-to', 'x']), ['ecs-deploy', '--tag-only', 'x']);
    assert.deepEqual(normaliseSlipwayArgv(['sandbox', '-to', 'x']), ['sandbox', '-to', 'x']);
  });
});

describe('validation follows the script', () => {
  const cases: [string, EcsDeployFlags, string][] = [
    ['no target', { image: 'a' }, 'ECS_DEPLOY_NO_TARGET'],
    [
      'both targets',
      { cluster: 'c', serviceName: ['s'], taskDefinition: 'f', image: 'a' },
      'ECS_DEPLOY_BOTH_TARGETS',
    ],
    ['no cluster', { serviceName: ['s'], image: 'a' }, 'ECS_DEPLOY_NO_CLUSTER'],
    ['no image', { cluster: 'c', serviceName: ['s'] }, 'ECS_DEPLOY_NO_IMAGE'],
    ['max-definitions text', { ...svc, maxDefinitions: 'five' }, 'ECS_DEPLOY_BAD_MAX_DEFINITIONS'],
    ['max-definitions negative', { ...svc, maxDefinitions: '-2' }, 'ECS_DEPLOY_BAD_MAX_DEFINITIONS'],
    ['max-definitions fraction', { ...svc, maxDefinitions: '2.5' }, 'ECS_DEPLOY_BAD_MAX_DEFINITIONS'],
    ['bad image', { ...svc, image: 'Repo/App:2' }, 'IMAGE_REFERENCE_INVALID'],
    ['bad tag-only', { ...svc, tagOnly: '-x' }, 'IMAGE_REFERENCE_INVALID'],
    ['bad --set-image', { ...svc, setImage: ['web=a b'] }, 'IMAGE_REFERENCE_INVALID'],
    ['bad -D', { ...svc, desiredCount: 'two' }, 'USAGE'],
    ['-m over 100', { ...svc, min: '150' }, 'USAGE'],
    ['-M under 100', { ...svc, max: '50' }, 'USAGE'],
    ['-t zero', { ...svc, timeout: '0' }, 'USAGE'],
    ['-k without -s', { ...svc, awsAccessKey: 'AK' }, 'USAGE'],
    ['-k -s with -p', { ...svc, awsAccessKey: 'AK', awsSecretKey: 'S', profile: 'p' }, 'USAGE'],
    ['bad role', { ...svc, awsAssumeRole: 'role' }, 'USAGE'],
    ['external id without -a', { ...svc, externalId: 'x' }, 'USAGE'],
    ['run-task with -n', { ...svc, runTask: true }, 'USAGE'],
    ['wait-for-success without run-task', { taskDefinition: 'f', image: 'a', waitForSuccess: true }, 'USAGE'],
    ['-D with -d', { taskDefinition: 'f', image: 'a', desiredCount: '2' }, 'USAGE'],
    ['-e unset', { ...svc, tagEnvVar: 'NOPE' }, 'USAGE'],
    // Without -i the unset variable is what is wrong, not a missing image (exit 3, not 8).
    ['-e unset, no -i', { cluster: 'c', serviceName: ['web'], tagEnvVar: 'NOPE' }, 'USAGE'],
    ['--output yaml', { ...svc, output: 'yaml' }, 'USAGE'],
    ['--env malformed', { ...svc, env: ['KEY=1'] }, 'USAGE'],
    ['--env and --unset-env', { ...svc, env: ['web:K=1'], unsetEnv: ['web:K'] }, 'USAGE'],
    ['--exclusive-env alone', { ...svc, exclusiveEnv: true }, 'USAGE'],
    ['missing file', { ...svc, taskDefinitionFile: '/nope.json' }, 'USAGE'],
    ['bad region', { ...svc, region: 'Europe' }, 'USAGE'],
  ];
  for (const [name, flags, expected] of cases) {
    it(`${name} → ${expected}`, () =>
      assert.equal(
        code(() => planFromFlags(flags, host())),
        expected,
      ));
  }
});

describe('request mapping', () => {
  it('maps the script flags and our defaults', () => {
    const plan = planFromFlags(
      {
        ...svc,
        desiredCount: '2',
        min: '50',
        max: '200',
        timeout: '240',
        maxDefinitions: '5',
        enableRollback: true,
      },
      host({ AWS_DEFAULT_REGION: 'eu-west-1' }),
    );
    assert.equal(plan.region, 'eu-west-1');
    assert.deepEqual(plan.credentials, { kind: 'chain' });
    const r = plan.request;
    assert.deepEqual(r.target, { kind: 'services', cluster: 'c', services: ['web'] });
    assert.deepEqual(r.image, { repository: 'repo/app', tag: '2' });
    assert.equal(r.desiredCount, 2);
    assert.equal(r.minimumHealthyPercent, 50);
    assert.equal(r.maximumPercent, 200);
    assert.equal(r.timeoutSeconds, 240);
    assert.equal(r.inactivityTimeoutSeconds, DEPLOY_DEFAULTS.inactivityTimeoutSeconds);
    assert.equal(r.maxDefinitions, 5);
    assert.equal(r.enableRollback, true);
  });
  it('maps --early-success and --no-early-success, refusing a bad value', () => {
    const parse = (earlySuccess: string | boolean) =>
      planFromFlags({ ...svc, earlySuccess }, host({ AWS_DEFAULT_REGION: 'eu-west-1' })).request.earlySuccess;
    assert.deepEqual(parse('50'), { healthyPercent: 50, cleanup: 'BLOCKING' });
    assert.deepEqual(parse('75:deferred'), { healthyPercent: 75, cleanup: 'DEFERRED' });
    assert.equal(parse(false), false);
    assert.throws(() => parse('50:later'), /--early-success takes PERCENT or PERCENT:blocking\|deferred/);
    assert.throws(() => parse('101'), /--early-success/);
  });

  it('defaults the timeout to 900 s and keeps every revision with --max-definitions 0', () => {
    const r = planFromFlags({ ...svc, maxDefinitions: '0' }, host()).request;
    assert.equal(r.timeoutSeconds, 900);
    assert.equal(r.maxDefinitions, undefined);
  });
  it('-e takes the tag from the environment, beating -i; without -i it retags', () => {
    assert.deepEqual(
      planFromFlags({ ...svc, image: 'repo/app@sha256:' + 'a'.repeat(64), tagEnvVar: 'T' }, host({ T: 'v9' }))
        .request.image,
      {
        repository: 'repo/app',
        tag: 'v9',
      },
    );
    const r = planFromFlags(
      { cluster: 'c', serviceName: ['web'], tagEnvVar: 'T' },
      host({ T: 'v9' }),
    ).request;
    assert.equal(r.edits.tagOnly, 'v9');
  });
  it('-to retags and ignores -i, as the script does', () => {
    const r = planFromFlags({ ...svc, image: 'ignore', tagOnly: '1.2.3' }, host()).request;
    assert.equal(r.image, undefined);
    assert.equal(r.edits.tagOnly, '1.2.3');
  });
  it('region: -r beats AWS_REGION beats AWS_DEFAULT_REGION', () => {
    assert.equal(
      planFromFlags({ ...svc, region: 'us-west-2' }, host({ AWS_REGION: 'eu-west-1' })).region,
      'us-west-2',
    );
    assert.equal(
      planFromFlags(svc, host({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'x' })).region,
      'eu-west-1',
    );
    assert.equal(planFromFlags(svc, host()).region, undefined);
  });
  it('credentials: static, profile, instance profile, assume-role around either', () => {
    assert.deepEqual(credentialSource({ awsAccessKey: 'A', awsSecretKey: 'S' }), {
      kind: 'static',
      accessKeyId: 'A',
      secretAccessKey: 'S',
    });
    assert.deepEqual(credentialSource({ profile: 'prod' }), { kind: 'chain', profile: 'prod' });
    assert.deepEqual(credentialSource({ awsInstanceProfile: true }), { kind: 'chain' });
    assert.deepEqual(
      credentialSource({
        profile: 'p',
        awsAssumeRole: 'arn:aws:iam::123456789012:role/deploy',
        externalId: 'x',
      }),
      {
        kind: 'assume-role',
        roleArn: 'arn:aws:iam::123456789012:role/deploy',
        externalId: 'x',
        sessionName: 'slipway-ecs-deploy',
        source: { kind: 'chain', profile: 'p' },
      },
    );
  });
  it('collects per-container edits by container, in order', () => {
    const edits = containerEdits({
      setImage: ['web=repo/web:2'],
      env: ['web:A=1', 'web:B=x=y', 'worker:C='],
      unsetEnv: ['web:OLD'],
      secret: ['web:DB=arn:aws:ssm:eu-west-1:123456789012:parameter/db'],
      unsetSecret: ['worker:S'],
      command: [`web=sh -c "echo 'hi there'"`],
      cpu: ['web=256'],
      memory: ['web=512'],
      memoryReservation: ['worker=128'],
      dockerLabel: ['web:team=core'],
    });
    assert.deepEqual(edits, [
      {
        container: 'web',
        image: 'repo/web:2',
        setEnvironment: { A: '1', B: 'x=y' },
        unsetEnvironment: ['OLD'],
        setSecrets: { DB: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' },
        command: ['sh', '-c', "echo 'hi there'"],
        cpu: 256,
        memory: 512,
        dockerLabels: { team: 'core' },
      },
      { container: 'worker', setEnvironment: { C: '' }, unsetSecrets: ['S'], memoryReservation: 128 },
    ]);
  });
  it('reads --task-definition-file in both shapes', () => {
    const td = {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'a', pidMode: 'task' }],
      ipcMode: 'host',
    };
    for (const content of [JSON.stringify(td), JSON.stringify({ taskDefinition: td })]) {
      const r = planFromFlags(
        { ...svc, taskDefinitionFile: 'f.json' },
        host({}, { 'f.json': content }),
      ).request;
      assert.deepEqual(r.taskDefinitionFile, td);
    }
    assert.equal(
      code(() => planFromFlags({ ...svc, taskDefinitionFile: 'f' }, host({}, { f: '{"family":"x"}' }))),
      'USAGE',
    );
    assert.equal(
      code(() => planFromFlags({ ...svc, taskDefinitionFile: 'f' }, host({}, { f: '{' }))),
      'USAGE',
    );
  });
  it('run-task options', () => {
    const r = planFromFlags(
      {
        taskDefinition: 'job',
        image: 'repo/job:1',
        runTask: true,
        launchType: 'fargate',
        platformVersion: 'LATEST',
        networkConfiguration:
          'awsvpcConfiguration={subnets=[subnet-1,subnet-2],securityGroups=[sg-1],assignPublicIp=ENABLED}',
        waitForSuccess: true,
      },
      host(),
    ).request;
    assert.ok(r.target.kind === 'family');
    assert.deepEqual(r.target.runTask, {
      waitForSuccess: true,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-1', 'subnet-2'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'ENABLED',
        },
      },
    });
  });
});

describe('syntaxes', () => {
  it('network configuration: JSON and shorthand agree; mistakes are usage errors', () => {
    const json = '{"awsvpcConfiguration":{"subnets":["a","b"],"assignPublicIp":"DISABLED"}}';
    assert.deepEqual(
      parseNetworkConfiguration(json),
      parseNetworkConfiguration('awsvpcConfiguration={subnets=[a, b], assignPublicIp=DISABLED}'),
    );
    for (const bad of [
      'awsvpcConfiguration={subnets=[a]',
      'subnets=[a]',
      'awsvpcConfiguration={subnets=[]}',
      '{',
    ]) {
      assert.equal(
        code(() => parseNetworkConfiguration(bad)),
        'USAGE',
        bad,
      );
    }
  });
  it('shorthand quotes and nesting', () => {
    assert.deepEqual(parseShorthand(`a={b="x,y",c=[{d=1}]},e=f`), {
      a: { b: 'x,y', c: [{ d: '1' }] },
      e: 'f',
    });
  });
  it('splits words like a shell', () => {
    assert.deepEqual(splitWords(`node  server.js --name "a b" 'c d' e\\ f ""`), [
      'node',
      'server.js',
      '--name',
      'a b',
      'c d',
      'e f',
      '',
    ]);
    assert.throws(() => splitWords('"open'));
  });
});
