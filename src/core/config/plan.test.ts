import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXAMPLES } from '../../../test/kits/model-examples.js';
import { RESOURCE_KINDS } from '../model/kinds/index.js';
import { dropDefaults, exportEnvironment, exportResource } from './export-doc.js';
import { NameIndex } from './names.js';
import { environmentChanges, PendingNames, summarise, type PlanEntry } from './plan.js';
import { renderApplyResult, renderEntry, renderPlan } from './render-plan.js';
import { SecretNames } from './secrets.js';

function entry(e: Partial<PlanEntry>): PlanEntry {
  return {
    action: 'create',
    kind: 'project',
    what: 'project',
    name: 'web',
    path: 'projects[0]',
    changedFields: [],
    ...e,
  };
}

describe('the plan', () => {
  it('compares environments field by field; sortOrder only when the file gives it', () => {
    const current = { name: 'Dev', description: '', sortOrder: 3, guidedFailure: false };
    assert.deepEqual(environmentChanges({ name: 'Dev', description: '', guidedFailure: false }, current), {
      fields: [],
      patch: {},
    });
    assert.deepEqual(
      environmentChanges({ name: 'dev', description: 'x', sortOrder: 1, guidedFailure: true }, current),
      {
        fields: ['name', 'description', 'sortOrder', 'guidedFailure'],
        patch: { name: 'dev', description: 'x', sortOrder: 1, guidedFailure: true },
      },
    );
  });

  it('knows what it creates, channels per project', () => {
    const p = new PendingNames();
    p.add('lifecycle', 'Standard');
    p.add('channel', 'Beta', 'web');
    assert.ok(p.has('lifecycle', 'standard'));
    assert.ok(p.has('channel', 'beta', 'WEB'));
    assert.ok(!p.has('channel', 'Beta', 'api'));
    assert.ok(!p.has('feed', 'Standard'));
  });

  it('renders one line per entity and a summary', () => {
    const entries = [
      entry({}),
      entry({
        action: 'update',
        kind: 'lifecycle',
        what: 'lifecycle',
        name: 'Standard',
        changedFields: ['phases'],
      }),
      entry({ action: 'unchanged', kind: 'feed', what: 'feed', name: 'Hub' }),
      entry({
        action: 'update',
        kind: 'process',
        what: 'deployment process',
        name: undefined,
        owner: 'project "web"',
        changedFields: ['steps'],
      }),
      entry({
        action: 'update',
        kind: 'variables',
        what: 'variables',
        name: undefined,
        owner: 'project "web"',
        counts: { added: 1, updated: 2, removed: 0 },
      }),
      entry({
        action: 'create',
        kind: 'variables',
        what: 'variables',
        name: undefined,
        owner: 'project "api"',
        counts: { added: 1, updated: 0, removed: 0 },
      }),
      entry({
        action: 'update',
        kind: 'channel',
        what: 'channel',
        name: 'Beta',
        owner: 'project "web"',
        changedFields: ['lifecycle'],
        note: 'refers to lifecycle "Fast", created by this apply',
      }),
    ];
    assert.deepEqual(entries.map(renderEntry), [
      '+ create project "web"',
      '~ update lifecycle "Standard" (phases)',
      '= unchanged feed "Hub"',
      '~ update deployment process of project "web" (steps)',
      '~ update variables of project "web" (1 added, 2 changed, 0 removed)',
      '+ create variables of project "api" (1 variable)',
      '~ update channel "Beta" of project "web" (lifecycle; refers to lifecycle "Fast", created by this apply)',
    ]);
    assert.deepEqual(summarise(entries), { create: 2, update: 4, unchanged: 1 });
    const text = renderPlan(entries, { space: 'Default', server: 'http://127.0.0.1:4600' });
    assert.match(
      text,
      /^Plan for space "Default" at http:\/\/127\.0\.0\.1:4600:\n {2}\+ create project "web"\n/,
    );
    assert.match(text, /\nPlan: 2 to create, 4 to update, 1 unchanged\.\n$/);
  });

  it('says what was applied, or where it stopped and that the rest before it stays', () => {
    const ok = [entry({ outcome: 'applied' }), entry({ action: 'unchanged', outcome: 'unchanged' })];
    assert.equal(renderApplyResult(ok), 'Applied: 1 created, 0 updated, 1 unchanged.\n');
    const failed = [
      entry({ outcome: 'applied' }),
      entry({
        action: 'update',
        name: 'api',
        path: 'projects[1]',
        outcome: 'failed',
        error: { code: 'CONFLICT', message: 'changed meanwhile' },
      }),
      entry({ name: 'x', outcome: 'not-applied' }),
    ];
    const text = renderApplyResult(failed);
    assert.match(text, /^Failed to update project "api" \(projects\[1\]\): changed meanwhile\n/);
    assert.match(
      text,
      /1 change before it stayed applied \(1 created, 0 updated\); 1 change after it was not applied/,
    );
  });
});

describe('export documents', () => {
  it('drops fields that equal their default, at any depth, and orders keys as the schema does', () => {
    const schema = RESOURCE_KINDS['tag-set'].schema;
    const full = schema.parse(EXAMPLES['tag-set']) as Record<string, unknown>;
    const shuffled = { tags: full.tags, description: '', name: 'Tier' };
    assert.deepEqual(dropDefaults(schema, shuffled), EXAMPLES['tag-set']);
    assert.deepEqual(Object.keys(dropDefaults(schema, shuffled)), ['name', 'tags']);
  });

  it('writes a resource read from the API with names and { env } secrets, without server fields', () => {
    const index = new NameIndex();
    index.add('aws-account', 'AwsAccounts-1', 'Prod account');
    const item = {
      id: 'Feeds-1',
      spaceId: 'Spaces-1',
      name: 'Registry',
      version: 3,
      createdAt: 'x',
      updatedAt: 'y',
      type: 'docker',
      url: 'https://registry.example.com',
      username: 'ci',
      password: { set: true },
    };
    const names = new SecretNames();
    assert.deepEqual(exportResource(RESOURCE_KINDS.feed, item, index, names, 'Registry'), {
      name: 'Registry',
      type: 'docker',
      url: 'https://registry.example.com',
      username: 'ci',
      password: { env: 'SLIPWAY_SECRET_FEED_REGISTRY_PASSWORD' },
    });
    const ecr = {
      id: 'Feeds-2',
      name: 'ECR',
      version: 1,
      type: 'ecr',
      region: 'us-east-1',
      awsAccount: 'AwsAccounts-1',
    };
    assert.deepEqual(exportResource(RESOURCE_KINDS.feed, ecr, index, names, 'ECR'), {
      name: 'ECR',
      type: 'ecr',
      region: 'us-east-1',
      awsAccount: 'Prod account',
    });
    const process = {
      id: 'Processes-1',
      name: 'Deployment process',
      projectId: 'Projects-1',
      version: 1,
      steps: [],
    };
    assert.deepEqual(exportResource(RESOURCE_KINDS.process, process, index, names, 'web'), {});
  });

  it('writes environments with only what differs from the defaults', () => {
    assert.deepEqual(
      exportEnvironment({ name: 'Dev', description: '', sortOrder: 0, guidedFailure: false }),
      {
        name: 'Dev',
        sortOrder: 0,
      },
    );
  });
});
