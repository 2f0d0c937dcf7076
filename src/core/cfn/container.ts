/**
 * One container of the step → one entry of the task definition's ContainerDefinitions, key by key
 * as Octopus writes it (spec B2; Calamari's ContainerSpecMappingExtensions). Properties our model
 * does not have are written as Octopus writes them when unset (DisableNetworking false, empty DNS
 * and extra-host lists, ReadonlyRootFilesystem false, no GPU), so the documents compare equal.
 *
 * | our container field              | Octopus ContainerSpec field                 | CloudFormation property        |
 * | -------------------------------- | ------------------------------------------- | ------------------------------ |
 * | name                             | containerName                               | Name                           |
 * | image (package reference name)   | containerImageReference (resolved)          | Image                          |
 * | essential (default true)         | essential ("True"/"False", default false)   | Essential                      |
 * | workingDirectory                 | workingDirectory                            | WorkingDirectory               |
 * | memory / memoryReservation / cpu | memoryLimitHard / memoryLimitSoft / cpus    | Memory / MemoryReservation / Cpu |
 * | startTimeout / stopTimeout       | startTimeout / stopTimeout                  | StartTimeout / StopTimeout     |
 * | command (a list)                 | command (one string, never split)           | Command                        |
 * | entryPoint (a list)              | entryPoint (split at ",")                   | EntryPoint                     |
 * | dockerLabels {k: v}              | dockerLabels [{key, value}]                 | DockerLabels                   |
 * | portMappings {containerPort, protocol} | containerPortMappings                 | PortMappings (HostPort = ContainerPort) |
 * | healthCheck                      | healthCheck                                 | HealthCheck                    |
 * | repositoryCredentials (ARN)      | repositoryAuthentication.secretName         | RepositoryCredentials          |
 * | ulimits {name, softLimit, hardLimit} | ulimits {limitName, ...}                | Ulimits                        |
 * | mountPoints / volumesFrom        | containerStorage.mountPoints / volumeFrom   | MountPoints / VolumesFrom      |
 * | dependsOn {containerName, condition} | dependencies                            | DependsOn                      |
 * | logging auto / manual / none     | containerLogging Auto / Manual / Manual+None | LogConfiguration               |
 * | environmentFiles [{value}]       | environmentFiles [string]                   | EnvironmentFiles (Type s3)     |
 * | environment [{name, value}]      | environmentVariables type Plain             | Environment                    |
 * | secrets [{name, valueFrom}]      | environmentVariables type Secret            | Secrets                        |
 * | —                                | user, gpus, networkSettings, readOnlyRootFileSystem, firelensConfiguration | not written (see the report) |
 */
import type { DeployServiceAction } from './evaluated.js';
import { compact, nonEmpty, ref, type CfnValue } from './template.js';

/** A container as the model holds it (numbers may still be `#{...}` in an export). */
export type StackContainer = DeployServiceAction['containers'][number];

/** What every container's logging refers to: the log group parameter when one is made. */
export const LOG_GROUP_PARAMETER = 'LogGroupName';

function logConfiguration(logging: StackContainer['logging']): CfnValue | undefined {
  // Octopus's Manual logging with driver None: no LogConfiguration at all.
  if (logging.type === 'none') return undefined;
  if (logging.type === 'auto') {
    return {
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': ref(LOG_GROUP_PARAMETER),
        'awslogs-region': ref('AWS::Region'),
        'awslogs-stream-prefix': 'ecs',
      },
    };
  }
  // Octopus always writes SecretOptions for a manual driver; our model has no secret options yet.
  return { LogDriver: logging.driver, Options: { ...logging.options }, SecretOptions: [] };
}

function healthCheck(hc: NonNullable<StackContainer['healthCheck']>): CfnValue {
  return compact({
    Command: [...hc.command],
    Interval: hc.interval,
    Retries: hc.retries,
    StartPeriod: hc.startPeriod,
    Timeout: hc.timeout,
  });
}

/** The ContainerDefinitions entry of `c`, whose image reference is `image`. */
export function containerDefinition(c: StackContainer, image: string): { [key: string]: CfnValue } {
  const labels = Object.entries(c.dockerLabels);
  return compact({
    Name: c.name,
    Image: image,
    Essential: c.essential,
    DisableNetworking: false,
    WorkingDirectory: c.workingDirectory,
    Memory: c.memory,
    MemoryReservation: c.memoryReservation,
    Cpu: c.cpu,
    StartTimeout: c.startTimeout,
    StopTimeout: c.stopTimeout,
    DnsServers: [],
    DnsSearchDomains: [],
    ReadonlyRootFilesystem: false,
    Command: nonEmpty([...c.command]),
    EntryPoint: nonEmpty([...c.entryPoint]),
    ResourceRequirements: [],
    DockerLabels: labels.length > 0 ? Object.fromEntries(labels) : undefined,
    PortMappings: c.portMappings.map((p) => ({
      ContainerPort: p.containerPort,
      HostPort: p.containerPort,
      Protocol: p.protocol,
    })),
    HealthCheck: c.healthCheck === undefined ? undefined : healthCheck(c.healthCheck),
    ExtraHosts: [],
    RepositoryCredentials:
      c.repositoryCredentials === undefined ? undefined : { CredentialsParameter: c.repositoryCredentials },
    Ulimits: nonEmpty(
      c.ulimits.map((u) => ({ Name: u.name, HardLimit: u.hardLimit, SoftLimit: u.softLimit })),
    ),
    MountPoints: nonEmpty(
      c.mountPoints.map((m) => ({
        SourceVolume: m.sourceVolume,
        ContainerPath: m.containerPath,
        ReadOnly: m.readOnly,
      })),
    ),
    DependsOn: nonEmpty(c.dependsOn.map((d) => ({ ContainerName: d.containerName, Condition: d.condition }))),
    VolumesFrom: nonEmpty(
      c.volumesFrom.map((v) => ({ SourceContainer: v.sourceContainer, ReadOnly: v.readOnly })),
    ),
    LogConfiguration: logConfiguration(c.logging),
    EnvironmentFiles: c.environmentFiles.map((f) => ({ Type: 's3', Value: f.value })),
    Environment: nonEmpty(c.environment.map((e) => ({ Name: e.name, Value: e.value }))),
    Secrets: nonEmpty(c.secrets.map((s) => ({ Name: s.name, ValueFrom: s.valueFrom }))),
  });
}
