/**
 * A tenanted fleet for the fault suite (test/fault/), in a whole-Slipway world: sandbox accounts,
 * each with a cluster and one ECS service per tenant; through the API, as `slipway apply -f` sends
 * it, a project whose Update Amazon ECS Service step names the service by tenant, one ECS target per
 * account picking its tenants by tag, and releases to deploy. Also what the fault tests measure
 * with: the sandbox's admin API (any method), its per-action statistics, and its calls as they happen.
 */
import { performance } from 'node:perf_hooks';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { deploymentsCreatedSchema, releaseSchema, type DeploymentView } from '../../src/cli/ci/schemas.js';
import type { Timings } from '../../src/sandbox/world.js';
import { startWorld, type World, type WorldAccount, type WorldOptions } from '../helpers/slipway-world.js';

/** The registry of the feed; the sandbox assumes images of registries other than its own exist. */
export const FLEET_REGISTRY = 'registry.example.com';
export const FLEET_IMAGE = 'acme/web';
export const FLEET_CLUSTER = 'fleet';
export const FLEET_ENVIRONMENT = 'Production';
/** The version every service runs before the test deploys. */
export const FLEET_FIRST_VERSION = '1.0.0';

/** How big a fleet to build, and how it behaves. */
export interface FaultFleetOptions {
  /** Sandbox accounts (one ECS target each). Default 1. */
  accounts?: number;
  /** Tenants (= services) per account. */
  tenantsPerAccount: number;
  /** Tasks per service. Default 2. */
  desiredCount?: number;
  /** Sandbox task timings (sandbox seconds), set before seeding. Default the sandbox's. */
  timings?: Partial<Timings>;
  /** The step's timeout. Default 30 minutes. */
  timeoutMinutes?: number;
  /** The world (time scale, throttling, engine timings, AWS endpoint). */
  world?: WorldOptions;
}

/** One tenant and where its service is. */
export interface FleetTenant {
  name: string;
  service: string;
  account: WorldAccount;
}

/** A seeded world. */
export interface FaultFleet {
  world: World;
  accounts: WorldAccount[];
  tenants: FleetTenant[];
  /** Creates release `version` (image tag `version`); answers its id. */
  release(version: string): Promise<string>;
  /** Deploys a release to `tenants` (names; default every tenant), one deployment each; answers them. */
  deploy(releaseId: string, tenants?: readonly string[]): Promise<DeploymentView[]>;
  /** Waits until every deployment is final (each within `timeoutMs`, default 120 s); answers them. */
  waitAll(ids: readonly string[], timeoutMs?: number): Promise<DeploymentView[]>;
}

/** A sandbox admin call with any method (the world's `admin` only POSTs); throws on an error status. */
export async function sandboxAdmin(
  world: World,
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${world.sandbox.endpoint}/_sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

const statsSchema = z.object({
  actions: z.record(z.string(), z.object({ calls: z.number(), throttled: z.number(), errors: z.number() })),
});

/** The sandbox's per-action statistics (`GET /_sandbox/stats`), keyed `ecs:DescribeServices`. */
export type SandboxStats = z.output<typeof statsSchema>['actions'];

/** Reads the sandbox's statistics. */
export async function sandboxStats(world: World): Promise<SandboxStats> {
  return statsSchema.parse(await sandboxAdmin(world, 'GET', 'stats')).actions;
}

/** Calls, throttled and errors summed over the actions of `service` (e.g. `ecs`; default every service). */
export function totals(
  stats: SandboxStats,
  service?: string,
): { calls: number; throttled: number; errors: number } {
  const out = { calls: 0, throttled: 0, errors: 0 };
  for (const [action, s] of Object.entries(stats)) {
    if (service !== undefined && !action.startsWith(`${service}:`)) continue;
    out.calls += s.calls;
    out.throttled += s.throttled;
    out.errors += s.errors;
  }
  return out;
}

/** One call the sandbox answered: when (performance.now()), which action, how. */
export interface SandboxCall {
  at: number;
  action: string;
  outcome: 'ok' | 'throttled' | 'error';
}

/**
 * Records every call the in-process sandbox counts, as it counts it (it counts a call when it
 * answers it). `stop()` puts the sandbox back as it was.
 */
export function recordSandboxCalls(world: World): { calls: SandboxCall[]; stop(): void } {
  const runtime = world.sandbox.runtime;
  const original = runtime.count.bind(runtime);
  const calls: SandboxCall[] = [];
  runtime.count = (service, action, outcome) => {
    calls.push({ at: performance.now(), action: `${service}:${action}`, outcome });
    original(service, action, outcome);
  };
  return {
    calls,
    stop() {
      runtime.count = original;
    },
  };
}

/**
 * Counts the calls the sandbox refuses because their temporary credentials expired
 * (ExpiredTokenException / ExpiredToken): it refuses them before its statistics count anything.
 */
export function countExpiredCredentials(world: World): { count(): number; stop(): void } {
  const runtime = world.sandbox.runtime;
  const original = runtime.findCaller.bind(runtime);
  let expired = 0;
  runtime.findCaller = (accessKeyId) => {
    const found = original(accessKeyId);
    if (found?.session && runtime.now() >= found.session.expiresAt) expired++;
    return found;
  };
  return {
    count: () => expired,
    stop() {
      runtime.findCaller = original;
    },
  };
}

/** The fleet's configuration file (YAML). */
/**
 * The fleet's configuration file (YAML): a tenanted project whose Update step names each tenant's
 * service; `tenantVariable` gives each tenant's container a TENANT variable (so every tenant gets
 * a task definition revision of its own, as real fleets do).
 */
export function fleetConfig(
  accounts: WorldAccount[],
  tenants: FleetTenant[],
  timeoutMinutes: number,
  tenantVariable = false,
): string {
  const index = (a: WorldAccount) => accounts.indexOf(a) + 1;
  const awsAccounts = accounts
    .map(
      (a, i) => `
  - name: Account ${i + 1}
    mode: keys
    accessKeyId: ${a.accessKeyId}
    secretAccessKey: { env: ACCOUNT_${i + 1}_SECRET }
    region: us-east-1`,
    )
    .join('');
  const targets = accounts
    .map(
      (_, i) => `
  - name: fleet-${i + 1}
    awsAccount: Account ${i + 1}
    region: us-east-1
    cluster: ${FLEET_CLUSTER}
    roles: [web]
    environments: [${FLEET_ENVIRONMENT}]
    tenantedParticipation: tenanted
    tenantTags: [Account/A${i + 1}]`,
    )
    .join('');
  const tenantDocs = tenants
    .map(
      (t) => `
  - name: ${t.name}
    tags: [Account/A${index(t.account)}]
    projects:
      - { project: web, environments: [${FLEET_ENVIRONMENT}] }`,
    )
    .join('');
  return `apiVersion: slipway/v1
environments:
  - name: ${FLEET_ENVIRONMENT}
tagSets:
  - name: Account
    tags:${accounts.map((_, i) => `\n      - name: A${i + 1}`).join('')}
awsAccounts:${awsAccounts}
feeds:
  - { name: Registry, type: docker, url: 'https://${FLEET_REGISTRY}' }
lifecycles:
  - name: Straight to production
    phases:
      - { name: Production, manualEnvironments: [${FLEET_ENVIRONMENT}] }
projects:
  - name: web
    lifecycle: Straight to production
    tenantedMode: tenanted
    process:
      steps:
        - name: Deploy
          roles: [web]
          action:
            type: ecs-update-service
            service: 'web-#{Octopus.Deployment.Tenant.Name | ToLower}'
            timeoutMinutes: ${timeoutMinutes}
            packages:
              - { name: web, feed: Registry, image: ${FLEET_IMAGE} }
            containers:
              - name: web
                image: web${
                  tenantVariable
                    ? `
                environment:
                  - { name: TENANT, value: '#{Octopus.Deployment.Tenant.Name}' }`
                    : ''
                }
tenants:${tenantDocs}
ecsTargets:${targets}
`;
}

/** Waits until every service of `services` runs its desired count on one deployment. */
async function waitSteady(world: World, account: WorldAccount, services: string[]): Promise<void> {
  const ecs = world.ecs(account);
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      let steady = 0;
      for (let i = 0; i < services.length; i += 10) {
        const out = await ecs.send(
          new DescribeServicesCommand({ cluster: FLEET_CLUSTER, services: services.slice(i, i + 10) }),
        );
        for (const s of out.services ?? [])
          if (s.deployments?.length === 1 && s.runningCount === s.desiredCount) steady++;
      }
      if (steady === services.length) return;
      if (Date.now() > deadline)
        throw new Error(`only ${steady} of ${services.length} services became steady`);
      await world.admin('time', { advanceSeconds: 600 });
    }
  } finally {
    ecs.destroy();
  }
}

/**
 * Builds the fleet: sandbox throttling off while seeding, then as `options.world.throttling` says
 * (default on), with full buckets and empty statistics. Close `fleet.world` when done.
 */
export async function startFaultFleet(options: FaultFleetOptions): Promise<FaultFleet> {
  const throttling = options.world?.throttling ?? true;
  const world = await startWorld({ ...options.world, throttling: false });
  try {
    if (options.timings) await sandboxAdmin(world, 'PUT', 'settings', { timings: options.timings });
    const accounts: WorldAccount[] = [];
    const tenants: FleetTenant[] = [];
    for (let a = 0; a < (options.accounts ?? 1); a++) {
      const account = await world.createAccount(`fleet-${a + 1}`);
      accounts.push(account);
      for (let t = 0; t < options.tenantsPerAccount; t++) {
        // Valid in service names once lower-cased: tenant-a1-01 → web-tenant-a1-01.
        const name = `tenant-a${a + 1}-${String(t + 1).padStart(2, '0')}`;
        tenants.push({ name, service: `web-${name}`, account });
      }
      const desired = options.desiredCount ?? 2;
      // 64 MiB tasks, twice the desired count during a rollout: 4096 MiB instances hold 64 each.
      const instances = Math.ceil((options.tenantsPerAccount * desired * 2) / 60) + 1;
      await world.admin('clusters', {
        accountId: account.accountId,
        name: FLEET_CLUSTER,
        instances: { count: instances },
      });
      const ecs = world.ecs(account);
      try {
        const td = await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'web',
            networkMode: 'bridge',
            containerDefinitions: [
              {
                name: 'web',
                image: `${FLEET_REGISTRY}/${FLEET_IMAGE}:${FLEET_FIRST_VERSION}`,
                memory: 64,
                essential: true,
              },
            ],
          }),
        );
        for (const t of tenants.filter((x) => x.account === account)) {
          await ecs.send(
            new CreateServiceCommand({
              cluster: FLEET_CLUSTER,
              serviceName: t.service,
              taskDefinition: td.taskDefinition?.taskDefinitionArn,
              desiredCount: desired,
              deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
            }),
          );
        }
      } finally {
        ecs.destroy();
      }
    }
    // The first rollouts finish at once: tests start from services at rest.
    for (const account of accounts) {
      await waitSteady(
        world,
        account,
        tenants.filter((t) => t.account === account).map((t) => t.service),
      );
    }
    const env = Object.fromEntries(accounts.map((a, i) => [`ACCOUNT_${i + 1}_SECRET`, a.secretAccessKey]));
    await world.apply(fleetConfig(accounts, tenants, options.timeoutMinutes ?? 30), env);
    await sandboxAdmin(world, 'PUT', 'settings', { throttling });
    await sandboxAdmin(world, 'DELETE', 'stats');
    return {
      world,
      accounts,
      tenants,
      async release(version) {
        const r = await world.client.post(
          world.client.spacePath('releases'),
          { project: 'web', version, packageVersion: version, packages: [] },
          releaseSchema,
        );
        return r.id;
      },
      async deploy(releaseId, names = ['*']) {
        const created = await world.client.post(
          world.client.spacePath('deployments'),
          { release: releaseId, environment: FLEET_ENVIRONMENT, tenants: names },
          deploymentsCreatedSchema,
        );
        return created.items;
      },
      async waitAll(ids, timeoutMs = 120_000) {
        const out: DeploymentView[] = [];
        for (const id of ids) out.push(await world.waitForDeployment(id, timeoutMs));
        return out;
      },
    };
  } catch (e) {
    await world.close();
    throw e;
  }
}

/** `figure: <name> <value>`: a measured figure, for docs/reliability.md. */
export function figure(name: string, value: string | number): void {
  console.log(`figure: ${name} ${value}`);
}
