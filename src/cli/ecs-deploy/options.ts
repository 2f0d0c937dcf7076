/**
 * From `ecs-deploy` flags to an EcsDeployRequest and an AWS target. Validation follows the
 * script's order and exit codes (5, 6, 7, 8, 9, then 13 for the image), so scripts that test for
 * them keep working; every other bad value is a USAGE error (exit 3). Pure apart from the
 * injected environment and file reader, so it is tested without a process.
 */
import { z } from 'zod';
import type { AwsTarget } from '../../aws/clients.js';
import type { CredentialSource } from '../../aws/credentials.js';
import { SlipwayError } from '../../core/errors.js';
import { parseImageReference, resolveDeployImage } from '../../core/images/reference.js';
import type { ContainerEdit, TaskDefinitionEdits, TaskDefinitionJson } from '../../core/taskdef/index.js';
import type { EarlySuccess } from '../../core/rollout/strategy.js';
import {
  DEPLOY_DEFAULTS,
  type EcsDeployRequest,
  type EcsDeployTarget,
  type RunTaskRequest,
} from '../../deploy/request.js';
import { parseShorthand, splitWords } from './syntax.js';

/** The options as commander hands them over (every value still text; repeatable ones as lists). */
export interface EcsDeployFlags {
  awsAccessKey?: string;
  awsSecretKey?: string;
  region?: string;
  profile?: string;
  awsInstanceProfile?: boolean;
  awsAssumeRole?: string;
  externalId?: string;
  cluster?: string;
  serviceName?: string[];
  taskDefinition?: string;
  image?: string;
  desiredCount?: string;
  min?: string;
  max?: string;
  /** `--early-success P[:cleanup]` (a string) or `--no-early-success` (false). */
  earlySuccess?: string | boolean;
  timeout?: string;
  tagEnvVar?: string;
  tagOnly?: string;
  maxDefinitions?: string;
  taskDefinitionFile?: string;
  enableRollback?: boolean;
  useLatestTaskDef?: boolean;
  forceNewDeployment?: boolean;
  skipDeploymentsCheck?: boolean;
  runTask?: boolean;
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: string;
  waitForSuccess?: boolean;
  copyTaskDefinitionTags?: boolean;
  verbose?: boolean;
  endpointUrl?: string;
  inactivityTimeout?: string;
  diff?: boolean;
  dryRun?: boolean;
  output?: string;
  setImage?: string[];
  env?: string[];
  unsetEnv?: string[];
  secret?: string[];
  unsetSecret?: string[];
  command?: string[];
  cpu?: string[];
  memory?: string[];
  memoryReservation?: string[];
  dockerLabel?: string[];
  exclusiveEnv?: boolean;
  exclusiveSecrets?: boolean;
}

/** Everything the command needs to run, besides the flags' AWS region (resolved later, it may need the profile). */
export interface EcsDeployPlan {
  request: EcsDeployRequest;
  /** Region from -r or the environment; undefined means "ask the profile". */
  region?: string;
  credentials: CredentialSource;
  endpoint?: string;
  output: 'text' | 'json';
  verbose: boolean;
}

export interface PlanEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string;
}

function usage(message: string): SlipwayError {
  return new SlipwayError('USAGE', message);
}

/** `--early-success 50` or `50:deferred` → ECS's early success criteria (cleanup default BLOCKING). */
export function parseEarlySuccess(text: string): EarlySuccess {
  const [percent = '', cleanup = 'blocking', ...rest] = text.split(':');
  const mode = cleanup.toUpperCase();
  if (rest.length > 0 || (mode !== 'BLOCKING' && mode !== 'DEFERRED'))
    throw usage(
      `--early-success takes PERCENT or PERCENT:blocking|deferred (e.g. 50:deferred), got "${text}".`,
    );
  return { healthyPercent: wholeNumber('--early-success', percent, 0, 100), cleanup: mode };
}

/** A whole number within [min, max], or a USAGE error naming the flag. */
function wholeNumber(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw usage(`${flag} must be a whole number ${range}, got "${text}".`);
  }
  return n;
}

/** `NAME=VALUE` (or `NAME:KEY=VALUE` with `keyed`): splits at the first separator(s). */
function containerArg(
  flag: string,
  text: string,
  shape: 'name=value' | 'name:key=value' | 'name:key',
): { container: string; key: string; value: string } {
  const example = {
    'name=value': `${flag} web=VALUE`,
    'name:key=value': `${flag} web:KEY=VALUE`,
    'name:key': `${flag} web:KEY`,
  }[shape];
  const bad = () => usage(`${flag} takes ${shape.toUpperCase()} (e.g. ${example}), got "${text}".`);
  if (shape === 'name=value') {
    const eq = text.indexOf('=');
    if (eq <= 0) throw bad();
    return { container: text.slice(0, eq), key: '', value: text.slice(eq + 1) };
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw bad();
  const container = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (shape === 'name:key') {
    if (!rest) throw bad();
    return { container, key: rest, value: '' };
  }
  const eq = rest.indexOf('=');
  if (eq <= 0) throw bad();
  return { container, key: rest.slice(0, eq), value: rest.slice(eq + 1) };
}

/** Collects the per-container flags into one ContainerEdit per container, in the order first named. */
export function containerEdits(flags: EcsDeployFlags): ContainerEdit[] {
  const edits = new Map<string, ContainerEdit>();
  const edit = (name: string): ContainerEdit => {
    let e = edits.get(name);
    if (!e) {
      e = { container: name };
      edits.set(name, e);
    }
    return e;
  };
  for (const text of flags.setImage ?? []) {
    const { container, value } = containerArg('--set-image', text, 'name=value');
    parseImageReference(value); // IMAGE_REFERENCE_INVALID (exit 13) names what is wrong
    edit(container).image = value;
  }
  for (const text of flags.env ?? []) {
    const { container, key, value } = containerArg('--env', text, 'name:key=value');
    (edit(container).setEnvironment ??= {})[key] = value;
  }
  for (const text of flags.unsetEnv ?? []) {
    const { container, key } = containerArg('--unset-env', text, 'name:key');
    if (edits.get(container)?.setEnvironment?.[key] !== undefined) {
      throw usage(`--env and --unset-env both name ${container}:${key}; keep one.`);
    }
    (edit(container).unsetEnvironment ??= []).push(key);
  }
  for (const text of flags.secret ?? []) {
    const { container, key, value } = containerArg('--secret', text, 'name:key=value');
    (edit(container).setSecrets ??= {})[key] = value;
  }
  for (const text of flags.unsetSecret ?? []) {
    const { container, key } = containerArg('--unset-secret', text, 'name:key');
    if (edits.get(container)?.setSecrets?.[key] !== undefined) {
      throw usage(`--secret and --unset-secret both name ${container}:${key}; keep one.`);
    }
    (edit(container).unsetSecrets ??= []).push(key);
  }
  for (const text of flags.command ?? []) {
    const { container, value } = containerArg('--command', text, 'name=value');
    let words: string[];
    try {
      words = splitWords(value);
    } catch (e) {
      throw usage(`--command ${container}: ${(e as Error).message}.`);
    }
    if (words.length === 0) throw usage(`--command ${container}= needs a command.`);
    edit(container).command = words;
  }
  for (const [flag, field, list] of [
    ['--cpu', 'cpu', flags.cpu],
    ['--memory', 'memory', flags.memory],
    ['--memory-reservation', 'memoryReservation', flags.memoryReservation],
  ] as const) {
    for (const text of list ?? []) {
      const { container, value } = containerArg(flag, text, 'name=value');
      edit(container)[field] = wholeNumber(`${flag} ${container}`, value, field === 'cpu' ? 0 : 1);
    }
  }
  for (const text of flags.dockerLabel ?? []) {
    const { container, key, value } = containerArg('--docker-label', text, 'name:key=value');
    (edit(container).dockerLabels ??= {})[key] = value;
  }
  return [...edits.values()];
}

const networkConfigurationSchema = z
  .object({
    awsvpcConfiguration: z
      .object({
        subnets: z.array(z.string().min(1)).min(1),
        securityGroups: z.array(z.string().min(1)).optional(),
        assignPublicIp: z.enum(['ENABLED', 'DISABLED']).optional(),
      })
      .strict(),
  })
  .strict();

/** `--network-configuration`: JSON, or the AWS CLI shorthand. */
export function parseNetworkConfiguration(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = text.trim().startsWith('{') ? JSON.parse(text) : parseShorthand(text);
  } catch (e) {
    throw usage(
      `--network-configuration: ${(e as Error).message}. Give JSON or the AWS CLI shorthand, e.g. ` +
        `awsvpcConfiguration={subnets=[subnet-1],securityGroups=[sg-1],assignPublicIp=DISABLED}.`,
    );
  }
  const parsed = networkConfigurationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usage(
      `--network-configuration: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid'}. ` +
        'It needs awsvpcConfiguration with subnets (and optionally securityGroups, assignPublicIp ENABLED|DISABLED).',
    );
  }
  return parsed.data;
}

const taskDefinitionFileSchema = z.looseObject({
  containerDefinitions: z.array(z.looseObject({ name: z.string().min(1) })).min(1),
});

/** `--task-definition-file`: `{"taskDefinition": {...}}` (DescribeTaskDefinition's output) or a plain definition. */
export function parseTaskDefinitionFile(path: string, content: string): TaskDefinitionJson {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (e) {
    throw usage(`--task-definition-file ${path} is not JSON: ${(e as Error).message}.`);
  }
  if (raw !== null && typeof raw === 'object' && 'taskDefinition' in raw) {
    raw = (raw as { taskDefinition: unknown }).taskDefinition;
  }
  const parsed = taskDefinitionFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw usage(
      `--task-definition-file ${path} is not a task definition: it needs containerDefinitions, a list of containers with a name ` +
        '(as `aws ecs describe-task-definition` prints it, or its taskDefinition object).',
    );
  }
  return parsed.data;
}

/** The credentials the flags ask for (see docs/ecs-deploy.md, "Credentials and region"). */
export function credentialSource(flags: EcsDeployFlags): CredentialSource {
  const hasKey = flags.awsAccessKey !== undefined;
  const hasSecret = flags.awsSecretKey !== undefined;
  if (hasKey !== hasSecret) {
    throw usage(`${hasKey ? '-k' : '-s'} needs ${hasKey ? '-s SECRET_KEY' : '-k ACCESS_KEY'} too.`);
  }
  const chosen = [
    hasKey && '-k/-s',
    flags.profile !== undefined && '-p',
    flags.awsInstanceProfile && '--aws-instance-profile',
  ]
    .filter(Boolean)
    .join(', ');
  if (chosen.includes(',')) throw usage(`Choose one source of credentials, not ${chosen}.`);
  let source: CredentialSource;
  if (hasKey) {
    source = { kind: 'static', accessKeyId: flags.awsAccessKey!, secretAccessKey: flags.awsSecretKey! };
  } else if (flags.profile !== undefined) {
    source = { kind: 'chain', profile: flags.profile };
  } else {
    // --aws-instance-profile and the default both use the chain, which ends with instance metadata.
    source = { kind: 'chain' };
  }
  if (flags.externalId !== undefined && flags.awsAssumeRole === undefined) {
    throw usage('--external-id only applies with -a/--aws-assume-role ROLE_ARN.');
  }
  if (flags.awsAssumeRole !== undefined) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(flags.awsAssumeRole)) {
      throw usage(
        `-a/--aws-assume-role takes a role ARN (arn:aws:iam::123456789012:role/NAME), got "${flags.awsAssumeRole}".`,
      );
    }
    source = {
      kind: 'assume-role',
      roleArn: flags.awsAssumeRole,
      ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}),
      sessionName: 'slipway-ecs-deploy',
      source,
    };
  }
  return source;
}

/**
 * What to deploy to: the script's checks of -n, -d and -c, in the script's order (exit codes 5, 6,
 * 7). The only place these rules live: the engine takes the target this returns.
 */
export function targetFromFlags(flags: EcsDeployFlags): EcsDeployTarget {
  const services = flags.serviceName ?? [];
  if (services.length === 0 && flags.taskDefinition === undefined) {
    throw new SlipwayError(
      'ECS_DEPLOY_NO_TARGET',
      'Nothing to deploy to: give -n SERVICE (with -c CLUSTER) to deploy a service, or -d FAMILY to update a task definition.',
    );
  }
  if (services.length > 0 && flags.taskDefinition !== undefined) {
    throw new SlipwayError(
      'ECS_DEPLOY_BOTH_TARGETS',
      'Give either -n SERVICE or -d FAMILY, not both: -n deploys a service, -d updates a task definition without one.',
    );
  }
  if (flags.taskDefinition !== undefined) {
    return {
      kind: 'family',
      family: flags.taskDefinition,
      ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    };
  }
  if (flags.cluster === undefined) {
    throw new SlipwayError('ECS_DEPLOY_NO_CLUSTER', `-n ${services[0]} needs the cluster: add -c CLUSTER.`);
  }
  return { kind: 'services', cluster: flags.cluster, services: [...new Set(services)] };
}

/** Validates the flags and builds what the command runs. Throws SlipwayError with the script's codes. */
export function planFromFlags(flags: EcsDeployFlags, host: PlanEnvironment): EcsDeployPlan {
  const target = targetFromFlags(flags);
  const tagFromEnv = (flags.tagEnvVar !== undefined ? host.env[flags.tagEnvVar] : undefined) || undefined;
  // An unset variable would silently deploy `latest` (or the -i tag): refuse instead, and say so
  // before anything else (without -i it is what is wrong, not a missing image: exit 3, not 8).
  if (flags.tagEnvVar !== undefined && tagFromEnv === undefined) {
    throw usage(`-e ${flags.tagEnvVar}: the environment variable ${flags.tagEnvVar} is not set or is empty.`);
  }
  const containers = containerEdits(flags);
  const somethingToDeploy =
    flags.image !== undefined ||
    flags.tagOnly !== undefined ||
    tagFromEnv !== undefined ||
    flags.forceNewDeployment === true ||
    flags.taskDefinitionFile !== undefined ||
    containers.length > 0;
  if (!somethingToDeploy) {
    throw new SlipwayError(
      'ECS_DEPLOY_NO_IMAGE',
      'Nothing to deploy: give -i IMAGE, or -to TAG to retag every container, or per-container edits such as ' +
        '--set-image NAME=IMAGE, or --force-new-deployment to restart the current revision.',
    );
  }
  let maxDefinitions: number | undefined;
  if (flags.maxDefinitions !== undefined) {
    if (!/^\s*\d+\s*$/.test(flags.maxDefinitions)) {
      throw new SlipwayError(
        'ECS_DEPLOY_BAD_MAX_DEFINITIONS',
        `--max-definitions must be a whole number (how many revisions to keep; 0 keeps all), got "${flags.maxDefinitions}".`,
      );
    }
    const n = Number(flags.maxDefinitions);
    maxDefinitions = n === 0 ? undefined : n; // the script's 0 means "keep all"
  }
  // The script requires -i even with -to and then ignores it (`-i ignore -to 1.2.3`); so do we.
  const image =
    flags.image !== undefined && flags.tagOnly === undefined
      ? resolveDeployImage(flags.image, tagFromEnv)
      : undefined;

  const edits: TaskDefinitionEdits = {};
  if (flags.tagOnly !== undefined) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(flags.tagOnly)) {
      throw new SlipwayError(
        'IMAGE_REFERENCE_INVALID',
        `-to/--tag-only "${flags.tagOnly}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -).`,
      );
    }
    edits.tagOnly = flags.tagOnly;
  } else if (tagFromEnv !== undefined && !image) {
    edits.tagOnly = tagFromEnv;
  }
  if (containers.length > 0) edits.containers = containers;
  if (flags.exclusiveEnv) edits.exclusiveEnvironment = true;
  if (flags.exclusiveSecrets) edits.exclusiveSecrets = true;
  if ((flags.exclusiveEnv || flags.exclusiveSecrets) && containers.length === 0) {
    throw usage(
      '--exclusive-env/--exclusive-secrets apply to the containers named by --env/--secret; name at least one.',
    );
  }

  const runTaskOnly = (
    [
      ['--launch-type', flags.launchType],
      ['--platform-version', flags.platformVersion],
      ['--network-configuration', flags.networkConfiguration],
      ['--wait-for-success', flags.waitForSuccess],
    ] as const
  ).find(([, v]) => v !== undefined && v !== false);
  if (!flags.runTask && runTaskOnly) throw usage(`${runTaskOnly[0]} only applies with --run-task.`);
  if (flags.runTask && target.kind !== 'family') {
    throw usage('--run-task runs a task of a task definition: use it with -d FAMILY, not -n SERVICE.');
  }
  if (target.kind === 'family') {
    for (const [flag, given] of [
      ['-D/--desired-count', flags.desiredCount],
      ['-m/--min', flags.min],
      ['-M/--max', flags.max],
    ] as const) {
      if (given !== undefined) throw usage(`${flag} applies to a service (-n), not to -d FAMILY.`);
    }
  }

  const output = flags.output ?? 'text';
  if (output !== 'text' && output !== 'json') {
    throw usage(`--output must be text or json, got "${output}".`);
  }
  if (flags.endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(flags.endpointUrl)) {
    throw usage(`--endpoint-url must be an http(s) URL, got "${flags.endpointUrl}".`);
  }

  const request: EcsDeployRequest = {
    target,
    edits,
    useLatestTaskDefinition: flags.useLatestTaskDef === true,
    copyTaskDefinitionTags: flags.copyTaskDefinitionTags === true,
    forceNewDeployment: flags.forceNewDeployment === true,
    timeoutSeconds:
      flags.timeout !== undefined
        ? wholeNumber('-t/--timeout', flags.timeout, 1)
        : DEPLOY_DEFAULTS.timeoutSeconds,
    inactivityTimeoutSeconds:
      flags.inactivityTimeout !== undefined
        ? wholeNumber('--inactivity-timeout', flags.inactivityTimeout, 1)
        : DEPLOY_DEFAULTS.inactivityTimeoutSeconds,
    skipDeploymentsCheck: flags.skipDeploymentsCheck === true,
    enableRollback: flags.enableRollback === true,
    diffOnly: flags.diff === true,
    dryRun: flags.dryRun === true,
  };
  if (image) request.image = image;
  if (maxDefinitions !== undefined) request.maxDefinitions = maxDefinitions;
  if (flags.desiredCount !== undefined)
    request.desiredCount = wholeNumber('-D/--desired-count', flags.desiredCount, 0);
  if (flags.min !== undefined) request.minimumHealthyPercent = wholeNumber('-m/--min', flags.min, 0, 100);
  if (flags.max !== undefined) request.maximumPercent = wholeNumber('-M/--max', flags.max, 100, 200);
  if (flags.earlySuccess === false) request.earlySuccess = false;
  else if (typeof flags.earlySuccess === 'string')
    request.earlySuccess = parseEarlySuccess(flags.earlySuccess);
  if (flags.taskDefinitionFile !== undefined) {
    let content: string;
    try {
      content = host.readFile(flags.taskDefinitionFile);
    } catch (e) {
      throw usage(
        `--task-definition-file ${flags.taskDefinitionFile} cannot be read: ${(e as Error).message}.`,
      );
    }
    request.taskDefinitionFile = parseTaskDefinitionFile(flags.taskDefinitionFile, content);
  }
  if (flags.runTask && target.kind === 'family') {
    const runTask: RunTaskRequest = { waitForSuccess: flags.waitForSuccess === true };
    if (flags.launchType !== undefined) {
      const lt = flags.launchType.toUpperCase();
      if (!['EC2', 'FARGATE', 'EXTERNAL'].includes(lt)) {
        throw usage(`--launch-type must be EC2, FARGATE or EXTERNAL, got "${flags.launchType}".`);
      }
      runTask.launchType = lt;
    }
    if (flags.platformVersion !== undefined) runTask.platformVersion = flags.platformVersion;
    if (flags.networkConfiguration !== undefined) {
      runTask.networkConfiguration = parseNetworkConfiguration(flags.networkConfiguration);
    }
    target.runTask = runTask;
  }

  const plan: EcsDeployPlan = {
    request,
    credentials: credentialSource(flags),
    output,
    verbose: flags.verbose === true,
  };
  if (flags.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(flags.region)) {
    throw usage(`-r/--region must be an AWS region such as eu-west-1, got "${flags.region}".`);
  }
  // AWS_DEFAULT_REGION is the AWS CLI's (and so the script's); the SDK reads only AWS_REGION.
  const region =
    flags.region ?? (host.env.AWS_REGION || undefined) ?? (host.env.AWS_DEFAULT_REGION || undefined);
  if (region !== undefined) plan.region = region;
  if (flags.endpointUrl !== undefined) plan.endpoint = flags.endpointUrl;
  return plan;
}

/** The AWS target for a plan, once the region is known. */
export function awsTarget(plan: EcsDeployPlan, region: string): AwsTarget {
  return {
    region,
    credentials: plan.credentials,
    ...(plan.endpoint !== undefined ? { endpoint: plan.endpoint } : {}),
  };
}
