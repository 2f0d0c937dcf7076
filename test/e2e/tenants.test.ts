/**
 * Tenanted deployments end to end: three tenants, each with an AWS account of its own in the
 * sandbox (a cluster and an existing service there, an AWS account resource with its keys, an ECS
 * target for the tenant). Tenant template values, tenant-scoped and tenant-tag-scoped project
 * variables must reach the right service in the right account. Deploys to every tenant (`*`, one
 * deployment each), then to the tenants a tag expression picks, with tenant values read live.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { deploymentSchema, releaseSchema, type ReleaseView } from '../../src/cli/ci/schemas.js';
import { startWorld, type World, type WorldAccount } from '../helpers/slipway-world.js';

const TENANTS = ['Acme', 'Globex', 'Initech'] as const;
type Tenant = (typeof TENANTS)[number];
const TAGS: Record<Tenant, string[]> = {
  Acme: ['Region/EU', 'Tier/Gold'],
  Globex: ['Region/US', 'Tier/Gold'],
  Initech: ['Region/EU', 'Tier/Silver'],
};

/**
 * The configuration, with each tenant's access key, a Greeting per tenant, an unscoped project
 * variable Greeting, and (with `templateDefault`) the template's default value "Hello". A tenant
 * without a value gets the default (as in Octopus); without a default, the project variable.
 */
function config(
  keys: Record<Tenant, string>,
  greetings: Partial<Record<Tenant, string>>,
  templateDefault = true,
): string {
  const accounts = TENANTS.map(
    (t) => `
  - name: ${t} AWS
    mode: keys
    accessKeyId: ${keys[t]}
    secretAccessKey: { env: ${t.toUpperCase()}_SECRET }
    region: us-east-1`,
  ).join('');
  const tenants = TENANTS.map((t) => {
    const greeting = greetings[t];
    const values =
      greeting === undefined
        ? ''
        : `
    variables:
      - { project: portal, environment: Dev, template: Greeting, value: '${greeting}' }`;
    return `
  - name: ${t}
    tags: [${TAGS[t].join(', ')}]
    projects:
      - { project: portal, environments: [Dev] }${values}`;
  }).join('');
  const targets = TENANTS.map(
    (t) => `
  - name: ${t.toLowerCase()}-apps
    awsAccount: ${t} AWS
    region: us-east-1
    cluster: apps
    roles: [portal]
    environments: [Dev]
    tenantedParticipation: tenanted
    tenants: [${t}]`,
  ).join('');
  return `
apiVersion: slipway/v1
environments:
  - name: Dev
tagSets:
  - name: Region
    tags: [{ name: EU }, { name: US }]
  - name: Tier
    tags: [{ name: Gold }, { name: Silver }]
awsAccounts:
  - { name: Sandbox, mode: ambient, region: us-east-1 }${accounts}
feeds:
  - { name: Sandbox ECR, type: ecr, region: us-east-1, awsAccount: Sandbox }
lifecycles:
  - name: Dev only
    phases:
      - { name: Development, manualEnvironments: [Dev] }
projects:
  - name: portal
    lifecycle: Dev only
    tenantedMode: tenanted
    templates:
      - { name: Greeting, label: Greeting on the portal${templateDefault ? ', defaultValue: Hello' : ''} }
    process:
      steps:
        - name: Deploy
          roles: [portal]
          action:
            type: ecs-update-service
            service: portal
            timeoutMinutes: 10
            packages:
              - { name: portal, feed: Sandbox ECR, image: portal }
            containers:
              - name: app
                image: portal
                environment:
                  - { name: GREETING, value: '#{Greeting}' }
                  - { name: TENANT, value: '#{Octopus.Deployment.Tenant.Name}' }
                  - { name: PLAN, value: '#{Plan}' }
                  - { name: REGION, value: '#{RegionName}' }
    variables:
      - { name: Greeting, value: Hi }
      - { name: Plan, value: standard }
      - { name: Plan, value: enterprise, scope: { tenants: [Globex] } }
      - { name: RegionName, value: nowhere }
      - { name: RegionName, value: europe, scope: { tenantTags: [Region/EU] } }
      - { name: RegionName, value: america, scope: { tenantTags: [Region/US] } }
tenants:${tenants}
ecsTargets:${targets}
`;
}

const createdSchema = z.object({ items: z.array(deploymentSchema) });
const tenantPageSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

describe('tenanted deployments end to end: three tenants in three AWS accounts', () => {
  let world: World;
  let repository: string;
  const accounts = new Map<Tenant, WorldAccount>();
  const tenantIds = new Map<string, Tenant>();
  let keys: Record<Tenant, string>;
  let secrets: Record<string, string>;

  before(async () => {
    world = await startWorld({ timeScale: 300 });
    repository = await world.pushImages('portal', ['1.0.0', '1.1.0']);
    for (const t of TENANTS) {
      const account = await world.createAccount(t.toLowerCase());
      accounts.set(t, account);
      await world.createService({
        account,
        cluster: 'apps',
        service: 'portal',
        image: `${repository}:1.0.0`,
        environment: { GREETING: 'not deployed yet' },
      });
    }
    const acc = (t: Tenant) => accounts.get(t)!;
    keys = {
      Acme: acc('Acme').accessKeyId,
      Globex: acc('Globex').accessKeyId,
      Initech: acc('Initech').accessKeyId,
    };
    secrets = Object.fromEntries(TENANTS.map((t) => [`${t.toUpperCase()}_SECRET`, acc(t).secretAccessKey]));
    await world.apply(config(keys, { Acme: 'Bonjour from Acme', Globex: 'Howdy from Globex' }), secrets);
    const page = await world.client.get(world.client.spacePath('tenants'), tenantPageSchema);
    for (const t of page.items) tenantIds.set(t.id, t.name as Tenant);
  });
  after(async () => world?.close());

  async function release(version: string, tag = version): Promise<ReleaseView> {
    return world.client.post(
      world.client.spacePath('releases'),
      { project: 'portal', version, packages: [`portal:${tag}`] },
      releaseSchema,
    );
  }

  /** Deploys `release` to Dev for the tenants asked; waits; answers the tenants deployed, in order. */
  async function deployTenants(releaseId: string, who: { tenants?: string[]; tenantTags?: string[] }) {
    const res = await world.request('POST', world.client.spacePath('deployments'), {
      release: releaseId,
      environment: 'Dev',
      ...who,
    });
    assert.equal(res.status, 201, res.text);
    const { items } = createdSchema.parse(res.json);
    const deployed: Tenant[] = [];
    for (const d of items) {
      assert.ok(d.tenantId, 'a tenanted deployment names its tenant');
      const tenant = tenantIds.get(d.tenantId);
      assert.ok(tenant);
      deployed.push(tenant);
    }
    // Each tenant's deployment runs on its own; all of them end.
    for (const d of items) {
      const done = await world.waitForDeployment(d.id);
      assert.equal(done.state, 'success', `${tenantIds.get(d.tenantId ?? '')}: ${done.error ?? ''}`);
    }
    return deployed;
  }

  const service = (t: Tenant) => world.describeService('apps', 'portal', accounts.get(t));

  it('tenants "*" makes one deployment per tenant, each in its account with its own values', async () => {
    const r = await release('1.0.0');
    // The services already run image 1.0.0: what the deployments change is each tenant's environment.
    assert.deepEqual(await deployTenants(r.id, { tenants: ['*'] }), ['Acme', 'Globex', 'Initech']);

    const expected: Record<Tenant, Record<string, string>> = {
      Acme: { GREETING: 'Bonjour from Acme', TENANT: 'Acme', PLAN: 'standard', REGION: 'europe' },
      Globex: { GREETING: 'Howdy from Globex', TENANT: 'Globex', PLAN: 'enterprise', REGION: 'america' },
      // No value for the template: the project's variable of that name.
      Initech: { GREETING: 'Hello', TENANT: 'Initech', PLAN: 'standard', REGION: 'europe' },
    };
    for (const t of TENANTS) {
      const s = await service(t);
      assert.equal(s.images['app'], `${repository}:1.0.0`, t);
      assert.deepEqual(s.environment['app'], expected[t], t);
      assert.equal(s.tags['slipway:tenant'], t);
      assert.equal(s.runningCount, s.desiredCount, t);
      // The revision was registered in the tenant's own account.
      assert.match(
        s.taskDefinitionArn,
        new RegExp(`:${accounts.get(t)?.accountId}:task-definition/portal:2$`),
      );
    }
  });

  it('a tag expression picks a subset; tenant values are read when deploying, not frozen in the release', async () => {
    const globexBefore = await service('Globex');
    // Acme changes its greeting after release 1.0.0 existed and before 1.1.0 is deployed.
    await world.apply(config(keys, { Acme: 'Guten Tag from Acme', Globex: 'Howdy from Globex' }), secrets);
    const r = await release('1.1.0');
    assert.deepEqual(await deployTenants(r.id, { tenantTags: ['Region/EU'] }), ['Acme', 'Initech']);

    const acme = await service('Acme');
    assert.equal(acme.images['app'], `${repository}:1.1.0`);
    assert.equal(acme.environment['app']?.['GREETING'], 'Guten Tag from Acme');
    assert.equal(acme.tags['slipway:release'], '1.1.0');
    const initech = await service('Initech');
    assert.equal(initech.images['app'], `${repository}:1.1.0`);
    assert.equal(initech.environment['app']?.['GREETING'], 'Hello');
    // Globex (US) was not selected: untouched.
    const globex = await service('Globex');
    assert.equal(globex.taskDefinitionArn, globexBefore.taskDefinitionArn);
    assert.equal(globex.images['app'], `${repository}:1.0.0`);
  });

  it('tags OR within a set and AND across sets: (EU or US) and Silver is Initech alone', async () => {
    const releases = await world.client.list(world.client.spacePath('releases'), releaseSchema, {
      project: 'portal',
    });
    const first = releases.find((r) => r.version === '1.0.0');
    assert.ok(first);
    const acmeBefore = await service('Acme');
    // Initech goes back to 1.0.0; Acme (Gold) stays on 1.1.0.
    assert.deepEqual(
      await deployTenants(first.id, { tenantTags: ['Region/EU', 'Region/US', 'Tier/Silver'] }),
      ['Initech'],
    );
    const initech = await service('Initech');
    assert.equal(initech.images['app'], `${repository}:1.0.0`);
    assert.equal(initech.tags['slipway:release'], '1.0.0');
    assert.equal((await service('Acme')).taskDefinitionArn, acmeBefore.taskDefinitionArn);

    // A tenanted project takes no untenanted deployment.
    const untenanted = await world.request('POST', world.client.spacePath('deployments'), {
      release: first.id,
      environment: 'Dev',
    });
    assert.equal(untenanted.status, 400, untenanted.text);
  });

  it('without a template default, a same-named project variable stands in for a tenant without a value', async () => {
    await world.apply(
      config(keys, { Acme: 'Guten Tag from Acme', Globex: 'Howdy from Globex' }, false),
      secrets,
    );
    const r = await release('1.2.0', '1.1.0');
    assert.deepEqual(await deployTenants(r.id, { tenants: ['Initech'] }), ['Initech']);
    assert.equal((await service('Initech')).environment['app']?.['GREETING'], 'Hi');
  });
});
