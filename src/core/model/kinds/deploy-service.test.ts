import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../../../test/kits/model-deploy-service.js';
import { processKind } from './process.js';
import { badRows, itRejects, withValue } from '../../../../test/kits/model-schema.js';

const base = EXAMPLE_DEPLOY_SERVICE_PROCESS;
const action = ['steps', 0, 'action'] as const;
const web = [...action, 'containers', 0] as const;
const sidecar = [...action, 'containers', 1] as const;

describe('ecs-deploy-service: invalid task and service fields', () => {
  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['a service name with a dot', [...action, 'service'], 'web.app', 'service must be 1 to 255 letters'],
      [
        'a service template that does not parse',
        [...action, 'service'],
        'web-#{Env',
        'service is not a valid template',
      ],
      [
        'a task family longer than 255',
        [...action, 'taskFamily'],
        'f'.repeat(256),
        'taskFamily must be 1 to 255 letters',
      ],
      ['a task family with a slash', [...action, 'taskFamily'], 'a/b', 'taskFamily must be 1 to 255 letters'],
      [
        'a task role that is no role',
        [...action, 'taskRole'],
        'arn:aws:iam::123456789012:user/x',
        'taskRole must be an IAM role ARN or role name',
      ],
      [
        'an execution role with a space',
        [...action, 'executionRole'],
        'my role',
        'executionRole must be an IAM role ARN or role name',
      ],
      ['cpu below 128', [...action, 'cpu'], 64, 'cpu must be at least 128'],
      ['cpu as a numeric string', [...action, 'cpu'], '512', 'cpu must be a number, or a #{...} template'],
      ['cpu as a boolean', [...action, 'cpu'], true, 'cpu must be a number or a #{...} template'],
      ['a missing cpu', [...action, 'cpu'], undefined, 'must be a number'],
      ['memory as a bad template', [...action, 'memory'], '#{Memory', 'memory is not a valid template'],
      ['a fractional memory', [...action, 'memory'], 512.5, 'memory must be a whole number'],
      ['another network mode', [...action, 'networkMode'], 'bridge', 'networkMode must be "awsvpc"'],
      ['no subnets', [...action, 'subnets'], [], 'subnets must name at least one subnet'],
      ['a missing subnets list', [...action, 'subnets'], undefined, 'subnets must be a list'],
      ['a bad subnet id', [...action, 'subnets', 0], 'subnet-xyz', 'each subnet must be a subnet id'],
      [
        'a bad security group',
        [...action, 'securityGroups', 0],
        'default',
        'each security group must be a security group id',
      ],
      [
        'more than 5 security groups',
        [...action, 'securityGroups'],
        Array.from({ length: 6 }, () => 'sg-0123abcd'),
        'at most 5 security groups',
      ],
      [
        'a non-boolean assignPublicIp',
        [...action, 'assignPublicIp'],
        'ENABLED',
        'assignPublicIp must be true or false',
      ],
      [
        'a non-boolean enableEcsManagedTags',
        [...action, 'enableEcsManagedTags'],
        'yes',
        'enableEcsManagedTags must be true or false',
      ],
      [
        'more than 20 tags',
        [...action, 'tags'],
        Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
        'at most 20 tags',
      ],
      [
        'duplicate tag keys',
        [...action, 'tags', 1],
        { key: 'team', value: 'x' },
        'duplicate tag key "team"',
        [...action, 'tags', 1, 'key'],
      ],
      ['an empty tag key', [...action, 'tags', 0, 'key'], '', 'key must not be empty'],
      ['no containers', [...action, 'containers'], [], 'containers must hold at least one container'],
      ['a negative desired count', [...action, 'desiredCount'], -1, 'desiredCount must be at least 0'],
      [
        'minimum healthy above 100',
        [...action, 'minimumHealthyPercent'],
        101,
        'minimumHealthyPercent must be at most 100',
      ],
      ['maximum below 100', [...action, 'maximumPercent'], 99, 'maximumPercent must be at least 100'],
      [
        'a bad target group ARN',
        [...action, 'loadBalancers', 0, 'targetGroupArn'],
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1',
        'targetGroupArn must be an ELB target group ARN',
      ],
      [
        'a load balancer port out of range',
        [...action, 'loadBalancers', 0, 'containerPort'],
        70_000,
        'containerPort must be at most 65535',
      ],
      [
        'a load balancer on an unknown container',
        [...action, 'loadBalancers', 0, 'containerName'],
        'api',
        'containerName "api" is not one of the containers',
      ],
      [
        'a load balancer on an unmapped port',
        [...action, 'loadBalancers', 0, 'containerPort'],
        8081,
        'containerPort 8081 is not in the portMappings of container "web"',
      ],
      [
        'an unknown volume type',
        [...action, 'volumes', 1, 'type'],
        'docker',
        'volume type must be "bind" or "efs"',
      ],
      ['a bad EFS id', [...action, 'volumes', 0, 'fileSystemId'], 'efs-1', 'fileSystemId must be an EFS id'],
      [
        'a relative EFS root',
        [...action, 'volumes', 0, 'rootDirectory'],
        'web',
        'rootDirectory must be an absolute path',
      ],
      [
        'a relative bind source path',
        [...action, 'volumes', 1, 'sourcePath'],
        'tmp',
        'sourcePath must be an absolute path',
      ],
      [
        'an EFS field on a bind volume',
        [...action, 'volumes', 1, 'fileSystemId'],
        'fs-0123abcd',
        'unknown field "fileSystemId" in a bind volume',
        [...action, 'volumes', 1],
      ],
      ['a duplicate volume name', [...action, 'volumes', 1, 'name'], 'DATA', 'volume "DATA" appears twice'],
      ['an unknown wait mode', [...action, 'wait', 'mode'], 'later', 'mode must be one of "wait", "no-wait"'],
      ['a wait timeout of 0', [...action, 'wait', 'timeoutMinutes'], 0, 'timeoutMinutes must be at least 1'],
      [
        'an unknown wait field',
        [...action, 'wait', 'seconds'],
        1,
        'unknown field "seconds" in wait',
        [...action, 'wait'],
      ],
      [
        "the containers' cpu above the task's",
        [...action, 'cpu'],
        128,
        "the containers' cpu adds up to 256, more than the task's 128",
      ],
      [
        "the containers' memory above the task's",
        [...action, 'memory'],
        256,
        "the containers' memory adds up to 512 MiB, more than the task's 256",
      ],
    ]),
  );
});

describe('ecs-deploy-service: invalid containers', () => {
  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['a container name with a dot', [...web, 'name'], 'web.1', 'name must be 1 to 255 letters'],
      ['a duplicate container name', [...sidecar, 'name'], 'WEB', 'container "WEB" appears twice'],
      [
        'a missing image',
        [...web, 'image'],
        undefined,
        'image must be a string (the name of a package reference)',
      ],
      [
        'an image that is no package reference',
        [...sidecar, 'image'],
        'nginx:1.27',
        'image "nginx:1.27" is not a package reference of this step',
      ],
      [
        'no essential container',
        [...web, 'essential'],
        false,
        'at least one container must be essential',
        [...action, 'containers'],
      ],
      ['a non-boolean essential', [...web, 'essential'], 'yes', 'essential must be true or false'],
      ['a container cpu above 196608', [...web, 'cpu'], 200_000, 'cpu must be at most 196608'],
      ['a container memory below 6', [...web, 'memory'], 4, 'memory must be at least 6'],
      [
        'a memory reservation above the limit',
        [...web, 'memoryReservation'],
        1024,
        'memoryReservation (1024) must not be above memory (512)',
      ],
      [
        'bad repository credentials',
        [...web, 'repositoryCredentials'],
        'arn:aws:ssm:us-east-1:123456789012:parameter/x',
        'repositoryCredentials must be a Secrets Manager secret ARN',
      ],
      [
        'a port mapping without port',
        [...web, 'portMappings', 0, 'containerPort'],
        undefined,
        'must be a number',
      ],
      ['a port of 0', [...web, 'portMappings', 0, 'containerPort'], 0, 'containerPort must be at least 1'],
      [
        'an unknown protocol',
        [...web, 'portMappings', 0, 'protocol'],
        'http',
        'protocol must be one of "tcp", "udp"',
      ],
      [
        'a host port',
        [...web, 'portMappings', 0, 'hostPort'],
        80,
        'unknown field "hostPort" in a port mapping',
        [...web, 'portMappings', 0],
      ],
      [
        'an environment name with a space',
        [...web, 'environment', 0, 'name'],
        'A B',
        'must not contain "=" or whitespace',
      ],
      [
        'a secret without valueFrom',
        [...web, 'secrets', 0, 'valueFrom'],
        undefined,
        'valueFrom must be a string',
      ],
      ['a secret with an empty name', [...web, 'secrets', 0, 'name'], '', 'name must not be empty'],
      [
        'an environment file that is not an ARN',
        [...web, 'environmentFiles', 0, 'value'],
        's3://bucket/prod.env',
        'value must be the ARN of an S3 object',
      ],
      ['a command that is not a list', [...web, 'command'], 'serve', 'command must be a list of strings'],
      ['an entry point with a number', [...web, 'entryPoint', 0], 1, 'each of entryPoint must be a string'],
      ['an empty working directory', [...web, 'workingDirectory'], '', 'workingDirectory must not be empty'],
      ['a health check without command', [...web, 'healthCheck', 'command'], [], 'command must not be empty'],
      [
        'a health check command without CMD',
        [...web, 'healthCheck', 'command'],
        ['curl', 'x'],
        'command must start with "CMD"',
      ],
      [
        'a health check interval below 5',
        [...web, 'healthCheck', 'interval'],
        4,
        'interval must be at least 5',
      ],
      [
        'a health check timeout above 120',
        [...web, 'healthCheck', 'timeout'],
        121,
        'timeout must be at most 120',
      ],
      ['health check retries above 10', [...web, 'healthCheck', 'retries'], 11, 'retries must be at most 10'],
      [
        'a health check start period above 300',
        [...web, 'healthCheck', 'startPeriod'],
        301,
        'startPeriod must be at most 300',
      ],
      [
        'an unknown logging type',
        [...web, 'logging', 'type'],
        'cloudwatch',
        'logging type must be "auto", "manual" or "none"',
      ],
      ['an unknown log driver', [...web, 'logging', 'driver'], 'loki', 'driver must be one of "awslogs"'],
      [
        'log options that are not strings',
        [...web, 'logging', 'options', 'awslogs-group'],
        1,
        'each option value must be a string',
      ],
      [
        'a driver on auto logging',
        [...web, 'logging'],
        { type: 'auto', driver: 'awslogs' },
        'unknown field "driver" in logging "auto"',
      ],
      [
        'docker labels that are not strings',
        [...web, 'dockerLabels', 'tier'],
        2,
        'each docker label value must be a string',
      ],
      ['a stop timeout above 120', [...web, 'stopTimeout'], 121, 'stopTimeout must be at most 120'],
      [
        'a start timeout template that does not parse',
        [...web, 'startTimeout'],
        '#{x',
        'startTimeout is not a valid template',
      ],
      [
        'a dependency on an unknown container',
        [...web, 'dependsOn', 0, 'containerName'],
        'db',
        'containerName "db" must name another container',
      ],
      [
        'a dependency on itself',
        [...web, 'dependsOn', 0, 'containerName'],
        'web',
        'containerName "web" must name another container',
      ],
      [
        'an unknown dependency condition',
        [...web, 'dependsOn', 0, 'condition'],
        'READY',
        'condition must be one of "START", "COMPLETE", "SUCCESS", "HEALTHY"',
      ],
      [
        'HEALTHY on a container without health check',
        [...web, 'dependsOn', 0, 'condition'],
        'HEALTHY',
        '"HEALTHY" needs a healthCheck on container "sidecar"',
      ],
      ['an unknown ulimit', [...web, 'ulimits', 0, 'name'], 'files', 'name must be one of "core"'],
      [
        'a soft limit above the hard one',
        [...web, 'ulimits', 0, 'softLimit'],
        8192,
        'softLimit must not be above hardLimit',
      ],
      ['a negative hard limit', [...web, 'ulimits', 0, 'hardLimit'], -1, 'hardLimit must be at least 0'],
      [
        'a mount point on an unknown volume',
        [...web, 'mountPoints', 0, 'sourceVolume'],
        'logs',
        'sourceVolume "logs" is not one of the volumes',
      ],
      [
        'a relative container path',
        [...web, 'mountPoints', 0, 'containerPath'],
        'data',
        'containerPath must be an absolute path',
      ],
      [
        'a non-boolean readOnly',
        [...web, 'mountPoints', 0, 'readOnly'],
        'yes',
        'readOnly must be true or false',
      ],
      [
        'volumes from an unknown container',
        [...web, 'volumesFrom', 0, 'sourceContainer'],
        'db',
        'sourceContainer "db" must name another container',
      ],
      ['an unknown container field', [...web, 'links'], [], 'unknown field "links" in a container', [...web]],
    ]),
  );
});

describe('ecs-deploy-service: accepts', () => {
  it('templates in every numeric field, a bind volume with a host path, and no-wait', () => {
    let doc: unknown = base;
    for (const path of [
      [...action, 'cpu'],
      [...action, 'desiredCount'],
      [...action, 'minimumHealthyPercent'],
      [...action, 'maximumPercent'],
      [...action, 'wait', 'timeoutMinutes'],
      [...action, 'loadBalancers', 0, 'containerPort'],
      [...web, 'cpu'],
      [...web, 'memory'],
      [...web, 'memoryReservation'],
      [...web, 'portMappings', 0, 'containerPort'],
      [...web, 'healthCheck', 'interval'],
      [...web, 'stopTimeout'],
    ]) {
      doc = withValue(doc, path, '#{Value}');
    }
    doc = withValue(doc, [...action, 'volumes', 1, 'sourcePath'], '/var/scratch');
    doc = withValue(doc, [...action, 'wait', 'mode'], 'no-wait');
    const parsed = parseInput(processKind.schema, doc, 'process');
    const step = parsed.steps[0];
    assert.equal(step?.action.type, 'ecs-deploy-service');
    if (step?.action.type === 'ecs-deploy-service') {
      assert.equal(step.action.cpu, '#{Value}');
      assert.deepEqual(step.action.wait, { mode: 'no-wait', timeoutMinutes: '#{Value}' });
    }
  });

  it("a load balancer port when the container's ports are templates", () => {
    const doc = withValue(base, [...web, 'portMappings'], [{ containerPort: '#{Port}' }]);
    parseInput(processKind.schema, doc, 'process');
  });
});
