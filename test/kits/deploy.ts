/**
 * Test support for the deploy engine (used by *.test.ts only): AWS clients for a sandbox endpoint,
 * the sandbox admin API over HTTP, seeding helpers, and a sped-up clock for the engine's hooks.
 * It takes the sandbox's address rather than importing the sandbox, to keep the layering rule.
 */
import { setTimeout as wait } from 'node:timers/promises';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type CreateServiceCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import type { SlipwayEvent } from '../../src/core/events.js';
import {
  DEPLOY_DEFAULTS,
  type EcsDeployRequest,
  type EcsDeployTarget,
  type RunTaskRequest,
} from '../../src/deploy/request.js';
import type { DeployControl } from '../../src/deploy/service-input.js';

/** What the kit needs of a running sandbox. */
export interface SandboxAddress {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Slipway's own clients pointed at the sandbox. */
export function sandboxClients(sb: SandboxAddress): AwsClients {
  return createAwsClients({
    region: sb.region,
    endpoint: sb.endpoint,
    credentials: { kind: 'static', ...sb.credentials },
  });
}

/** Calls the sandbox admin API. */
export async function admin(
  sb: SandboxAddress,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Calls per action (`ecs:DescribeServices` → calls). */
export async function stats(sb: SandboxAddress): Promise<Record<string, number>> {
  const raw = (await admin(sb, 'GET', 'stats')) as Record<string, unknown>;
  const table = (raw['actions'] ?? raw) as Record<string, { calls?: number }>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(table)) if (v && typeof v === 'object') out[k] = v.calls ?? 0;
  return out;
}

/** A container definition on a fixed (or dynamic: 0) host port. */
export function container(image: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name: 'app',
    image,
    cpu: 128,
    memory: 128,
    essential: true,
    portMappings: [{ containerPort: 80, hostPort: 0 }],
    ...extra,
  };
}

/** Registers a revision; returns its ARN. */
export async function register(
  clients: AwsClients,
  family: string,
  containers: ContainerDefinition[],
): Promise<string> {
  const res = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family, containerDefinitions: containers }),
  );
  return res.taskDefinition!.taskDefinitionArn!;
}

/** Creates a service and waits until its first deployment completed. */
export async function createStableService(
  clients: AwsClients,
  input: CreateServiceCommandInput & { cluster: string; serviceName: string },
): Promise<Service> {
  await clients.ecs.send(new CreateServiceCommand({ launchType: 'EC2', ...input }));
  return waitStable(clients, input.cluster, input.serviceName);
}

/** Waits until the service has one COMPLETED deployment at its desired count. */
export async function waitStable(
  clients: AwsClients,
  cluster: string,
  service: string,
  timeoutMs = 20_000,
): Promise<Service> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })))
      .services?.[0];
    const d = s?.deployments ?? [];
    if (s && d.length === 1 && d[0]?.rolloutState === 'COMPLETED' && d[0].runningCount === s.desiredCount)
      return s;
    if (Date.now() > until) throw new Error(`service ${service} did not become stable`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A request's fields as a test gives them: the target as the flags name it (-c, -n, -d, --run-task). */
export type RequestParts = Partial<Omit<EcsDeployRequest, 'target'>> & {
  cluster?: string;
  services?: string[];
  family?: string;
  runTask?: RunTaskRequest;
};

/** A request with the defaults: services of `cluster`, or `family` when given. */
export function request(parts: RequestParts): EcsDeployRequest {
  const { cluster, services = [], family, runTask, ...rest } = parts;
  const target: EcsDeployTarget =
    family !== undefined
      ? {
          kind: 'family',
          family,
          ...(cluster !== undefined ? { cluster } : {}),
          ...(runTask ? { runTask } : {}),
        }
      : { kind: 'services', cluster: cluster ?? '', services };
  return {
    target,
    edits: {},
    useLatestTaskDefinition: false,
    copyTaskDefinitionTags: false,
    forceNewDeployment: false,
    timeoutSeconds: DEPLOY_DEFAULTS.timeoutSeconds,
    inactivityTimeoutSeconds: DEPLOY_DEFAULTS.inactivityTimeoutSeconds,
    skipDeploymentsCheck: false,
    enableRollback: false,
    diffOnly: false,
    dryRun: false,
    ...rest,
  };
}

/**
 * A clock running `speed` times faster than the wall clock: the engine's polling pace and
 * timeouts (in its seconds) shrink accordingly, so scenarios at a high sandbox time scale stay
 * short. Its sleeps end early when the engine's signal aborts, as the real ones do.
 */
export function fastHooks(speed = 5): Required<Pick<DeployControl, 'now' | 'sleep'>> {
  const t0 = Date.now();
  return {
    now: () => t0 + (Date.now() - t0) * speed,
    sleep: (ms, signal) => wait(ms / speed, undefined, signal ? { signal } : {}),
  };
}

/** Collects events. */
export function collector(): {
  events: SlipwayEvent[];
  emit: (e: SlipwayEvent) => void;
  codes: () => string[];
} {
  const events: SlipwayEvent[] = [];
  return { events, emit: (e) => events.push(e), codes: () => events.map((e) => e.code) };
}
