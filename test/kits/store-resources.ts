/**
 * Test kinds for the store's generic tests (small schemas under the real kind names, so the tests
 * do not depend on the model's full schemas), and a fixture: a fresh store with environments Dev
 * and Prod, the user alice and repositories over the test kinds.
 */
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { Backend } from '../helpers/postgres.js';
import { SlipwayError } from '../../src/core/errors.js';
import { RESOURCE_KINDS } from '../../src/core/model/kinds/index.js';
import { nameSchema } from '../../src/core/model/parse.js';
import {
  defineKind,
  type RefTarget,
  type ResourceKindName,
  type ResourceRef,
} from '../../src/core/model/resource.js';
import { secretSchema } from '../../src/core/model/secret.js';
import { DEFAULT_SPACE_ID } from '../../src/core/model/space.js';
import { apiKeysRepository } from '../../src/store/api-keys.js';
import { environmentsRepository } from '../../src/store/environments.js';
import type { KindRegistry } from '../../src/store/resource-refs.js';
import { resourcesRepository } from '../../src/store/resources.js';
import { testSecrets } from './secrets.js';
import { variablesRepository } from '../../src/store/variables.js';

/** The space every fixture works in. */
export const SPACE = DEFAULT_SPACE_ID;
/** The actor of the fixture's changes. */
export const ACTOR = { actor: 'alice', sourceIp: '10.0.0.7' };

const refs = z.array(z.string().min(1)).default([]);
const templates = z
  .array(z.strictObject({ name: nameSchema('name'), type: z.enum(['text', 'sensitive']).default('text') }))
  .default([]);

function list(path: (string | number)[], target: RefTarget, values: readonly string[]): ResourceRef[] {
  return values.map((value, i) => ({ path: [...path, i], target, value }));
}

const lifecycle = defineKind({
  name: 'lifecycle',
  label: 'lifecycle',
  plural: 'lifecycles',
  idPrefix: 'Lifecycles',
  schema: z.strictObject({
    name: nameSchema('name'),
    phases: z
      .array(z.strictObject({ name: z.string(), automaticEnvironments: refs, manualEnvironments: refs }))
      .default([]),
  }),
  secretFields: [],
  refs: (doc) =>
    doc.phases.flatMap((p, i) => [
      ...list(['phases', i, 'automaticEnvironments'], 'environment', p.automaticEnvironments),
      ...list(['phases', i, 'manualEnvironments'], 'environment', p.manualEnvironments),
    ]),
  applyOrder: 2,
});

const project = defineKind({
  name: 'project',
  label: 'project',
  plural: 'projects',
  idPrefix: 'Projects',
  hasVariables: true,
  schema: z.strictObject({ name: nameSchema('name'), lifecycle: z.string(), librarySets: refs, templates }),
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    { path: ['lifecycle'], target: 'lifecycle', value: doc.lifecycle },
    ...list(['librarySets'], 'library-set', doc.librarySets),
  ],
  listFilters: { lifecycle: (value) => ({ lifecycle: value }) },
  applyOrder: 4,
});

const channel = defineKind({
  name: 'channel',
  label: 'channel',
  plural: 'channels',
  idPrefix: 'Channels',
  parent: 'project',
  schema: z.strictObject({
    name: nameSchema('name'),
    isDefault: z.boolean().default(false),
    lifecycle: z.string().optional(),
    tenantTags: refs,
  }),
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    ...(doc.lifecycle === undefined
      ? []
      : [{ path: ['lifecycle'], target: 'lifecycle' as const, value: doc.lifecycle }]),
    ...list(['tenantTags'], 'tag', doc.tenantTags),
  ],
  applyOrder: 5,
});

const process = defineKind({
  name: 'process',
  label: 'deployment process',
  plural: 'process',
  idPrefix: 'Processes',
  parent: 'project',
  singleton: true,
  schema: z.strictObject({
    steps: z.array(z.strictObject({ name: z.string(), environments: refs, channels: refs })).default([]),
  }),
  secretFields: [],
  refs: (doc) =>
    doc.steps.flatMap((s, i) => [
      ...list(['steps', i, 'environments'], 'environment', s.environments),
      ...list(['steps', i, 'channels'], 'channel', s.channels),
    ]),
  applyOrder: 6,
});

const tenant = defineKind({
  name: 'tenant',
  label: 'tenant',
  plural: 'tenants',
  idPrefix: 'Tenants',
  hasVariables: true,
  schema: z.strictObject({
    name: nameSchema('name'),
    tags: refs,
    projects: z.array(z.strictObject({ project: z.string(), environments: refs })).default([]),
  }),
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    ...list(['tags'], 'tag', doc.tags),
    ...doc.projects.flatMap((p, i): ResourceRef[] => [
      { path: ['projects', i, 'project'], target: 'project', value: p.project },
      ...list(['projects', i, 'environments'], 'environment', p.environments),
    ]),
  ],
  listFilters: { tag: (value) => ({ tags: [value] }) },
  applyOrder: 6,
});

const librarySet = defineKind({
  name: 'library-set',
  label: 'library variable set',
  plural: 'library-sets',
  idPrefix: 'LibrarySets',
  hasVariables: true,
  schema: z.strictObject({ name: nameSchema('name'), templates }),
  secretFields: [],
  refs: () => [],
  applyOrder: 2,
});

const awsAccount = defineKind({
  name: 'aws-account',
  label: 'AWS account',
  plural: 'aws-accounts',
  idPrefix: 'AwsAccounts',
  schema: z.strictObject({
    name: nameSchema('name'),
    secretAccessKey: secretSchema('secretAccessKey').optional(),
    tokens: z.array(z.strictObject({ name: z.string(), token: secretSchema('token') })).default([]),
  }),
  secretFields: [['secretAccessKey'], ['tokens', '*', 'token']],
  refs: () => [],
  applyOrder: 2,
});

const ecsTarget = defineKind({
  name: 'ecs-target',
  label: 'ECS cluster target',
  plural: 'ecs-targets',
  idPrefix: 'EcsTargets',
  schema: z.strictObject({ name: nameSchema('name'), environments: refs, tenants: refs }),
  secretFields: [],
  refs: (doc) => [
    ...list(['environments'], 'environment', doc.environments),
    ...list(['tenants'], 'tenant', doc.tenants),
  ],
  applyOrder: 7,
});

const team = defineKind({
  name: 'team',
  label: 'team',
  plural: 'teams',
  idPrefix: 'Teams',
  schema: z.strictObject({ name: nameSchema('name'), members: refs }),
  secretFields: [],
  refs: (doc) => list(['members'], 'user', doc.members),
  applyOrder: 8,
});

/** The test kinds; tag-set and feed are the real ones. */
export const TEST_KINDS: KindRegistry = {
  ...RESOURCE_KINDS,
  lifecycle,
  project,
  channel,
  process,
  tenant,
  'library-set': librarySet,
  'aws-account': awsAccount,
  'ecs-target': ecsTarget,
  team,
};

/** A store with Dev, Prod and alice, and repositories over `kinds`. */
export async function openModel(backend: Backend, kinds: KindRegistry = TEST_KINDS) {
  const store = await backend.open();
  const secrets = testSecrets();
  const envs = environmentsRepository(store.db);
  const dev = await envs.create(SPACE, { name: 'Dev' }, ACTOR);
  const prod = await envs.create(SPACE, { name: 'Prod' }, ACTOR);
  const alice = await apiKeysRepository(store.db).createUser({ name: 'alice' }, ACTOR);
  const count = async (
    table: 'audit_events' | 'resources' | 'resource_refs' | 'resource_secrets' | 'variables',
  ) =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    store,
    secrets,
    kinds,
    envs,
    dev,
    prod,
    alice,
    count,
    /** The repository of `name` over the fixture's kinds. */
    repo: (name: ResourceKindName) => resourcesRepository(store.db, secrets, kinds[name], { kinds }),
    variables: variablesRepository(store.db, secrets, { kinds }),
  };
}

/** The fixture's type. */
export type Model = Awaited<ReturnType<typeof openModel>>;

/** An assert.rejects check: a SlipwayError with this code (and a message matching `pattern`). */
export function code(expected: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, expected, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}
