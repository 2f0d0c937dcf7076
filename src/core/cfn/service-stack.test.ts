/** renderServiceStack beyond Octopus's goldens: the cases its tests leave out (spec B2, C.1, C.12). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ecsDeployServiceActionSchema } from '../model/kinds/deploy-service.js';
import { isSlipwayError } from '../errors.js';
import type { EvaluatedDeployService } from './evaluated.js';
import { EXECUTION_ROLE_POLICY_ARN, renderServiceStack, type ServiceStackInputs } from './service-stack.js';
import type { CfnValue } from './template.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';

/** A step through the model's schema (defaults filled in), as checkEvaluatedDeployService returns it. */
function step(
  overrides: Record<string, unknown> = {},
  container: Record<string, unknown> = {},
): EvaluatedDeployService {
  return ecsDeployServiceActionSchema.parse({
    type: 'ecs-deploy-service',
    service: 'web',
    taskFamily: 'web-app',
    cpu: 512,
    memory: 1024,
    subnets: ['subnet-0123abcd'],
    containers: [{ name: 'web', image: 'web', portMappings: [{ containerPort: 8080 }], ...container }],
    packages: [{ name: 'web', feed: 'Hub', image: 'hello-color' }],
    ...overrides,
  }) as EvaluatedDeployService;
}

const inputs: ServiceStackInputs = {
  images: { web: 'registry.example.com/hello-color:1.4.2', sidecar: 'registry.example.com/proxy:2' },
  clusterName: 'prod-cluster',
  environmentId: 'Environments-1',
};

type Obj = { [key: string]: CfnValue };
const props = (doc: { Resources: Record<string, { Properties: Obj }> }, id: string): Obj => {
  const r = doc.Resources[id];
  assert.ok(r, `resource ${id} in ${Object.keys(doc.Resources).join(', ')}`);
  return r.Properties;
};
const containerOf = (p: Obj, i = 0): Obj => (p.ContainerDefinitions as Obj[])[i]!;

describe('renderServiceStack: roles, parameters and names', () => {
  it('creates the execution role in the stack when the step names none, and passes the policy as a default only', () => {
    const { template, parameters } = renderServiceStack(step(), inputs);
    assert.deepEqual(Object.keys(template.Resources), [
      'TaskExecutionRolewebApp',
      'AwsLogGroupwebApp',
      'TaskDefinitionwebApp',
      'ServicewebApp',
    ]);
    assert.deepEqual(template.Resources.TaskExecutionRolewebApp, {
      Type: 'AWS::IAM::Role',
      Properties: {
        Path: '/',
        ManagedPolicyArns: [{ Ref: 'AmazonECSTaskExecutionRolePolicyArn' }],
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: ['ecs-tasks.amazonaws.com'] },
              Action: ['sts:AssumeRole'],
            },
          ],
        },
      },
    });
    const td = props(template, 'TaskDefinitionwebApp');
    assert.deepEqual(td.ExecutionRoleArn, { Ref: 'TaskExecutionRolewebApp' });
    assert.equal(td.TaskRoleArn, undefined);
    assert.deepEqual(Object.keys(template.Parameters), [
      'ClusterName',
      'TaskDefinitionName',
      'TaskDefinitionCPU',
      'TaskDefinitionMemory',
      'LogGroupName',
      'AmazonECSTaskExecutionRolePolicyArn',
    ]);
    assert.equal(template.Parameters.AmazonECSTaskExecutionRolePolicyArn?.Default, EXECUTION_ROLE_POLICY_ARN);
    assert.deepEqual(parameters, [
      { key: 'ClusterName', value: 'prod-cluster' },
      { key: 'TaskDefinitionName', value: 'web-app' },
      { key: 'TaskDefinitionCPU', value: '512' },
      { key: 'TaskDefinitionMemory', value: '1024' },
      { key: 'LogGroupName', value: '/ecs/web-app' },
    ]);
  });

  it('writes counts other than the defaults as Number parameters with JSON-number defaults, sent as strings', () => {
    const { template, parameters } = renderServiceStack(
      step({ desiredCount: 3, minimumHealthyPercent: 50, maximumPercent: 200 }),
      inputs,
    );
    assert.deepEqual(template.Parameters.DesiredCount, { Type: 'Number', Default: 3 });
    assert.deepEqual(template.Parameters.MinimumHealthPercent, { Type: 'Number', Default: 50 });
    assert.equal(template.Parameters.MaximumHealthPercent, undefined);
    const service = props(template, 'ServicewebApp');
    assert.deepEqual(service.DesiredCount, { Ref: 'DesiredCount' });
    assert.deepEqual(service.DeploymentConfiguration, {
      MinimumHealthyPercent: { Ref: 'MinimumHealthPercent' },
      MaximumPercent: 200,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    assert.deepEqual(
      parameters.filter((p) => p.key === 'DesiredCount' || p.key === 'MinimumHealthPercent'),
      [
        { key: 'DesiredCount', value: '3' },
        { key: 'MinimumHealthPercent', value: '50' },
      ],
    );
  });

  it('leaves the circuit breaker out when inputs.circuitBreaker is false', () => {
    const { template } = renderServiceStack(step(), { ...inputs, circuitBreaker: false });
    assert.deepEqual(props(template, 'ServicewebApp').DeploymentConfiguration, {
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
    });
  });

  it('generates the stack name with the double camelCase, untenanted or per tenant, and keeps a given one', () => {
    const family = step({ taskFamily: 'test-octopus-spfdeployed-task' });
    const base = { ...inputs, clusterName: 'TestCluster', environmentId: 'Environments-1' };
    assert.equal(
      renderServiceStack(family, base).stackName,
      'cf-ecs-testCluster-servicetestOctopusSpfdeployedTask-environments1-untenanted',
    );
    assert.equal(
      renderServiceStack(family, { ...base, tenantId: 'Tenants-12' }).stackName,
      'cf-ecs-testCluster-servicetestOctopusSpfdeployedTask-environments1-tenants12',
    );
    assert.equal(renderServiceStack(family, { ...base, stackName: 'web-prod' }).stackName, 'web-prod');
    const long = renderServiceStack(step({ taskFamily: 'f'.repeat(200) }), base).stackName;
    assert.equal(long.length, 128);
  });

  it('refuses a given stack name CloudFormation would refuse, naming the step', () => {
    for (const bad of ['1web', 'web_prod']) {
      assert.throws(
        () => renderServiceStack(step(), { ...inputs, stackName: bad, stepName: 'Deploy web' }),
        (e) => isSlipwayError(e) && e.code === 'INVALID_INPUT' && /Step "Deploy web".*"/.test(e.message),
      );
    }
  });

  it('refuses a container without an image', () => {
    assert.throws(
      () => renderServiceStack(step(), { ...inputs, images: {} }),
      /no image for container\(s\) "web"/,
    );
  });

  it('puts the deployment tags first on the stack and the step tags on the resources', () => {
    const { template, tags } = renderServiceStack(step({ tags: [{ key: 'team', value: 'web' }] }), {
      ...inputs,
      stackTags: [{ key: 'slipway:project', value: 'Web' }],
    });
    assert.deepEqual(tags, [
      { key: 'slipway:project', value: 'Web' },
      { key: 'team', value: 'web' },
    ]);
    assert.deepEqual(props(template, 'ServicewebApp').Tags, [{ Key: 'team', Value: 'web' }]);
    assert.deepEqual(props(template, 'TaskDefinitionwebApp').Tags, [{ Key: 'team', Value: 'web' }]);
  });
});

describe('renderServiceStack: what the goldens do not show', () => {
  it('maps load balancers, named service and network settings', () => {
    const { template } = renderServiceStack(
      step({
        executionRole: 'ecsTaskExecutionRole',
        taskRole: 'arn:aws:iam::123456789012:role/web-task',
        securityGroups: ['sg-0123abcd'],
        loadBalancers: [{ containerName: 'web', containerPort: 8080, targetGroupArn: TG }],
      }),
      inputs,
    );
    const service = props(template, 'ServicewebApp');
    assert.equal(service.ServiceName, 'web');
    assert.deepEqual(service.LoadBalancers, [
      { ContainerName: 'web', ContainerPort: 8080, TargetGroupArn: TG },
    ]);
    assert.deepEqual(service.NetworkConfiguration, {
      AwsvpcConfiguration: {
        AssignPublicIp: 'DISABLED',
        Subnets: ['subnet-0123abcd'],
        SecurityGroups: ['sg-0123abcd'],
      },
    });
    assert.equal(template.Resources.TaskExecutionRolewebApp, undefined);
    const td = props(template, 'TaskDefinitionwebApp');
    assert.deepEqual(td.ExecutionRoleArn, { Ref: 'TaskExecutionRole' });
    assert.deepEqual(td.TaskRoleArn, { Ref: 'TaskRole' });
  });

  it('maps secrets, a manual log driver (no log group then), credentials and labels', () => {
    const { template } = renderServiceStack(
      step(
        {},
        {
          secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }],
          logging: { type: 'manual', driver: 'splunk', options: { 'splunk-url': 'https://splunk:8088' } },
          repositoryCredentials: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-creds',
          environment: [{ name: 'COLOUR', value: 'blue' }],
        },
      ),
      inputs,
    );
    assert.equal(template.Resources.AwsLogGroupwebApp, undefined);
    assert.equal(template.Parameters.LogGroupName, undefined);
    const c = containerOf(props(template, 'TaskDefinitionwebApp'));
    assert.deepEqual(c.Secrets, [
      { Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' },
    ]);
    assert.deepEqual(c.LogConfiguration, {
      LogDriver: 'splunk',
      Options: { 'splunk-url': 'https://splunk:8088' },
      SecretOptions: [],
    });
    assert.deepEqual(c.RepositoryCredentials, {
      CredentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-creds',
    });
    assert.deepEqual(c.Environment, [{ Name: 'COLOUR', Value: 'blue' }]);
    assert.equal(c.Image, 'registry.example.com/hello-color:1.4.2');
  });

  it('writes bind volumes before EFS ones, and dependencies between containers', () => {
    const action = step({
      volumes: [
        { name: 'data', type: 'efs', fileSystemId: 'fs-0123abcd' },
        { name: 'scratch', type: 'bind' },
        { name: 'host', type: 'bind', sourcePath: '/var/x' },
      ],
      containers: [
        {
          name: 'web',
          image: 'web',
          dependsOn: [{ containerName: 'sidecar', condition: 'HEALTHY' }],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/tmp/s' }],
          volumesFrom: [{ sourceContainer: 'sidecar', readOnly: true }],
        },
        {
          name: 'sidecar',
          image: 'proxy',
          essential: false,
          healthCheck: { command: ['CMD', 'true'] },
          ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
        },
      ],
      packages: [
        { name: 'web', feed: 'Hub', image: 'hello-color' },
        { name: 'proxy', feed: 'Hub', image: 'library/nginx' },
      ],
    });
    const td = props(renderServiceStack(action, inputs).template, 'TaskDefinitionwebApp');
    assert.deepEqual(td.Volumes, [
      { Name: 'scratch' },
      { Name: 'host', Host: { SourcePath: '/var/x' } },
      {
        Name: 'data',
        EFSVolumeConfiguration: {
          FilesystemId: 'fs-0123abcd',
          TransitEncryption: 'DISABLED',
          AuthorizationConfig: { IAM: 'DISABLED' },
        },
      },
    ]);
    const web = containerOf(td, 0);
    const sidecar = containerOf(td, 1);
    assert.deepEqual(web.DependsOn, [{ ContainerName: 'sidecar', Condition: 'HEALTHY' }]);
    assert.deepEqual(web.MountPoints, [
      { SourceVolume: 'scratch', ContainerPath: '/tmp/s', ReadOnly: false },
    ]);
    assert.deepEqual(web.VolumesFrom, [{ SourceContainer: 'sidecar', ReadOnly: true }]);
    assert.equal(sidecar.Essential, false);
    assert.deepEqual(sidecar.HealthCheck, {
      Command: ['CMD', 'true'],
      Interval: 30,
      Retries: 3,
      StartPeriod: 0,
      Timeout: 5,
    });
    assert.deepEqual(sidecar.Ulimits, [{ Name: 'nofile', HardLimit: 4096, SoftLimit: 1024 }]);
    assert.deepEqual(sidecar.PortMappings, []);
    assert.equal(sidecar.DependsOn, undefined);
  });
});

describe('renderServiceStack: the in-stack execution role may read the containers’ secrets', () => {
  const SSM_ARN = 'arn:aws:ssm:eu-west-1:123456789012:parameter/slipway/web/Prod/.untenanted/apps/web/web/DB';
  const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db';
  const policiesOf = (action: EvaluatedDeployService): CfnValue | undefined =>
    props(renderServiceStack(action, inputs).template, 'TaskExecutionRolewebApp').Policies;

  it('allows ssm:GetParameters on each parameter (ARNs as written, names in the stack’s account and region) and GetSecretValue on each secret', () => {
    const action = step({
      containers: [
        {
          name: 'web',
          image: 'web',
          secrets: [
            { name: 'DB', valueFrom: SSM_ARN },
            { name: 'API_KEY', valueFrom: '/shared/api-key' },
            { name: 'TOKEN', valueFrom: 'plain-name' },
            { name: 'DB_USER', valueFrom: `${SECRET}-AbCdEf:username::` },
          ],
        },
        {
          name: 'sidecar',
          image: 'web',
          secrets: [
            { name: 'DB', valueFrom: SSM_ARN },
            { name: 'DB_PASSWORD', valueFrom: `${SECRET}-AbCdEf:password:AWSCURRENT:` },
            { name: 'OTHER', valueFrom: SECRET },
          ],
        },
      ],
    });
    const sub = (name: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${name}`,
    });
    assert.deepEqual(policiesOf(action), [
      {
        PolicyName: 'slipway-secrets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'ssm:GetParameters',
              Resource: [SSM_ARN, sub('shared/api-key'), sub('plain-name')],
            },
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              // The JSON key, stage and version are not part of the resource; a name may lack its random suffix.
              Resource: [`${SECRET}-AbCdEf`, `${SECRET}-AbCdEf-??????`, SECRET, `${SECRET}-??????`],
            },
          ],
        },
      },
    ]);
  });

  it('has only the statement the secrets need, and no policy without secrets or with a role the step names', () => {
    const ssmOnly = policiesOf(step({}, { secrets: [{ name: 'DB', valueFrom: SSM_ARN }] }));
    assert.deepEqual(ssmOnly, [
      {
        PolicyName: 'slipway-secrets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [SSM_ARN] }],
        },
      },
    ]);
    assert.equal(policiesOf(step()), undefined);
    const named = renderServiceStack(
      step({ executionRole: 'ecsTaskExecutionRole' }, { secrets: [{ name: 'DB', valueFrom: SSM_ARN }] }),
      inputs,
    ).template;
    assert.equal(named.Resources.TaskExecutionRolewebApp, undefined);
    assert.ok(!JSON.stringify(named).includes('slipway-secrets'));
  });
});
