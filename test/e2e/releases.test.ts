/**
 * Releases end to end on a whole Slipway (sandbox + store + engine + API): tags pushed to the
 * sandbox's ECR, configuration applied through the API, releases created through the API. Each
 * channel's rule picks its own newest tag; the lifecycle refuses Prod before Dev and Test
 * succeeded (409 naming what is missing) and lets it through after; every deployment really
 * updates the ECS service (image tag, environment, identifying tags).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { releaseSchema, type ReleaseView } from '../../src/cli/ci/schemas.js';
import { startWorld, type World } from '../helpers/slipway-world.js';

const TAGS = ['0.9.0', '1.0.0', '1.1.0', '1.2.0-beta.1', '1.3.0-rc.1', '2.0.0', '2.1.0-beta.2', 'latest'];
const ENVIRONMENTS = ['Dev', 'Test', 'Prod'] as const;

const CONFIG = `
apiVersion: slipway/v1
environments:
  - name: Dev
  - name: Test
  - name: Prod
awsAccounts:
  - { name: Sandbox, mode: ambient, region: us-east-1 }
feeds:
  - { name: Sandbox ECR, type: ecr, region: us-east-1, awsAccount: Sandbox }
lifecycles:
  - name: Dev Test Prod
    phases:
      - { name: Development, manualEnvironments: [Dev] }
      - { name: Testing, manualEnvironments: [Test] }
      - { name: Production, manualEnvironments: [Prod] }
projects:
  - name: shop
    lifecycle: Dev Test Prod
    # The release takes the version of the image it deploys.
    versionTemplate: '#{Octopus.Action.Package[shop].PackageVersion}'
    channels:
      - name: Default
        isDefault: true
        rules:
          - packages: [{ step: Deploy, package: shop }]
            preReleaseTag: ^$
      - name: Beta
        rules:
          - packages: [{ step: Deploy, package: shop }]
            versionRange: '[1.0,2.0)'
            preReleaseTag: ^beta
      - name: Stable 1.x
        rules:
          - packages: [{ step: Deploy, package: shop }]
            versionRange: '[1.0,2.0)'
            preReleaseTag: ^$
    process:
      steps:
        - name: Deploy
          roles: [shop]
          action:
            type: ecs-update-service
            service: 'shop-#{Octopus.Environment.Name | ToLower}'
            timeoutMinutes: 10
            packages:
              - { name: shop, feed: Sandbox ECR, image: shop }
            containers:
              - name: app
                image: shop
                environment:
                  - { name: COLOUR, value: '#{Colour}' }
                  - { name: RELEASE, value: '#{Octopus.Release.Number}' }
                  - { name: CHANNEL, value: '#{Octopus.Release.Channel.Name}' }
                  - { name: GREETING, value: 'Hello from #{Octopus.Environment.Name}' }
    variables:
      - { name: Colour, value: blue }
      - { name: Colour, value: purple, scope: { environments: [Prod] } }
      - { name: Colour, value: orange, scope: { channels: [Beta] } }
ecsTargets:
  - name: shop-cluster
    awsAccount: Sandbox
    region: us-east-1
    cluster: shop
    roles: [shop]
    environments: [Dev, Test, Prod]
`;

const errorSchema = z.object({ code: z.string(), message: z.string() });
const createdSchema = z.object({ items: z.array(z.object({ id: z.string(), state: z.string() })) });
const channelPageSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

describe('releases end to end: channels pick their tags, the lifecycle gates, ECS is updated', () => {
  let world: World;
  let repository: string;
  const channelIds = new Map<string, string>();

  before(async () => {
    world = await startWorld({ timeScale: 300 });
    repository = await world.pushImages('shop', TAGS);
    for (const env of ENVIRONMENTS) {
      await world.createService({
        cluster: 'shop',
        service: `shop-${env.toLowerCase()}`,
        image: `${repository}:0.9.0`,
        environment: { COLOUR: 'grey' },
      });
    }
    await world.apply(CONFIG);
    const channels = await world.client.get(
      world.client.spacePath('projects', 'shop', 'channels'),
      channelPageSchema,
    );
    for (const c of channels.items) channelIds.set(c.name, c.id);
  });
  after(async () => world?.close());

  async function createRelease(body: Record<string, unknown>): Promise<ReleaseView> {
    return world.client.post(world.client.spacePath('releases'), { project: 'shop', ...body }, releaseSchema);
  }

  /** POST /deployments raw: the status and the parsed body. */
  async function deploy(release: string, environment: string) {
    return world.request('POST', world.client.spacePath('deployments'), { release, environment });
  }

  /** Deploys and waits for the end; fails the test unless it succeeded. */
  async function deployAndWait(release: string, environment: string): Promise<void> {
    const res = await deploy(release, environment);
    assert.equal(res.status, 201, res.text);
    const [created] = createdSchema.parse(res.json).items;
    assert.ok(created);
    const done = await world.waitForDeployment(created.id);
    assert.equal(done.state, 'success', `${environment}: ${done.error ?? ''}`);
  }

  it('a release without versions takes, per channel, the newest tag its rule allows', async () => {
    const byDefault = await createRelease({});
    assert.equal(byDefault.channelId, channelIds.get('Default'));
    // 2.1.0-beta.2 is newer but a pre-release; `latest` is never a version.
    assert.deepEqual(
      byDefault.packages.map((p) => [p.step, p.package, p.version]),
      [['Deploy', 'shop', '2.0.0']],
    );
    assert.equal(byDefault.version, '2.0.0');

    const beta = await createRelease({ channel: 'Beta' });
    assert.equal(beta.channelId, channelIds.get('Beta'));
    // ^beta and [1.0,2.0): not 1.3.0-rc.1 (rc), not 2.1.0-beta.2 (out of range).
    assert.deepEqual(
      beta.packages.map((p) => p.version),
      ['1.2.0-beta.1'],
    );
    assert.equal(beta.version, '1.2.0-beta.1');

    const stable = await createRelease({ channel: 'Stable 1.x' });
    assert.deepEqual(
      stable.packages.map((p) => p.version),
      ['1.1.0'],
    );
    // The package names the feed's repository; the tag is the version.
    assert.equal(stable.packages[0]?.image, 'shop');
  });

  it('an explicit version without a channel chooses the only channel that accepts it, or is refused', async () => {
    const beta = await createRelease({ version: '0.1.0', packages: ['shop:1.2.0-beta.1'] });
    assert.equal(beta.channelId, channelIds.get('Beta'));
    assert.deepEqual(
      beta.packages.map((p) => p.version),
      ['1.2.0-beta.1'],
    );

    const refused = await world.request('POST', world.client.spacePath('releases'), {
      project: 'shop',
      version: '0.2.0',
      packages: ['shop:3.0.0-rc.1'],
    });
    assert.equal(refused.status, 400, refused.text);
    const err = errorSchema.parse(refused.json);
    // Each channel says why it does not fit.
    for (const channel of ['Default', 'Beta', 'Stable 1.x']) assert.match(err.message, new RegExp(channel));
  });

  it('Prod is refused before Dev and Test succeeded, allowed after; each deployment updates its ECS service', async () => {
    const releases = await world.client.list(world.client.spacePath('releases'), releaseSchema, {
      project: 'shop',
    });
    const release = releases.find((r) => r.version === '2.0.0');
    assert.ok(release);
    const before = await world.describeService('shop', 'shop-prod');

    const tooEarly = await deploy(release.id, 'Prod');
    assert.equal(tooEarly.status, 409, tooEarly.text);
    const refusal = errorSchema.parse(tooEarly.json);
    assert.equal(refusal.code, 'LIFECYCLE_REFUSED');
    assert.match(refusal.message, /^Prod is not allowed yet for release 2\.0\.0: /);
    assert.match(refusal.message, /Phase "Development" is not complete/);
    assert.match(refusal.message, /Dev/);
    const testTooEarly = await deploy(release.id, 'Test');
    assert.equal(testTooEarly.status, 409, testTooEarly.text);
    assert.match(errorSchema.parse(testTooEarly.json).message, /Phase "Development" is not complete/);
    // A refusal stores nothing and touches nothing.
    const none = await world.client.get(world.client.spacePath('deployments'), createdSchema, {
      query: { release: release.id },
    });
    assert.deepEqual(none.items, []);

    await deployAndWait(release.id, 'Dev');
    const dev = await world.describeService('shop', 'shop-dev');
    assert.equal(dev.images['app'], `${repository}:2.0.0`);
    assert.deepEqual(dev.environment['app'], {
      COLOUR: 'blue',
      RELEASE: '2.0.0',
      CHANNEL: 'Default',
      GREETING: 'Hello from Dev',
    });
    assert.equal(dev.tags['slipway:release'], '2.0.0');
    assert.equal(dev.tags['slipway:environment'], 'Dev');
    assert.equal(dev.tags['slipway:tenant'], 'untenanted');
    assert.equal(dev.runningCount, dev.desiredCount);

    // Dev done, Test missing: the reason now names the Testing phase.
    const stillEarly = await deploy(release.id, 'Prod');
    assert.equal(stillEarly.status, 409, stillEarly.text);
    const second = errorSchema.parse(stillEarly.json);
    assert.equal(second.code, 'LIFECYCLE_REFUSED');
    assert.match(second.message, /Phase "Testing" is not complete/);
    assert.match(second.message, /Test/);
    assert.equal(
      (await world.describeService('shop', 'shop-prod')).taskDefinitionArn,
      before.taskDefinitionArn,
    );

    await deployAndWait(release.id, 'Test');
    await deployAndWait(release.id, 'Prod');
    const prod = await world.describeService('shop', 'shop-prod');
    assert.notEqual(prod.taskDefinitionArn, before.taskDefinitionArn);
    assert.equal(prod.images['app'], `${repository}:2.0.0`);
    assert.deepEqual(prod.environment['app'], {
      COLOUR: 'purple',
      RELEASE: '2.0.0',
      CHANNEL: 'Default',
      GREETING: 'Hello from Prod',
    });
    assert.equal(prod.tags['slipway:environment'], 'Prod');
    assert.equal(prod.runningCount, prod.desiredCount);
    const test = await world.describeService('shop', 'shop-test');
    assert.equal(test.images['app'], `${repository}:2.0.0`);
    assert.equal(test.environment['app']?.['COLOUR'], 'blue');
  });

  it('a Beta release deploys its pre-release tag with its channel-scoped values, on its own lifecycle progress', async () => {
    const releases = await world.client.list(world.client.spacePath('releases'), releaseSchema, {
      project: 'shop',
    });
    const beta = releases.find((r) => r.version === '1.2.0-beta.1');
    assert.ok(beta);
    // Progress is per release: 2.0.0 reached Prod, this one has not reached Dev.
    const refused = await deploy(beta.id, 'Prod');
    assert.equal(refused.status, 409, refused.text);
    assert.match(errorSchema.parse(refused.json).message, /Phase "Development" is not complete/);

    await deployAndWait(beta.id, 'Dev');
    const dev = await world.describeService('shop', 'shop-dev');
    assert.equal(dev.images['app'], `${repository}:1.2.0-beta.1`);
    assert.equal(dev.environment['app']?.['COLOUR'], 'orange');
    assert.equal(dev.environment['app']?.['CHANNEL'], 'Beta');
    assert.equal(dev.tags['slipway:release'], '1.2.0-beta.1');
    // Prod keeps what it ran.
    assert.equal((await world.describeService('shop', 'shop-prod')).images['app'], `${repository}:2.0.0`);
  });
});
