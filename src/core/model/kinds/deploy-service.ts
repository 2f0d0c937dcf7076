/**
 * The "ecs-deploy-service" action (Deploy Amazon ECS Service, octopus-model.md): structured inputs
 * that core/cfn renders into a CloudFormation stack with a task definition and a service. Numeric
 * fields take a number or a `#{...}` template; what cannot be checked until templates are
 * evaluated is checked again before anything is deployed.
 */
import { z } from 'zod';
import { unknownFields } from '../parse.js';
import { ARN_PARTITION, ROLE_ARN_OR_NAME, awsTagListSchema } from './aws.js';
import { containerNameSchema, hasPackage, packagesSchema } from './action-parts.js';
import {
  checkNoDuplicates,
  enumSchema,
  flagSchema,
  patternOrTemplateSchema,
  templatable,
  wholeNumberSchema,
} from './common.js';
import { deployContainerSchema, type DeployContainer } from './deploy-service-container.js';

const MAX_INT = 2_147_483_647;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const TARGET_GROUP_ARN = new RegExp(
  `^${ARN_PARTITION}:elasticloadbalancing:[a-z0-9-]+:\\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`,
);

function number(what: string, min: number, max: number) {
  return templatable(wholeNumberSchema(what, min, max), what);
}

function role(what: string) {
  return patternOrTemplateSchema(what, ROLE_ARN_OR_NAME, 'an IAM role ARN or role name').optional();
}

const loadBalancerSchema = z.strictObject(
  {
    containerName: containerNameSchema('containerName'),
    containerPort: number('containerPort', 1, 65_535),
    targetGroupArn: patternOrTemplateSchema(
      'targetGroupArn',
      TARGET_GROUP_ARN,
      'an ELB target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)',
    ),
  },
  { error: unknownFields('a load balancer mapping') },
);

const volumeName = containerNameSchema('name');
const absolutePath = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(/^\/\S*$/, { error: `${what} must be an absolute path` });

/** A bind volume (host path, or task storage when sourcePath is absent) or an EFS file system. */
const volumeSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject(
      { name: volumeName, type: z.literal('bind'), sourcePath: absolutePath('sourcePath').optional() },
      { error: unknownFields('a bind volume') },
    ),
    z.strictObject(
      {
        name: volumeName,
        type: z.literal('efs'),
        fileSystemId: patternOrTemplateSchema(
          'fileSystemId',
          /^fs-[0-9a-f]{8,40}$/,
          'an EFS id such as fs-0123abcd',
        ),
        rootDirectory: absolutePath('rootDirectory').optional(),
      },
      { error: unknownFields('an EFS volume') },
    ),
  ],
  { error: 'volume type must be "bind" or "efs"' },
);

const waitSchema = z
  .strictObject(
    {
      /** "wait": until the stack and the service's tasks are stable; "no-wait": once the stack update starts. */
      mode: enumSchema('mode', ['wait', 'no-wait']).default('wait'),
      timeoutMinutes: number('timeoutMinutes', 1, 1440).default(30),
    },
    { error: unknownFields('wait') },
  )
  .prefault({});

/**
 * Deploy Amazon ECS Service: service, taskFamily, taskRole?, executionRole? (created with the managed
 * policy when absent), cpu, memory, networkMode "awsvpc", subnets, securityGroups, assignPublicIp,
 * enableEcsManagedTags, tags (≤ 20), containers, desiredCount (1), minimumHealthyPercent (100),
 * maximumPercent (200), loadBalancers, volumes, wait, packages.
 */
export const ecsDeployServiceActionSchema = z
  .strictObject(
    {
      type: z.literal('ecs-deploy-service'),
      service: patternOrTemplateSchema('service', ECS_NAME, '1 to 255 letters, digits, "-" or "_"'),
      taskFamily: patternOrTemplateSchema('taskFamily', ECS_NAME, '1 to 255 letters, digits, "-" or "_"'),
      taskRole: role('taskRole'),
      executionRole: role('executionRole'),
      /** Task CPU units (1024 = one vCPU). */
      cpu: number('cpu', 128, 196_608),
      /** Task memory in MiB. */
      memory: number('memory', 128, MAX_INT),
      networkMode: z.literal('awsvpc', { error: 'networkMode must be "awsvpc"' }).default('awsvpc'),
      subnets: z
        .array(
          patternOrTemplateSchema(
            'each subnet',
            /^subnet-[0-9a-f]{8,17}$/,
            'a subnet id such as subnet-0123abcd',
          ),
          {
            error: 'subnets must be a list of subnet ids',
          },
        )
        .min(1, { error: 'subnets must name at least one subnet' })
        .max(16, { error: 'subnets holds at most 16 subnets' }),
      securityGroups: z
        .array(
          patternOrTemplateSchema(
            'each security group',
            /^sg-[0-9a-f]{8,17}$/,
            'a security group id such as sg-0123abcd',
          ),
          {
            error: 'securityGroups must be a list of security group ids',
          },
        )
        .max(5, { error: 'securityGroups holds at most 5 security groups' })
        .default([]),
      assignPublicIp: flagSchema('assignPublicIp').default(false),
      enableEcsManagedTags: flagSchema('enableEcsManagedTags').default(true),
      tags: awsTagListSchema(20),
      containers: z
        .array(deployContainerSchema, { error: 'containers must be a list' })
        .min(1, { error: 'containers must hold at least one container' })
        .max(10, { error: 'a task holds at most 10 containers' }),
      desiredCount: number('desiredCount', 0, 5000).default(1),
      minimumHealthyPercent: number('minimumHealthyPercent', 0, 100).default(100),
      maximumPercent: number('maximumPercent', 100, MAX_INT).default(200),
      loadBalancers: z
        .array(loadBalancerSchema, { error: 'loadBalancers must be a list' })
        .max(5, { error: 'a service takes at most 5 load balancer mappings' })
        .default([]),
      volumes: z
        .array(volumeSchema, { error: 'volumes must be a list' })
        .max(100, { error: 'a task holds at most 100 volumes' })
        .default([]),
      wait: waitSchema,
      /** Fail the rollout after repeated task failures and roll back to the last good revision (default on). */
      circuitBreaker: flagSchema('circuitBreaker').default(true),
      /** The CloudFormation stack's name; default: generated from the cluster, task, environment and tenant. */
      stackName: patternOrTemplateSchema(
        'stackName',
        /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/,
        'a letter, then letters, digits or "-" (at most 128)',
      ).optional(),
      packages: packagesSchema,
    },
    { error: unknownFields('an "ecs-deploy-service" action') },
  )
  .superRefine((action, ctx) => checkDeployService(action, ctx));

type DeployServiceAction = z.output<typeof ecsDeployServiceActionSchema>;

/** The rules across fields: names that must point at containers, volumes and packages, and sums that must fit. */
function checkDeployService(action: DeployServiceAction, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const containers = new Map<string, DeployContainer>(action.containers.map((c) => [c.name, c]));
  const volumes = new Set(action.volumes.map((v) => v.name));

  checkNoDuplicates(
    action.containers.map((c) => c.name),
    ctx,
    (i) => ['containers', i, 'name'],
    'container',
  );
  checkNoDuplicates(
    action.volumes.map((v) => v.name),
    ctx,
    (i) => ['volumes', i, 'name'],
    'volume',
  );
  if (!action.containers.some((c) => c.essential)) {
    issue(['containers'], 'at least one container must be essential');
  }

  action.containers.forEach((c, i) => {
    const at = ['containers', i];
    if (!hasPackage(action.packages, c.image)) {
      issue(
        [...at, 'image'],
        `image "${c.image}" is not a package reference of this step (add it to packages)`,
      );
    }
    c.dependsOn.forEach((d, j) => {
      const other = containers.get(d.containerName);
      if (other === undefined || d.containerName === c.name) {
        issue(
          [...at, 'dependsOn', j, 'containerName'],
          `containerName "${d.containerName}" must name another container`,
        );
      } else if (d.condition === 'HEALTHY' && other.healthCheck === undefined) {
        issue(
          [...at, 'dependsOn', j, 'condition'],
          `"HEALTHY" needs a healthCheck on container "${other.name}"`,
        );
      }
    });
    c.volumesFrom.forEach((v, j) => {
      if (!containers.has(v.sourceContainer) || v.sourceContainer === c.name) {
        issue(
          [...at, 'volumesFrom', j, 'sourceContainer'],
          `sourceContainer "${v.sourceContainer}" must name another container`,
        );
      }
    });
    c.mountPoints.forEach((m, j) => {
      if (!volumes.has(m.sourceVolume)) {
        issue(
          [...at, 'mountPoints', j, 'sourceVolume'],
          `sourceVolume "${m.sourceVolume}" is not one of the volumes`,
        );
      }
    });
    if (
      typeof c.memory === 'number' &&
      typeof c.memoryReservation === 'number' &&
      c.memoryReservation > c.memory
    ) {
      issue(
        [...at, 'memoryReservation'],
        `memoryReservation (${c.memoryReservation}) must not be above memory (${c.memory})`,
      );
    }
  });

  action.loadBalancers.forEach((lb, i) => {
    const container = containers.get(lb.containerName);
    if (container === undefined) {
      issue(
        ['loadBalancers', i, 'containerName'],
        `containerName "${lb.containerName}" is not one of the containers`,
      );
    } else if (
      typeof lb.containerPort === 'number' &&
      !container.portMappings.some(
        (p) => p.containerPort === lb.containerPort || typeof p.containerPort === 'string',
      )
    ) {
      issue(
        ['loadBalancers', i, 'containerPort'],
        `containerPort ${lb.containerPort} is not in the portMappings of container "${container.name}"`,
      );
    }
  });

  // The containers' reservations must fit the task's (only where both are numbers already).
  const sum = (values: (number | string | undefined)[]) =>
    values.every((v) => typeof v !== 'string') ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : undefined;
  const cpu = sum(action.containers.map((c) => c.cpu));
  if (typeof action.cpu === 'number' && cpu !== undefined && cpu > action.cpu) {
    issue(['cpu'], `the containers' cpu adds up to ${cpu}, more than the task's ${action.cpu}`);
  }
  const memory = sum(action.containers.map((c) => c.memory ?? c.memoryReservation));
  if (typeof action.memory === 'number' && memory !== undefined && memory > action.memory) {
    issue(
      ['memory'],
      `the containers' memory adds up to ${memory} MiB, more than the task's ${action.memory}`,
    );
  }
}
