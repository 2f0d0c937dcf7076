/**
 * A fixture for the release service and its routes: the API over a store (PGlite by default) with
 * the example resources, a fake feed (tags by image, calls counted), a default channel for stable
 * 1.x versions beside the example's 2.x Beta channel, and a lifecycle "Auto" whose second phase
 * deploys Prod automatically (channel "Fast"), and one whose first phase deploys Dev automatically
 * (channel "Straight", 3.5+ only).
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { tempDataDir } from '../helpers/postgres.js';
import { SlipwayError } from '../../src/core/errors.js';
import { RESOURCE_KINDS } from '../../src/core/model/kinds/index.js';
import type { Deployment } from '../../src/core/model/release.js';
import { DEFAULT_SPACE_ID } from '../../src/core/model/space.js';
import { buildServer } from '../../src/server/app.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { createExamples, SPACE_URL, type ApiUnderTest, type ResourceBody } from './server-resources.js';
import { apiKeysRepository, ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { deploymentsRepository } from '../../src/store/deployments.js';
import { environmentsRepository } from '../../src/store/environments.js';
import { resourcesRepository } from '../../src/store/resources.js';
import { testSecrets } from './secrets.js';
import type { Engine } from '../../src/jobs/engine.js';
import { releaseService, type AutomaticRefusal, type ReleaseService } from '../../src/releases/service.js';

/** The space of the fixture. */
export const SPACE = DEFAULT_SPACE_ID;
/** Who the fixture's changes are by. */
export const BY = { actor: 'tester' };
/** The example feed's tags for the image hello-color: stable 1.x, beta 2.x, and a non-version. */
export const HELLO_TAGS = ['1.0.0', '1.2.0', '1.3.0-rc.1', '2.0.0-beta.1', '2.1.0-beta.2', 'latest'];

/** The fixture. */
export interface ReleaseFixture {
  api: ApiUnderTest;
  service: ReleaseService;
  /** image → tags the fake feed answers (FEED_REPOSITORY_NOT_FOUND for others). */
  tags: Map<string, string[]>;
  /** `feedId image` of every tags request. */
  tagCalls: string[];
  /** Ids queued on the fake engine. */
  enqueued: string[];
  /** Automatic deployments the rules refused (the service's onAutomaticRefused). */
  refusals: AutomaticRefusal[];
  examples: Record<string, ResourceBody>;
  env: { Dev: string; Prod: string };
  /** Moves a deployment through executing to `state`. */
  finish(id: string, state?: 'success' | 'failed'): Promise<Deployment>;
  /** The API keys of the administrator and of alice (a deployer on web in Dev). */
  keys: { admin: string; alice: string };
  /** Calls the API with the key of `user` (default the administrator). */
  as(user: 'admin' | 'alice', options: Parameters<ApiUnderTest['call']>[0]): Promise<LightMyRequestResponse>;
}

/** Starts the fixture over `store` (default a fresh PGlite one). */
export async function startReleaseFixture(given?: Store): Promise<ReleaseFixture> {
  const dataDir = tempDataDir();
  const store = given ?? (await openStore({ dataDir }));
  const { key } = await ensureAdministrator(store, { dataDir });
  assert.ok(key);
  const secrets = testSecrets();
  const tags = new Map<string, string[]>([['hello-color', HELLO_TAGS]]);
  const tagCalls: string[] = [];
  const enqueued: string[] = [];
  const refusals: AutomaticRefusal[] = [];
  const engine: Engine = {
    async enqueue(ids) {
      enqueued.push(...ids);
    },
    async cancel(id) {
      await deploymentsRepository(store.db, secrets).transition(id, ['queued', 'executing'], 'canceled');
    },
    async waitFor() {},
    async stop() {},
  };
  const service = releaseService({
    store,
    secrets,
    engine,
    onAutomaticRefused: (refusal) => refusals.push(refusal),
    tags: async (feedId, image) => {
      tagCalls.push(`${feedId} ${image}`);
      const found = tags.get(image);
      if (!found) throw new SlipwayError('FEED_REPOSITORY_NOT_FOUND', `no repository ${image}`);
      return found;
    },
  });
  const deps: ServerDeps = { store, secrets, engine, releases: service };
  const app = buildServer(deps);
  await app.ready();
  const keys = { admin: key, alice: '' };
  const responses: LightMyRequestResponse[] = [];
  const as: ReleaseFixture['as'] = async (user, options) => {
    const res = await app.inject({
      ...options,
      headers: { ...options.headers, authorization: `Bearer ${keys[user]}` },
    });
    responses.push(res);
    return res;
  };
  const api: ApiUnderTest = {
    store,
    deps,
    app,
    responses,
    call: (options) => as('admin', options),
    async close() {
      await app.close();
      if (!given) await store.close();
    },
  };
  const examples = await createExamples(api);
  const users = apiKeysRepository(store.db);
  const alice = (
    await store.db.selectFrom('users').select('id').where('name', '=', 'alice').executeTakeFirstOrThrow()
  ).id;
  keys.alice = (await users.createApiKey(alice, { name: 'alice' }, BY)).key;

  // The default channel takes stable 1.x only; Beta (the example) takes 2.x pre-releases.
  const channels = resourcesRepository(store.db, secrets, RESOURCE_KINDS.channel);
  const defaultChannel = await channels.find(SPACE, 'Default', examples.project!.id);
  assert.ok(defaultChannel);
  await channels.replace(
    SPACE,
    defaultChannel.id,
    {
      name: 'Default',
      isDefault: true,
      rules: [
        { packages: [{ step: 'Deploy', package: 'web' }], versionRange: '[1.0,2.0)', preReleaseTag: '^$' },
      ],
    },
    defaultChannel.version,
    BY,
  );
  const post = async (url: string, payload: Record<string, unknown>) => {
    const res = await api.call({ method: 'POST', url: `${SPACE_URL}${url}`, payload });
    assert.equal(res.statusCode, 201, res.body);
  };
  await post('/lifecycles', {
    name: 'Auto',
    phases: [
      { name: 'Try', manualEnvironments: ['Dev'] },
      { name: 'Live', automaticEnvironments: ['Prod'] },
    ],
  });
  await post('/projects/web/channels', { name: 'Fast', lifecycle: 'Auto' });
  // A release on "Straight" goes to Dev as soon as it is created (3.x only, so other tests' choices hold).
  await post('/lifecycles', {
    name: 'Straight to Dev',
    phases: [
      { name: 'Dev', automaticEnvironments: ['Dev'] },
      { name: 'Live', manualEnvironments: ['Prod'] },
    ],
  });
  await post('/projects/web/channels', {
    name: 'Straight',
    lifecycle: 'Straight to Dev',
    rules: [{ packages: [{ step: 'Deploy', package: 'web' }], versionRange: '[3.5,4.0)' }],
  });

  const envs = environmentsRepository(store.db);
  const env = {
    Dev: (await envs.findByName(SPACE, 'Dev'))!.id,
    Prod: (await envs.findByName(SPACE, 'Prod'))!.id,
  };
  const deployments = deploymentsRepository(store.db, secrets);
  return {
    api,
    service,
    tags,
    tagCalls,
    enqueued,
    refusals,
    examples,
    env,
    async finish(id, state = 'success') {
      await deployments.transition(id, ['queued'], 'executing');
      const done = await deployments.transition(id, ['executing'], state);
      assert.ok(done, `deployment ${id} moved to ${state}`);
      return done;
    },
    as,
    keys,
  };
}
