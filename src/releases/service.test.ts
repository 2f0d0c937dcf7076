/** The release service on a real store (PGlite and PostgreSQL) with the example resources and a fake feed. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { isSlipwayError } from '../core/errors.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { deploymentsRepository } from '../store/deployments.js';
import { resourcesRepository } from '../store/resources.js';
import { variablesRepository } from '../store/variables.js';
import { dashboardItems } from '../store/dashboard.js';
import { AUTOMATIC_ACTOR, describeAutomaticRefusal } from './automatic.js';
import { BY, HELLO_TAGS, SPACE, startReleaseFixture, type ReleaseFixture } from '../../test/kits/releases.js';

/** Asserts that `p` rejects with `code` and a message matching `pattern`. */
async function rejects(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isSlipwayError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return e.message;
  }
  assert.fail(`expected ${code}`);
}

forEachBackend('release service', (backend) => {
  let f: ReleaseFixture;
  before(async () => {
    f = await startReleaseFixture(await backend.open());
  });
  after(async () => {
    await f.api.close();
  });

  describe('creating releases', () => {
    it('picks the newest stable 1.x tag on the default channel and the newest 2.x beta on Beta', async () => {
      const stable = await f.service.createRelease(SPACE, { project: 'web', version: '1.0.0' }, BY);
      assert.deepEqual(
        stable.packages.map((p) => [p.step, p.package, p.image, p.version]),
        [['Deploy', 'web', 'hello-color', '1.2.0']],
      );
      const beta = await f.service.createRelease(
        SPACE,
        { project: 'web', version: '2.0.0', channel: 'Beta' },
        BY,
      );
      assert.equal(beta.packages[0]?.version, '2.1.0-beta.2');
      assert.notEqual(beta.channelId, stable.channelId);
      assert.equal(stable.packages[0]?.feedId, f.examples.feed!.id);
    });

    it('takes explicit package versions without asking the feed, and chooses the channel they fit', async () => {
      const calls = f.tagCalls.length;
      const r = await f.service.createRelease(
        SPACE,
        { project: 'web', version: '1.4.2', packages: ['web:1.3.0'] },
        BY,
      );
      assert.equal(r.packages[0]?.version, '1.3.0');
      assert.equal(f.tagCalls.length, calls, 'no feed call for an explicit version');
      const explicit = [{ step: 'Deploy', package: 'web', version: '2.5.0-beta.1' }];
      // The default channel refuses 2.x; Beta and Fast (no rules) both accept it: the caller must choose.
      await rejects(
        f.service.createRelease(SPACE, { project: 'web', version: '2.0.1', packages: explicit }, BY),
        'INVALID_INPUT',
        /Beta, Fast/,
      );
      const beta = await f.service.createRelease(
        SPACE,
        { project: 'web', version: '2.0.1', channel: 'beta', packages: explicit },
        BY,
      );
      assert.equal(beta.packages[0]?.version, '2.5.0-beta.1');
      const channels = resourcesRepository(f.api.store.db, f.api.deps.secrets, RESOURCE_KINDS.channel);
      assert.equal((await channels.get(SPACE, beta.channelId)).name, 'Beta');
    });

    it('refuses an explicit version outside the named channel’s rules, and a taken version', async () => {
      await rejects(
        f.service.createRelease(
          SPACE,
          { project: 'web', version: '1.9.9', channel: 'Default', packages: ['web:2.0.0'] },
          BY,
        ),
        'INVALID_INPUT',
      );
      await rejects(
        f.service.createRelease(SPACE, { project: 'web', version: '1.0.0' }, BY),
        'ALREADY_EXISTS',
      );
    });

    it('names the feed when it cannot be read', async () => {
      f.tags.delete('hello-color');
      try {
        await rejects(
          f.service.createRelease(SPACE, { project: 'web', version: '1.0.99' }, BY),
          'FEED_REPOSITORY_NOT_FOUND',
          /image "hello-color" in feed "Hub": no repository hello-color/,
        );
      } finally {
        f.tags.set('hello-color', HELLO_TAGS);
      }
    });

    it('computes the version from the project’s template when none is given', async () => {
      const a = await f.service.createRelease(
        SPACE,
        { project: 'web', channel: 'Fast', packageVersion: '1.0.0' },
        BY,
      );
      const b = await f.service.createRelease(
        SPACE,
        { project: 'web', channel: 'Fast', packageVersion: '1.0.0' },
        BY,
      );
      assert.match(a.version, /^\d+\.\d+\.\d+$/);
      assert.notEqual(a.version, b.version);
    });

    it('applies the lifecycle’s retention after a release, never removing one deployed somewhere', async () => {
      const post = async (url: string, payload: Record<string, unknown>) => {
        const res = await f.api.call({ method: 'POST', url: `/api/spaces/Default${url}`, payload });
        assert.equal(res.statusCode, 201, res.body);
      };
      await post('/lifecycles', { name: 'Short', retention: { keep: 'count', count: 2 } });
      await post('/projects/web/channels', { name: 'Kept', lifecycle: 'Short' });
      const make = (version: string) =>
        f.service.createRelease(
          SPACE,
          { project: 'web', channel: 'Kept', version, packageVersion: '1.0.0' },
          BY,
        );
      await make('0.0.1');
      const second = await make('0.0.2');
      await f.service.deploy(SPACE, { release: second.id, environment: 'Dev' }, BY);
      await make('0.0.3');
      await make('0.0.4');
      const left = await Promise.all(
        ['0.0.1', '0.0.2', '0.0.3', '0.0.4'].map(
          async (v) =>
            await f.service
              .releaseByVersion(SPACE, 'web', v)
              .then(() => v)
              .catch(() => undefined),
        ),
      );
      assert.deepEqual(left.filter(Boolean), ['0.0.2', '0.0.3', '0.0.4']);
    });

    it('validates its input, naming the field', async () => {
      await rejects(
        f.service.createRelease(SPACE, { project: 'web', colour: 1 }, BY),
        'INVALID_INPUT',
        /colour/,
      );
      await rejects(f.service.createRelease(SPACE, { project: 'nope' }, BY), 'NOT_FOUND', /nope/);
    });
  });

  describe('deploying', () => {
    it('refuses Prod before Dev succeeded, allows it after, and always allows a redeploy', async () => {
      const r = await f.service.createRelease(SPACE, { project: 'web', version: '1.5.0' }, BY);
      const message = await rejects(
        f.service.deploy(SPACE, { release: r.id, environment: 'Prod' }, BY),
        'LIFECYCLE_REFUSED',
        /^Prod is not allowed yet for release 1\.5\.0: .*Development/,
      );
      assert.match(message, /Dev/);
      const [dev] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      assert.ok(dev);
      assert.equal(dev.state, 'queued');
      assert.equal(dev.environmentId, f.env.Dev);
      assert.equal(dev.tenantId, undefined);
      assert.ok(f.enqueued.includes(dev.id), 'queued on the engine');
      await rejects(f.service.deploy(SPACE, { release: r.id, environment: 'Prod' }, BY), 'LIFECYCLE_REFUSED');
      await f.finish(dev.id);
      const [prod] = await f.service.deploy(
        SPACE,
        { release: r.id, environment: 'Prod', comments: 'go' },
        BY,
      );
      assert.equal(prod?.environmentId, f.env.Prod);
      assert.equal(prod?.comments, 'go');
      const again = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev', force: true }, BY);
      assert.equal(again.length, 1);
      const decision = await f.service.progression(SPACE, r.id);
      assert.ok(decision.allowed.includes(f.env.Prod));
    });

    it('says a release must be an id, and refuses unknown steps to skip', async () => {
      await rejects(
        f.service.deploy(SPACE, { release: '1.5.0', environment: 'Dev' }, BY),
        'INVALID_INPUT',
        /release id/,
      );
      const r = await f.service.releaseByVersion(SPACE, 'web', '1.5.0');
      await rejects(
        f.service.deploy(SPACE, { release: r.id, environment: 'Dev', skipSteps: ['Nope'] }, BY),
        'INVALID_INPUT',
        /skipSteps.*Nope/,
      );
    });

    it('deploys to tenants by name, by * and by tag, each with its own lifecycle progress', async () => {
      const r = await f.service.createRelease(SPACE, { project: 'web', version: '1.6.0' }, BY);
      const byName = await f.service.deploy(
        SPACE,
        { release: r.id, environment: 'Dev', tenants: ['acme'] },
        BY,
      );
      assert.deepEqual(
        byName.map((d) => d.tenantId),
        [f.examples.tenant!.id],
      );
      const byStar = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev', tenants: ['*'] }, BY);
      assert.equal(byStar.length, 1);
      const byTag = await f.service.deploy(
        SPACE,
        { release: r.id, environment: 'Dev', tenantTags: ['Tier/Gold'] },
        BY,
      );
      assert.equal(byTag[0]?.tenantId, f.examples.tenant!.id);
      await rejects(
        f.service.deploy(SPACE, { release: r.id, environment: 'Dev', tenantTags: ['Tier/Silver'] }, BY),
        'INVALID_INPUT',
      );
      // Untenanted Dev succeeding does not open Prod for Acme.
      const [untenanted] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      await f.finish(untenanted!.id);
      await rejects(
        f.service.deploy(SPACE, { release: r.id, environment: 'Prod', tenants: ['Acme'] }, BY),
        'LIFECYCLE_REFUSED',
        /tenant "Acme"/,
      );
      await f.finish(byName[0]!.id);
      const prod = await f.service.deploy(
        SPACE,
        { release: r.id, environment: 'Prod', tenants: ['Acme'] },
        BY,
      );
      assert.equal(prod[0]?.tenantId, f.examples.tenant!.id);
    });

    it('requires the release’s required prompted variables', async () => {
      const variables = variablesRepository(f.api.store.db, f.api.deps.secrets);
      const current = await variables.list(SPACE, f.examples.project!.id);
      await variables.replace(
        SPACE,
        f.examples.project!.id,
        [
          {
            name: 'Approver',
            value: '',
            prompt: { label: 'Who approves', required: true, control: 'single-line' },
          },
        ],
        current.variablesVersion,
        BY,
      );
      const r = await f.service.createRelease(SPACE, { project: 'web', version: '1.7.0' }, BY);
      await rejects(
        f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY),
        'INVALID_INPUT',
        /prompted\.Approver/,
      );
      const [d] = await f.service.deploy(
        SPACE,
        { release: r.id, environment: 'Dev', prompted: { Approver: 'bob' } },
        BY,
      );
      assert.deepEqual(d?.promptedNames, ['Approver']);
      const after = await variables.list(SPACE, f.examples.project!.id);
      await variables.replace(SPACE, f.examples.project!.id, [], after.variablesVersion, BY);
    });

    it('uses the environment’s or project’s guided failure unless the request says', async () => {
      const r = await f.service.createRelease(SPACE, { project: 'web', version: '1.8.0' }, BY);
      const [plain] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      assert.equal(plain?.guidedFailure, false);
      const [guided] = await f.service.deploy(
        SPACE,
        { release: r.id, environment: 'Dev', guidedFailure: true },
        BY,
      );
      assert.equal(guided?.guidedFailure, true);
    });
  });

  describe('after a deployment, promotion and the dashboard', () => {
    it('deploys automatically into the next phase’s automatic environments after a success only', async () => {
      const r = await f.service.createRelease(
        SPACE,
        { project: 'web', version: '3.0.0', channel: 'Fast', packageVersion: '3.0.0' },
        BY,
      );
      const [failed] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      await f.finish(failed!.id, 'failed');
      assert.deepEqual(await f.service.afterDeployment(failed!.id), []);
      const [dev] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      await f.finish(dev!.id);
      const auto = await f.service.afterDeployment(dev!.id);
      assert.equal(auto.length, 1);
      assert.equal(auto[0]?.environmentId, f.env.Prod);
      assert.equal(auto[0]?.createdBy, AUTOMATIC_ACTOR.actor);
      assert.ok(f.enqueued.includes(auto[0]!.id));
      // Prod has been attempted now: a second success does not deploy it again.
      const [redo] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      await f.finish(redo!.id);
      assert.deepEqual(await f.service.afterDeployment(redo!.id), []);
    });

    it('deploys a new release into the first phase’s automatic environments, untenanted and for every connected tenant', async () => {
      const before = f.enqueued.length;
      const r = await f.service.createRelease(
        SPACE,
        { project: 'web', version: '3.5.0', channel: 'Straight', packageVersion: '3.5.0' },
        BY,
      );
      const made = (
        await deploymentsRepository(f.api.store.db, f.api.deps.secrets).list(
          SPACE,
          { limit: 50 },
          { releaseId: r.id },
        )
      ).items;
      // The example project deploys both ways; the example tenant is connected to Dev.
      assert.deepEqual(
        made.map((d) => [d.environmentId, d.tenantId ?? 'untenanted', d.createdBy]).sort(),
        [
          [f.env.Dev, f.examples.tenant!.id, AUTOMATIC_ACTOR.actor],
          [f.env.Dev, 'untenanted', AUTOMATIC_ACTOR.actor],
        ].sort(),
      );
      assert.deepEqual(f.enqueued.slice(before).sort(), made.map((d) => d.id).sort());
      // A release on a lifecycle without automatic environments in its first phase waits for a person.
      const manual = await f.service.createRelease(
        SPACE,
        { project: 'web', version: '3.0.9', channel: 'Fast', packageVersion: '3.0.9' },
        BY,
      );
      const none = await deploymentsRepository(f.api.store.db, f.api.deps.secrets).list(
        SPACE,
        { limit: 50 },
        { releaseId: manual.id },
      );
      assert.deepEqual(none.items, []);
    });

    it('tells the host of an automatic deployment the rules refused, and deploys nothing there', async () => {
      const variables = variablesRepository(f.api.store.db, f.api.deps.secrets);
      const current = await variables.list(SPACE, f.examples.project!.id);
      await variables.replace(
        SPACE,
        f.examples.project!.id,
        [{ name: 'Approver', value: '', prompt: { label: 'Who', required: true, control: 'single-line' } }],
        current.variablesVersion,
        BY,
      );
      try {
        const before = f.refusals.length;
        const r = await f.service.createRelease(
          SPACE,
          { project: 'web', version: '3.6.0', channel: 'Straight', packageVersion: '3.6.0' },
          BY,
        );
        const made = await deploymentsRepository(f.api.store.db, f.api.deps.secrets).list(
          SPACE,
          { limit: 50 },
          { releaseId: r.id },
        );
        assert.deepEqual(made.items, []);
        // Untenanted and for every tenant: both refused for the missing prompted value.
        const refused = f.refusals.slice(before);
        assert.equal(refused.length, 2);
        for (const refusal of refused) {
          assert.equal(refusal.environmentId, f.env.Dev);
          assert.equal(refusal.error.code, 'INVALID_INPUT');
          assert.match(
            describeAutomaticRefusal(refusal),
            new RegExp(
              `^no automatic deployment of release 3\\.6\\.0 \\(${r.id}\\) to Dev: .*prompted\\.Approver`,
            ),
          );
        }
      } finally {
        const after = await variables.list(SPACE, f.examples.project!.id);
        await variables.replace(SPACE, f.examples.project!.id, [], after.variablesVersion, BY);
      }
    });

    it('promotes the release last successful in Dev to Prod', async () => {
      const r = await f.service.createRelease(SPACE, { project: 'web', version: '1.9.0' }, BY);
      const [dev] = await f.service.deploy(SPACE, { release: r.id, environment: 'Dev' }, BY);
      await f.finish(dev!.id);
      const promoted = await f.service.promote(SPACE, { project: 'web', from: 'Dev', to: 'Prod' }, BY);
      assert.equal(promoted.length, 1);
      assert.equal(promoted[0]?.releaseId, r.id);
      assert.equal(promoted[0]?.environmentId, f.env.Prod);
      const tenanted = await f.service.promote(
        SPACE,
        { project: 'web', from: 'Dev', to: 'Prod', tenants: ['Acme'] },
        BY,
      );
      assert.equal(tenanted[0]?.tenantId, f.examples.tenant!.id);
      await rejects(
        f.service.promote(SPACE, { project: 'web', from: 'Prod', to: 'Dev', tenants: ['Acme'] }, BY),
        'INVALID_INPUT',
        /Acme/,
      );
    });

    it('shows the latest deployment per project × environment × tenant with its release version', async () => {
      const items = await dashboardItems(f.api.store.db, SPACE);
      const devUntenanted = items.find((i) => i.environmentId === f.env.Dev && i.tenantId === undefined);
      assert.ok(devUntenanted);
      const latest = (
        await deploymentsRepository(f.api.store.db, f.api.deps.secrets).list(
          SPACE,
          { limit: 500 },
          { environmentId: f.env.Dev },
        )
      ).items.find((d) => d.tenantId === undefined);
      assert.equal(devUntenanted.deploymentId, latest?.id);
      assert.ok(items.some((i) => i.tenantId === f.examples.tenant!.id));
      assert.match(devUntenanted.releaseVersion, /^\d/);
      assert.deepEqual(await dashboardItems(f.api.store.db, SPACE, new Set()), []);
      assert.deepEqual(await dashboardItems(f.api.store.db, SPACE, new Set(['Projects-none'])), []);
    });
  });
});
