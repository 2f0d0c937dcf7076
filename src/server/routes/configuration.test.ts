/**
 * Configuration as code through the API (the web UI's export, preview and apply): the export is
 * `slipway export`'s (secrets as `{ env }` references, never values); an edited file's plan names
 * the change; apply applies exactly the previewed plan (412 when the space moved on), keeps stored
 * secrets the request gives no value for, and is audited as the caller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, SPACE_URL, type ApiUnderTest } from '../../../test/kits/server-resources.js';

interface PlanBody {
  planId: string;
  entries: {
    action: string;
    kind: string;
    name?: string;
    changedFields: string[];
    line: string;
    outcome?: string;
  }[];
  summary: { create: number; update: number; unchanged: number };
  secrets: { name: string; path: string }[];
  text: string;
}

describe('configuration as code over the API', () => {
  let api: ApiUnderTest;
  let exported = '';
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  before(async () => {
    api = await startApi();
    for (const [url, payload] of [
      [`${SPACE_URL}/environments`, { name: 'Dev', description: 'first' }],
      [`${SPACE_URL}/environments`, { name: 'Prod' }],
      [
        `${SPACE_URL}/aws-accounts`,
        { name: 'Main', mode: 'keys', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
      ],
    ] as const) {
      const res = await api.call({ method: 'POST', url, payload });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(async () => {
    await api?.close();
  });

  it('exports the space as slipway export writes it, secrets as references only', async () => {
    const res = await api.call({ method: 'GET', url: `${SPACE_URL}/configuration` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ text: string; secrets: string[]; summary: string; format: string }>();
    assert.equal(body.format, 'yaml');
    assert.match(body.text, /^# Space "Default" exported from /);
    assert.match(body.text, /apiVersion: slipway\/v1/);
    assert.match(body.text, /- name: Dev\n\s+description: first/);
    assert.match(body.text, /secretAccessKey: \{env: SLIPWAY_SECRET_/);
    assert.ok(!body.text.includes(SECRET), 'the export never holds a secret value');
    assert.equal(body.secrets.length, 1);
    assert.match(body.summary, /2 environments, 1 awsAccounts/);
    exported = body.text;
    const json = await api.call({ method: 'GET', url: `${SPACE_URL}/configuration?format=json` });
    assert.equal(json.json<{ text: string }>().text.startsWith('{'), true);
    const bad = await api.call({ method: 'GET', url: `${SPACE_URL}/configuration?format=xml` });
    assert.equal(bad.statusCode, 400);
  });

  it('plans the unchanged export as all unchanged, keeping the stored secret without its value', async () => {
    const res = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/plan`,
      payload: { text: exported },
    });
    assert.equal(res.statusCode, 200, res.body);
    const plan = res.json<PlanBody>();
    assert.deepEqual(plan.summary, { create: 0, update: 0, unchanged: 3 });
    assert.equal(plan.secrets.length, 1);
    assert.match(plan.secrets[0]!.path, /^awsAccounts\[0\]\.secretAccessKey$/);
  });

  it('previews an edited file, applies exactly that plan, and audits it as the caller', async () => {
    const edited = exported.replace('description: first', 'description: edited in the UI');
    const withNew = edited.replace('environments:\n', 'environments:\n  - name: Test\n');
    const res = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/plan`,
      payload: { text: withNew },
    });
    assert.equal(res.statusCode, 200, res.body);
    const plan = res.json<PlanBody>();
    const dev = plan.entries.find((e) => e.name === 'Dev');
    assert.equal(dev?.action, 'update');
    assert.deepEqual(dev?.changedFields, ['description']);
    assert.equal(dev?.line, '~ update environment "Dev" (description)');
    assert.equal(plan.entries.find((e) => e.name === 'Test')?.action, 'create');
    assert.match(plan.text, /\+ create environment "Test"/);

    const applied = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/apply`,
      payload: { text: withNew, planId: plan.planId },
    });
    assert.equal(applied.statusCode, 200, applied.body);
    const result = applied.json<PlanBody & { ok: boolean; result: string }>();
    assert.equal(result.ok, true);
    assert.equal(result.entries.find((e) => e.name === 'Dev')?.outcome, 'applied');
    const env = await api.call({ method: 'GET', url: `${SPACE_URL}/environments?name=Dev` });
    assert.equal(env.json<{ items: { description: string }[] }>().items[0]?.description, 'edited in the UI');
    const audit = await api.call({
      method: 'GET',
      url: `${SPACE_URL}/audit-events?entityType=environment&action=update`,
    });
    assert.equal(audit.json<{ items: { actor: string }[] }>().items[0]?.actor, 'admin');

    // The same plan again is stale now: the space moved on.
    const stale = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/apply`,
      payload: { text: exported, planId: plan.planId },
    });
    assert.equal(stale.statusCode, 412, stale.body);
    assert.match(stale.json<{ message: string }>().message, /preview again/);
  });

  it('refuses a file for another space, a file that is not valid, and an empty one, naming the place', async () => {
    const other = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/plan`,
      payload: { text: 'apiVersion: slipway/v1\nspace: Elsewhere\n' },
    });
    assert.equal(other.statusCode, 400, other.body);
    assert.match(other.json<{ message: string }>().message, /for space "Elsewhere"/);
    const invalid = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/plan`,
      payload: { text: 'apiVersion: slipway/v1\nspace: Default\nenvironments:\n  - description: no name\n' },
    });
    assert.equal(invalid.statusCode, 400, invalid.body);
    assert.match(invalid.json<{ message: string }>().message, /environments\[0\]/);
    const empty = await api.call({
      method: 'POST',
      url: `${SPACE_URL}/configuration/plan`,
      payload: { text: '' },
    });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(empty.json<{ details: { issues: string[] } }>().details.issues, [
      'file.text: text must not be empty: paste or upload a configuration file',
    ]);
  });
});
