/**
 * renderServiceStack: the "Deploy Amazon ECS Service" step as a CloudFormation stack (spec B2): a
 * task definition and a service (plus an execution role and a log group when the step needs them),
 * the parameters to send with the stack, and its name. Pure; the deployer sends the result.
 *
 * Our model's fields and Octopus's variables (prefix Octopus.Action.Aws.Ecs.) they stand for:
 *
 * | our action field          | Octopus variable                        | in the template                       |
 * | ------------------------- | --------------------------------------- | ------------------------------------- |
 * | (target's cluster)        | ClusterName                             | parameter ClusterName                 |
 * | taskFamily                | Deploy.ServiceTaskName                  | parameter TaskDefinitionName; T; log group /ecs/<family> |
 * | service                   | — (Octopus lets CloudFormation name it) | Service ServiceName                   |
 * | cpu / memory              | Deploy.Cpu / Deploy.Memory              | parameters TaskDefinitionCPU / TaskDefinitionMemory (String) |
 * | taskRole / executionRole  | Deploy.TaskRole / Deploy.TaskExecutionRole | parameters TaskRole / TaskExecutionRole; else an in-stack role |
 * | (containers' secrets)     | —                                       | the in-stack role's policy slipway-secrets (ours; secret-policy.ts) |
 * | desiredCount              | Deploy.DesiredCount (default 1)         | parameter DesiredCount (Number) when ≠ 1, else a literal |
 * | minimumHealthyPercent     | Deploy.MinimumHealthPercent (100)       | parameter MinimumHealthPercent when ≠ 100 |
 * | maximumPercent            | Deploy.MaximumHealthPercent (200)       | parameter MaximumHealthPercent when ≠ 200 |
 * | subnets / securityGroups  | Deploy.SubnetIds / Deploy.SecurityGroupIds | AwsvpcConfiguration Subnets / SecurityGroups |
 * | assignPublicIp            | Deploy.AutoAssignPublicIp               | AssignPublicIp ENABLED / DISABLED     |
 * | enableEcsManagedTags      | Deploy.EnableEcsManagedTags             | EnableECSManagedTags                  |
 * | tags [{key, value}]       | Tags                                    | Tags of the task definition and service |
 * | containers                | Deploy.Containers                       | ContainerDefinitions (container.ts)   |
 * | loadBalancers             | Deploy.LoadBalancerMappings             | Service LoadBalancers                 |
 * | volumes (bind, efs)       | Deploy.Volumes                          | Volumes (bind first, then EFS)        |
 * | wait                      | WaitOption                              | — (the deployer's)                    |
 * | (inputs.stackName)        | Deploy.CFStackName                      | the stack name                        |
 * | (inputs.circuitBreaker)   | —                                       | DeploymentCircuitBreaker (ours; on by default) |
 * | (always X86_64)           | Deploy.RuntimeArchitecturePlatform      | RuntimePlatform.CpuArchitecture       |
 */
import { UserInputError } from '../errors.js';
import { containerDefinition, LOG_GROUP_PARAMETER, type StackContainer } from './container.js';
import type { DeployServiceAction, EvaluatedDeployService } from './evaluated.js';
import { logicalIds, stackNameFor, type LogicalIds } from './names.js';
import { secretsPolicy } from './secret-policy.js';
import {
  compact,
  ref,
  type CfnParameter,
  type CfnResource,
  type CfnTemplate,
  type CfnValue,
} from './template.js';

/** The policy an in-stack execution role gets (spec B2). */
export const EXECUTION_ROLE_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

/** Octopus's defaults: values equal to these are written as literals, not parameters. */
const DEFAULTS = { desiredCount: 1, minimumHealthyPercent: 100, maximumPercent: 200 } as const;

/** A stack parameter to send with CreateStack/UpdateStack. */
export interface StackParameter {
  key: string;
  value: string;
}

/** A stack-level tag. */
export interface StackTag {
  key: string;
  value: string;
}

/** What the step is deployed with, beyond its action. */
export interface ServiceStackInputs {
  /** Container name → the image reference to run (`registry/repository:tag`, from the release's packages). */
  images: Readonly<Record<string, string>>;
  /** The target's cluster. Absent only in an export (the parameter then has no default). */
  clusterName?: string;
  environmentId: string;
  /** Absent for an untenanted deployment. */
  tenantId?: string;
  /** The stack's name; default generated from cluster, service, environment and tenant (spec B2). */
  stackName?: string;
  /** Tags on the stack itself (e.g. those identifying the deployment), before the step's own tags. */
  stackTags?: readonly StackTag[];
  /**
   * ECS deployment circuit breaker with rollback (default true). Until the model has a field for
   * it (see docs/api.md), the deployer passes the step's choice here.
   */
  circuitBreaker?: boolean;
  /** The step's name, for messages. Default "Deploy Amazon ECS Service". */
  stepName?: string;
}

/** What renderServiceStack gives the deployer. */
export interface ServiceStack {
  template: CfnTemplate;
  /** The template's parameters with their values, in order (the policy ARN keeps its default). */
  parameters: StackParameter[];
  stackName: string;
  /** Stack-level tags: inputs.stackTags, then the step's tags (a key already given is not repeated). */
  tags: StackTag[];
  /** The logical ids of the resources (the ECS service's is Octopus's ServiceName output). */
  logicalIds: LogicalIds;
}

interface ParameterEntry {
  name: string;
  parameter: CfnParameter;
  /** Sent with the stack (all but the policy ARN). */
  sent: boolean;
}

function stringParameter(name: string, value: string | undefined, sent = true): ParameterEntry {
  return { name, parameter: { Type: 'String', ...(value === undefined ? {} : { Default: value }) }, sent };
}

/** The parameters, in Octopus's order (spec B2). */
function parameterEntries(action: DeployServiceAction, clusterName: string | undefined): ParameterEntry[] {
  const list: ParameterEntry[] = [
    stringParameter('ClusterName', clusterName),
    stringParameter('TaskDefinitionName', action.taskFamily),
    stringParameter('TaskDefinitionCPU', String(action.cpu)),
    stringParameter('TaskDefinitionMemory', String(action.memory)),
  ];
  if (action.taskRole) list.push(stringParameter('TaskRole', action.taskRole));
  if (action.executionRole) list.push(stringParameter('TaskExecutionRole', action.executionRole));
  const numbers: [string, number | string, number][] = [
    ['DesiredCount', action.desiredCount, DEFAULTS.desiredCount],
    ['MinimumHealthPercent', action.minimumHealthyPercent, DEFAULTS.minimumHealthyPercent],
    ['MaximumHealthPercent', action.maximumPercent, DEFAULTS.maximumPercent],
  ];
  for (const [name, value, fallback] of numbers) {
    if (value !== fallback) list.push({ name, parameter: { Type: 'Number', Default: value }, sent: true });
  }
  if (needsLogGroup(action.containers)) {
    list.push(stringParameter(LOG_GROUP_PARAMETER, `/ecs/${action.taskFamily}`));
  }
  if (!action.executionRole) {
    list.push(stringParameter('AmazonECSTaskExecutionRolePolicyArn', EXECUTION_ROLE_POLICY_ARN, false));
  }
  return list;
}

function needsLogGroup(containers: readonly StackContainer[]): boolean {
  return containers.some((c) => c.logging.type === 'auto');
}

/** A Ref when the template has the parameter, else the literal. */
function refOr(params: ReadonlySet<string>, name: string, value: number | string): CfnValue {
  return params.has(name) ? ref(name) : value;
}

function volumes(action: DeployServiceAction): CfnValue[] {
  const bind = action.volumes.flatMap((v) =>
    v.type === 'bind'
      ? [
          compact({
            Name: v.name,
            Host: v.sourcePath === undefined ? undefined : { SourcePath: v.sourcePath },
          }),
        ]
      : [],
  );
  // Our model has no EFS encryption, IAM or access point yet: written as Octopus writes them unset.
  const efs = action.volumes.flatMap((v) =>
    v.type === 'efs'
      ? [
          {
            Name: v.name,
            EFSVolumeConfiguration: compact({
              FilesystemId: v.fileSystemId,
              RootDirectory: v.rootDirectory,
              TransitEncryption: 'DISABLED',
              AuthorizationConfig: { IAM: 'DISABLED' },
            }),
          },
        ]
      : [],
  );
  return [...bind, ...efs];
}

function resources(
  action: DeployServiceAction,
  images: Readonly<Record<string, string>>,
  params: ReadonlySet<string>,
  ids: LogicalIds,
  circuitBreaker: boolean,
): Record<string, CfnResource> {
  // A fresh list per resource: a shared one would be written as a YAML alias, which CloudFormation refuses.
  const tags = (): CfnValue[] => action.tags.map((t) => ({ Key: t.key, Value: t.value }));
  const out: Record<string, CfnResource> = {};
  if (!action.executionRole) {
    // Beyond Octopus: the role ECS reads the containers' secrets as may read exactly those.
    const policy = secretsPolicy(action.containers);
    out[ids.executionRole] = {
      Type: 'AWS::IAM::Role',
      Properties: compact({
        Path: '/',
        ManagedPolicyArns: [ref('AmazonECSTaskExecutionRolePolicyArn')],
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
        Policies: policy === undefined ? undefined : [policy],
      }),
    };
  }
  if (params.has(LOG_GROUP_PARAMETER)) {
    out[ids.logGroup] = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: ref(LOG_GROUP_PARAMETER) },
    };
  }
  out[ids.taskDefinition] = {
    Type: 'AWS::ECS::TaskDefinition',
    Properties: compact({
      ContainerDefinitions: action.containers.map((c) => containerDefinition(c, images[c.name] ?? '')),
      Family: ref('TaskDefinitionName'),
      Cpu: ref('TaskDefinitionCPU'),
      Memory: ref('TaskDefinitionMemory'),
      // A Ref of the in-stack role gives its name; ECS takes a role name where an ARN goes.
      ExecutionRoleArn: ref(action.executionRole ? 'TaskExecutionRole' : ids.executionRole),
      TaskRoleArn: action.taskRole ? ref('TaskRole') : undefined,
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { OperatingSystemFamily: 'LINUX', CpuArchitecture: 'X86_64' },
      Volumes: volumes(action),
      Tags: tags(),
    }),
  };
  const deployment: { [key: string]: CfnValue } = {
    MinimumHealthyPercent: refOr(params, 'MinimumHealthPercent', action.minimumHealthyPercent),
    MaximumPercent: refOr(params, 'MaximumHealthPercent', action.maximumPercent),
  };
  // Beyond Octopus: without a breaker a crash-looping first deploy holds the stack in progress for
  // hours (spec A4); with it ECS fails the deployment and CloudFormation rolls back.
  if (circuitBreaker) deployment.DeploymentCircuitBreaker = { Enable: true, Rollback: true };
  out[ids.service] = {
    Type: 'AWS::ECS::Service',
    DependsOn: ids.taskDefinition,
    Properties: compact({
      ServiceName: action.service,
      Cluster: ref('ClusterName'),
      LaunchType: 'FARGATE',
      TaskDefinition: ref(ids.taskDefinition),
      DesiredCount: refOr(params, 'DesiredCount', action.desiredCount),
      EnableECSManagedTags: action.enableEcsManagedTags,
      DeploymentConfiguration: deployment,
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: action.assignPublicIp ? 'ENABLED' : 'DISABLED',
          Subnets: [...action.subnets],
          SecurityGroups: [...action.securityGroups],
        },
      },
      LoadBalancers:
        action.loadBalancers.length > 0
          ? action.loadBalancers.map((lb) => ({
              ContainerName: lb.containerName,
              ContainerPort: lb.containerPort,
              TargetGroupArn: lb.targetGroupArn,
            }))
          : undefined,
      Tags: tags(),
    }),
  };
  return out;
}

/** The template alone (also what the export writes), for `action` with `images` by container name. */
export function serviceTemplate(
  action: DeployServiceAction,
  options: { images: Readonly<Record<string, string>>; clusterName?: string; circuitBreaker?: boolean },
): { template: CfnTemplate; parameters: StackParameter[]; logicalIds: LogicalIds } {
  const entries = parameterEntries(action, options.clusterName);
  const names = new Set(entries.map((e) => e.name));
  const ids = logicalIds(action.taskFamily);
  const template: CfnTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: Object.fromEntries(entries.map((e) => [e.name, e.parameter])),
    Resources: resources(action, options.images, names, ids, options.circuitBreaker ?? true),
  };
  const parameters = entries
    .filter((e) => e.sent)
    .map((e) => ({
      key: e.name,
      value: e.parameter.Default === undefined ? '' : String(e.parameter.Default),
    }));
  return { template, parameters, logicalIds: ids };
}

/**
 * Renders an evaluated and checked step (checkEvaluatedDeployService) into its stack: template,
 * parameters, name (inputs.stackName, else generated) and stack tags. INVALID_INPUT when a
 * container has no image in `inputs.images` or the stack name breaks CloudFormation's rule.
 */
export function renderServiceStack(action: EvaluatedDeployService, inputs: ServiceStackInputs): ServiceStack {
  const stepName = inputs.stepName ?? 'Deploy Amazon ECS Service';
  const missing = action.containers.filter((c) => !Object.hasOwn(inputs.images, c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new UserInputError(
      `Step "${stepName}": no image for container(s) ${missing.map((m) => `"${m}"`).join(', ')}. ` +
        "The release must select a version of each container's package reference.",
      { data: { step: stepName, containers: missing } },
    );
  }
  const {
    template,
    parameters,
    logicalIds: ids,
  } = serviceTemplate(action, {
    images: inputs.images,
    ...(inputs.clusterName === undefined ? {} : { clusterName: inputs.clusterName }),
    ...(inputs.circuitBreaker === undefined ? {} : { circuitBreaker: inputs.circuitBreaker }),
  });
  const stackName = stackNameFor(
    inputs.stackName,
    {
      clusterName: inputs.clusterName ?? '',
      family: action.taskFamily,
      environmentId: inputs.environmentId,
      ...(inputs.tenantId === undefined ? {} : { tenantId: inputs.tenantId }),
    },
    stepName,
  );
  const tags: StackTag[] = [];
  const seen = new Set<string>();
  for (const t of [...(inputs.stackTags ?? []), ...action.tags]) {
    if (seen.has(t.key)) continue;
    seen.add(t.key);
    tags.push({ key: t.key, value: t.value });
  }
  return { template, parameters, stackName, tags, logicalIds: ids };
}
