import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSegment, parameterArn, parameterName, roleArnOf, type SecretScope } from './names.js';
import {
  applySecrets,
  planSecrets,
  plaintextVariables,
  refusePlaintext,
  requireExecutionRole,
  SECRET_VERSIONS_LABEL,
  withDeliveredSecrets,
  withoutPlanned,
  type DeliveredSecret,
} from './plan.js';

const SCOPE: SecretScope = {
  project: 'Web shop',
  environment: 'Production',
  tenant: 'Acme Corp',
  cluster: 'main',
  service: 'web',
};

describe('secret parameter names', () => {
  it('keeps letters, digits, "_" and "-" and escapes everything else injectively', () => {
    assert.equal(encodeSegment('Prod EU'), 'Prod.20EU');
    assert.equal(encodeSegment('Prod-EU'), 'Prod-EU');
    assert.equal(encodeSegment('a.b'), 'a.2Eb');
    assert.equal(encodeSegment('a/b'), 'a.2Fb');
    assert.equal(encodeSegment('Zürich'), 'Z.C3.BCrich');
    assert.notEqual(encodeSegment('a.20b'), encodeSegment('a b'));
  });

  it('is /slipway/<project>/<environment>/<tenant>/<cluster>/<service>/<container>/<NAME>', () => {
    assert.equal(
      parameterName(SCOPE, 'app', 'DB_PASSWORD'),
      '/slipway/Web.20shop/Production/Acme.20Corp/main/web/app/DB_PASSWORD',
    );
    const { tenant: _t, ...untenanted } = SCOPE;
    assert.equal(
      parameterName(untenanted, 'app', 'DB_PASSWORD'),
      '/slipway/Web.20shop/Production/.untenanted/main/web/app/DB_PASSWORD',
    );
    // A tenant called "untenanted" (or ".untenanted") is not the untenanted deployment.
    assert.notEqual(
      parameterName({ ...SCOPE, tenant: '.untenanted' }, 'app', 'X'),
      parameterName(untenanted, 'app', 'X'),
    );
  });

  it('builds ARNs per partition and refuses names SSM would refuse', () => {
    assert.equal(
      parameterArn('eu-west-1', '123456789012', '/slipway/a'),
      'arn:aws:ssm:eu-west-1:123456789012:parameter/slipway/a',
    );
    assert.match(parameterArn('cn-north-1', '123456789012', '/x'), /^arn:aws-cn:ssm:/);
    assert.throws(() => parameterArn('eu-west-1', '123456789012', `/${'x'.repeat(1000)}`), /Shorten/);
    assert.equal(roleArnOf('exec', 'us-east-1', '123456789012'), 'arn:aws:iam::123456789012:role/exec');
    assert.equal(roleArnOf('arn:aws:iam::1:role/a/b', 'us-east-1', '2'), 'arn:aws:iam::1:role/a/b');
  });
});

describe('planSecrets', () => {
  const containers = [
    {
      name: 'app',
      environment: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', value: 'hunter2-secret' },
        { name: 'DB_URL', value: 'postgres://app:hunter2-secret@db/app' },
        { name: 'DERIVED', value: 'HUNTER2-SECRET' },
      ],
    },
  ];

  it('delivers every value that contains a sensitive one (raw or derived), and nothing else', () => {
    const planned = planSecrets(containers, ['hunter2-secret', 'HUNTER2-SECRET'], SCOPE);
    assert.deepEqual(
      planned.map((p) => p.name),
      ['DB_PASSWORD', 'DB_URL', 'DERIVED'],
    );
    assert.equal(planned[1]!.parameterName, '/slipway/Web.20shop/Production/Acme.20Corp/main/web/app/DB_URL');
    assert.deepEqual(
      withoutPlanned(containers, planned)[0]!.environment.map((e) => e.name),
      ['LOG_LEVEL'],
    );
  });

  it('plans nothing without sensitive values, and ignores empty ones', () => {
    assert.deepEqual(planSecrets(containers, [], SCOPE), []);
    assert.deepEqual(planSecrets(containers, [''], SCOPE), []);
  });
});

const ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter/slipway/x';
const delivered = (name: string, version = 1, container = 'app'): DeliveredSecret => ({
  container,
  name,
  parameterName: `/slipway/x/${name}`,
  valueFrom: `${ARN}/${name}`,
  version,
  written: true,
});

describe('applySecrets', () => {
  const base = {
    family: 'web',
    executionRoleArn: 'exec',
    containerDefinitions: [
      {
        name: 'app',
        image: 'nginx',
        environment: [
          { name: 'A', value: '1' },
          { name: 'DB_PASSWORD', value: 'old-plain' },
        ],
        secrets: [{ name: 'OLD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/old' }],
      },
      { name: 'sidecar', image: 'envoy', dockerLabels: { keep: 'me' } },
    ],
  };
  const containerOf = (td: Record<string, unknown>, i = 0) =>
    (td['containerDefinitions'] as Record<string, unknown>[])[i]!;

  it('moves delivered names out of the environment into secrets and labels their versions (append)', () => {
    const td = applySecrets(
      base,
      [{ name: 'app', secrets: [], mode: 'append' }],
      [delivered('DB_PASSWORD', 3)],
    );
    const app = containerOf(td);
    assert.deepEqual(app['environment'], [{ name: 'A', value: '1' }]);
    assert.deepEqual(app['secrets'], [
      { name: 'OLD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/old' },
      { name: 'DB_PASSWORD', valueFrom: `${ARN}/DB_PASSWORD` },
    ]);
    assert.deepEqual(app['dockerLabels'], { [SECRET_VERSIONS_LABEL]: '{"DB_PASSWORD":3}' });
    assert.deepEqual(containerOf(td, 1)['dockerLabels'], { keep: 'me' }, 'other containers untouched');
    assert.equal(containerOf(base)['dockerLabels'], undefined, 'the input is not mutated');
  });

  it('replace keeps exactly the explicit and delivered secrets; a new version changes the label', () => {
    const td = applySecrets(
      base,
      [
        {
          name: 'app',
          secrets: [
            {
              name: 'API',
              valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf:key::',
            },
          ],
          mode: 'replace',
        },
      ],
      [delivered('DB_PASSWORD', 4)],
    );
    assert.deepEqual(
      (containerOf(td)['secrets'] as { name: string }[]).map((s) => s.name),
      ['API', 'DB_PASSWORD'],
    );
    assert.deepEqual(containerOf(td)['dockerLabels'], { [SECRET_VERSIONS_LABEL]: '{"DB_PASSWORD":4}' });
  });

  it('a name the step now sets in clear leaves the secrets; without delivered secrets the label goes', () => {
    const labelled = applySecrets(base, [], [delivered('DB_PASSWORD', 3)]);
    const td = applySecrets(
      labelled,
      [{ name: 'app', secrets: [], mode: 'append' }],
      [],
      new Map([['app', ['DB_PASSWORD']]]),
    );
    assert.deepEqual(
      (containerOf(td)['secrets'] as { name: string }[]).map((s) => s.name),
      ['OLD'],
    );
    assert.equal(containerOf(td)['dockerLabels'], undefined);
  });
});

describe('the plaintext guard and the execution role', () => {
  const td = (env: { name: string; value: string }[], role?: string) => ({
    ...(role ? { executionRoleArn: role } : {}),
    containerDefinitions: [
      { name: 'app', image: 'nginx', environment: env, secrets: [{ name: 'S', valueFrom: 'p' }] },
    ],
  });

  it('names template variables that hold a sensitive value of 4+ characters, never the value', () => {
    const found = plaintextVariables(
      td([
        { name: 'PGPASSWORD', value: 'x-hunter2-x' },
        { name: 'N', value: '1' },
      ]),
      ['hunter2', '1'],
    );
    assert.deepEqual(found, ['container app: PGPASSWORD']);
    assert.throws(
      () => refusePlaintext(td([{ name: 'PGPASSWORD', value: 'hunter2' }]), ['hunter2']),
      (e: Error) => /PGPASSWORD/.test(e.message) && !e.message.includes('hunter2'),
    );
  });

  it('requires an execution role when a container has secrets', () => {
    assert.throws(() => requireExecutionRole(td([])), /executionRoleArn/);
    assert.equal(requireExecutionRole(td([], 'exec')), 'exec');
    assert.equal(requireExecutionRole({ containerDefinitions: [{ name: 'a' }] }), undefined);
  });
});

describe("withDeliveredSecrets (the CloudFormation step's containers)", () => {
  it('moves delivered names from environment to secrets with their ARN and labels the versions', () => {
    const [c] = withDeliveredSecrets(
      [
        {
          name: 'app',
          environment: [
            { name: 'A', value: '1' },
            { name: 'DB_PASSWORD', value: 'hunter2-secret' },
          ],
          secrets: [{ name: 'API', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/api' }],
          dockerLabels: { team: 'web' },
        },
      ],
      [delivered('DB_PASSWORD', 2)],
    );
    assert.deepEqual(c, {
      name: 'app',
      environment: [{ name: 'A', value: '1' }],
      secrets: [
        { name: 'API', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/api' },
        { name: 'DB_PASSWORD', valueFrom: `${ARN}/DB_PASSWORD` },
      ],
      dockerLabels: { team: 'web', [SECRET_VERSIONS_LABEL]: '{"DB_PASSWORD":2}' },
    });
  });
});
