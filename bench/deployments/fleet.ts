/**
 * A tenanted fleet for the deployment benchmarks, built in a whole-Slipway world
 * (test/helpers/slipway-world.ts): sandbox accounts, each with one cluster, one registered task
 * definition and one ECS service per tenant made from it; then, through the API exactly as
 * `slipway apply -f` sends it, a project whose Update Amazon ECS Service step names the service
 * by tenant, one tenant per service tagged with its account, one ECS target per account picking
 * its tenants by that tag, and a release to deploy. Seeding runs with sandbox throttling off;
 * `armThrottling` switches it on (with full buckets) before the timed part.
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { releaseSchema } from '../../src/cli/ci/schemas.js';
import { prng } from '../../test/helpers/prng.js';
import { startWorld, type World, type WorldAccount } from '../../test/helpers/slipway-world.js';
import {
  FLEET_CLUSTER as CLUSTER,
  FLEET_ENVIRONMENT as ENVIRONMENT,
  FLEET_IMAGE as IMAGE,
  FLEET_REGISTRY as REGISTRY,
  fleetConfig,
  sandboxAdmin,
  type FleetTenant,
} from '../../test/kits/fault-fleet.js';

/** Sandbox seconds for each task state change: short, so rollouts cost little next to the API limits. */
const FAST_TIMINGS = {
  provisioningSeconds: 1,
  imagePullSeconds: 2,
  startSeconds: 1,
  targetHealthySeconds: 2,
  deregistrationDelaySeconds: 1,
  stopSeconds: 1,
  relaunchDelaySeconds: 2,
};

/** The release the benchmarks deploy (services start on 1.0.0). */
export const RELEASE_VERSION = '2.0.0';
export { ENVIRONMENT, sandboxAdmin, type FleetTenant };

/** How big a fleet to build. */
export interface FleetOptions {
  /** Sandbox accounts (one ECS target each). */
  accounts: number;
  /** Tenants (= services) per account. */
  tenantsPerAccount: number;
  /** Deployments the node runs at once (the world's default is 50). */
  concurrency?: number;
  /** Sandbox seconds per real second. Default 300. */
  timeScale?: number;
  /**
   * Which account each tenant's service is in, by tenant name order: `random` (default; a seeded
   * shuffle, as customers' names say nothing of their accounts), `grouped` (the first
   * tenantsPerAccount in account 1, ...) or `interleaved` (tenant 1 in account 1, 2 in 2, ...).
   */
  layout?: FleetLayout;
  /** A PostgreSQL URL for the store; default PGlite. */
  databaseUrl?: string;
}

/** How tenants are spread over the accounts (see FleetOptions.layout). */
export type FleetLayout = 'random' | 'grouped' | 'interleaved';
export const FLEET_LAYOUTS: readonly FleetLayout[] = ['random', 'grouped', 'interleaved'];

/** A seeded world with a release ready to deploy. */
export interface Fleet {
  world: World;
  accounts: WorldAccount[];
  tenants: FleetTenant[];
  releaseId: string;
  /** Seconds seeding took (AWS and configuration). */
  seedSeconds: number;
}

/** The account index of each tenant, in tenant name order. */
function accountOfTenants(layout: FleetLayout, accounts: number, perAccount: number): number[] {
  const total = accounts * perAccount;
  if (layout === 'grouped') return Array.from({ length: total }, (_, i) => Math.floor(i / perAccount));
  const out = Array.from({ length: total }, (_, i) => i % accounts);
  if (layout === 'random') {
    const random = prng(7);
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  }
  return out;
}

async function seedAccount(ecs: ECSClient, tenants: FleetTenant[]): Promise<void> {
  // One task definition for all of the account's services: seeding stays clear of the 1/s limit.
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      networkMode: 'bridge',
      containerDefinitions: [
        { name: 'web', image: `${REGISTRY}/${IMAGE}:1.0.0`, memory: 64, essential: true },
      ],
    }),
  );
  const arn = td.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
  await Promise.all(
    tenants.map((t) =>
      ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: t.service,
          taskDefinition: arn,
          desiredCount: 2,
          deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
        }),
      ),
    ),
  );
}

/** Waits until every service runs its desired count on one deployment. */
async function waitSteady(ecs: ECSClient, services: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    let steady = 0;
    for (let i = 0; i < services.length; i += 10) {
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster: CLUSTER, services: services.slice(i, i + 10) }),
      );
      for (const s of out.services ?? [])
        if (s.deployments?.length === 1 && s.runningCount === s.desiredCount) steady++;
    }
    if (steady === services.length) return;
    if (Date.now() > deadline) throw new Error(`only ${steady} of ${services.length} services became steady`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Builds the fleet (throttling off until armThrottling). Close `fleet.world` when done. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const started = performance.now();
  const world = await startWorld({
    timeScale: options.timeScale ?? 300,
    throttling: false,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
  });
  try {
    await sandboxAdmin(world, 'PUT', 'settings', { timings: FAST_TIMINGS });
    const accounts: WorldAccount[] = [];
    for (let a = 0; a < options.accounts; a++) accounts.push(await world.createAccount(`fleet-${a + 1}`));
    // Names valid in service names once lower-cased: tenant-001 → web-tenant-001.
    const tenants: FleetTenant[] = accountOfTenants(
      options.layout ?? 'random',
      options.accounts,
      options.tenantsPerAccount,
    ).map((a, i) => {
      const name = `tenant-${String(i + 1).padStart(3, '0')}`;
      return { name, service: `web-${name}`, account: accounts[a]! };
    });
    for (const account of accounts) {
      // 2 tasks of 64 MiB per service, twice that during a rollout: 4096 MiB instances hold 32 each.
      const instances = Math.max(2, Math.ceil((options.tenantsPerAccount * 4) / 32) + 1);
      await world.admin('clusters', {
        accountId: account.accountId,
        name: CLUSTER,
        instances: { count: instances },
      });
      const ecs = world.ecs(account);
      try {
        await seedAccount(
          ecs,
          tenants.filter((t) => t.account === account),
        );
      } finally {
        ecs.destroy();
      }
    }
    // Let the first rollouts finish at once: the benchmark starts from services at rest.
    await world.admin('time', { advanceSeconds: 600 });
    for (const account of accounts) {
      const ecs = world.ecs(account);
      try {
        await waitSteady(
          ecs,
          tenants.filter((t) => t.account === account).map((t) => t.service),
        );
      } finally {
        ecs.destroy();
      }
    }
    const env = Object.fromEntries(accounts.map((a, i) => [`ACCOUNT_${i + 1}_SECRET`, a.secretAccessKey]));
    await world.apply(fleetConfig(accounts, tenants, 10, true), env);
    const release = await world.client.post(
      world.client.spacePath('releases'),
      { project: 'web', version: RELEASE_VERSION, packageVersion: RELEASE_VERSION, packages: [] },
      releaseSchema,
    );
    return {
      world,
      accounts,
      tenants,
      releaseId: release.id,
      seedSeconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    await world.close();
    throw e;
  }
}

/** Switches sandbox throttling on (every bucket starts full) and clears the call statistics. */
export async function armThrottling(world: World): Promise<void> {
  await sandboxAdmin(world, 'PUT', 'settings', { throttling: true });
  await sandboxAdmin(world, 'DELETE', 'stats');
}
