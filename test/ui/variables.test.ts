/**
 * The variables pages in Chromium against a whole Slipway with the demo's space: hello-color's
 * Message given a value for Dev and another for Prod in the grid and saved; the preview answering
 * each environment's value and why; a sensitive variable never shown again after saving (page and
 * API say only "set"); a validation error shown on the field it names; the next deployment to Dev
 * carrying the Dev value into the ECS service's environment; a library variable set's grid; Acme's
 * tenant variables; a viewer's read-only grid; accessibility on every page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_PROJECT, seedDemoSpace } from './demo-space.js';
import {
  checkA11y,
  pageErrors,
  screenshot,
  signInWithKey,
  startUiWorld,
  UI_SKIP,
  type UiWorld,
} from './kit.js';

const SECRET = 'swordfish-4242-secret';
const DEV_MESSAGE = 'Hello from the variables page';
const PROD_MESSAGE = 'Hello, production';
const VARS = `/spaces/Default/projects/${DEMO_PROJECT}/variables`;
const API_VARS = `/api/spaces/Default/projects/${DEMO_PROJECT}/variables`;

interface StoredJson {
  name: string;
  type: string;
  value: string | { set: boolean };
  scope: { environments?: string[] };
}

describe('the variables pages', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  const errors: string[] = [];

  /** GET `path`, change the JSON with `change`, PUT it back with If-Match. */
  async function edit(path: string, change: (doc: unknown) => unknown): Promise<void> {
    const read = await fetch(ui.url + path, { headers: { authorization: `Bearer ${ui.world.apiKey}` } });
    assert.equal(read.status, 200);
    const put = await fetch(ui.url + path, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ui.world.apiKey}`,
        'content-type': 'application/json',
        'if-match': read.headers.get('etag') ?? '',
      },
      body: JSON.stringify(change(await read.json())),
    });
    assert.equal(put.status, 200, await put.text());
  }

  async function open(path: string, apiKey = ui.world.apiKey): Promise<Page> {
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    await signInWithKey(page, apiKey, path);
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page;
  }

  async function stored(): Promise<StoredJson[]> {
    const answer = await ui.world.request('GET', API_VARS);
    assert.equal(answer.status, 200, answer.text);
    return (answer.json as { items: StoredJson[] }).items;
  }

  before(async () => {
    ui = await startUiWorld({ timeScale: 120 });
    await seedDemoSpace(ui.world);
    // A library set with a variable and a common template, included by hello-color, which gets a
    // project template too (the demo has neither).
    const set = await ui.world.request('POST', '/api/spaces/Default/library-sets', {
      name: 'Shared',
      description: 'Defaults every project shares.',
      templates: [{ name: 'SupportEmail', label: 'Support e-mail', defaultValue: 'help@example.com' }],
    });
    assert.equal(set.status, 201, set.text);
    await edit('/api/spaces/Default/library-sets/Shared/variables', () => [
      { name: 'LogLevel', value: 'info' },
    ]);
    await edit(`/api/spaces/Default/projects/${DEMO_PROJECT}`, (doc) => ({
      ...(doc as object),
      librarySets: ['Shared'],
      templates: [{ name: 'Greeting', label: 'How the page greets the tenant' }],
    }));
  });
  after(async () => {
    await ui?.close();
  });

  it('adds a value of Message for Dev and another for Prod, and a sensitive variable, and saves them', async () => {
    const page = await open(VARS);
    const name = (n: number) => page.getByRole('textbox', { name: `Name, row ${n}`, exact: true });
    const value = (n: number) => page.getByLabel(`Value, row ${n}`, { exact: true });
    const scopeTo = async (n: number, environment: string) => {
      await page.getByRole('button', { name: `Scope and details, row ${n}` }).click();
      const details = page.getByRole('group', { name: `Details of row ${n}` });
      await details
        .getByRole('group', { name: 'Environments' })
        .getByLabel(environment, { exact: true })
        .check();
    };
    // The demo's Colour (Dev, Test, Prod) and Message.
    await name(4).waitFor();
    assert.equal(await name(4).inputValue(), 'Message');
    await page.getByRole('button', { name: 'Add value of Message, after row 4' }).click();
    assert.equal(await name(5).inputValue(), 'Message');
    await value(5).fill(DEV_MESSAGE);
    await scopeTo(5, 'Dev');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await name(6).fill('Message');
    await value(6).fill(PROD_MESSAGE);
    await scopeTo(6, 'Prod');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await name(7).fill('ApiSecret');
    await page.getByLabel('Type, row 7').selectOption('sensitive');
    await value(7).fill(SECRET);
    await checkA11y(page);
    await page.getByRole('button', { name: 'Save variables' }).click();
    await page.getByText('Saved: 3 added, 0 updated, 0 removed.').waitFor();

    // The grid now reads the set back (in name order): the secret is only "Set", never on the page.
    await page.getByRole('button', { name: 'Replace the value, row 1' }).waitFor();
    assert.equal(await name(1).inputValue(), 'ApiSecret');
    assert.ok(!(await page.content()).includes(SECRET));
    const items = await stored();
    const secret = items.find((v) => v.name === 'ApiSecret');
    assert.deepEqual(secret?.value, { set: true });
    const environments = await ui.world.request('GET', '/api/spaces/Default/environments');
    const envName = new Map(
      (environments.json as { items: { id: string; name: string }[] }).items.map((e) => [e.id, e.name]),
    );
    const messages = items
      .filter((v) => v.name === 'Message')
      .map(
        (v) =>
          `${typeof v.value === 'string' ? v.value : '?'} @ ${(v.scope.environments ?? []).map((e) => envName.get(e)).join()}`,
      )
      .sort();
    assert.deepEqual(
      messages,
      [`${DEV_MESSAGE} @ Dev`, `${PROD_MESSAGE} @ Prod`, 'Hello from #{Octopus.Environment.Name} @ '].sort(),
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'variables');
    await checkA11y(page);
    await page.close();
  });

  it('shows the validation error on the field it names, and saves nothing', async () => {
    const before = await stored();
    const page = await open(VARS);
    await page.getByRole('textbox', { name: 'Name, row 7', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Value, row 8', { exact: true }).fill('no name');
    await page.getByRole('button', { name: 'Save variables' }).click();
    const nameField = page.getByRole('textbox', { name: 'Name, row 8', exact: true });
    await page.getByText('Not saved').waitFor();
    assert.equal(await nameField.getAttribute('aria-invalid'), 'true');
    const describedBy = await nameField.getAttribute('aria-describedby');
    assert.ok(describedBy);
    assert.match((await page.locator(`[id="${describedBy}"]`).textContent()) ?? '', /name/);
    assert.equal((await stored()).length, before.length);
    await checkA11y(page);
    await page.close();
  });

  it('previews each environment with the server’s resolution, the sensitive value masked', async () => {
    const page = await open(`${VARS}/preview?environment=Dev`);
    const row = (name: string) =>
      page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    await page.getByRole('heading', { name: /Resolved for environment Dev/ }).waitFor();
    await row('Message').getByText(DEV_MESSAGE).waitFor();
    assert.match((await row('Message').textContent()) ?? '', /more than the next value/);
    assert.match((await row('ApiSecret').textContent()) ?? '', /\*{8}/);
    assert.ok(!(await page.content()).includes(SECRET));
    await page.getByRole('button', { name: 'Show the 2 matching values of Message' }).click();
    await page.getByRole('list', { name: 'Matching values of Message, winner first' }).waitFor();
    await screenshot(page, 'variables-preview');
    await checkA11y(page);
    await page.getByLabel('Environment', { exact: true }).selectOption('Prod');
    await page.getByRole('heading', { name: /Resolved for environment Prod/ }).waitFor();
    await row('Message').getByText(PROD_MESSAGE).waitFor();
    await page.getByLabel('Environment', { exact: true }).selectOption('Test');
    await row('Message').getByText('Hello from #{Octopus.Environment.Name}').waitFor();
    // Rendered as a step renders it, with the system variables of this context.
    await row('Message').getByText('Renders as: Hello from Test').waitFor();
    await page.goBack();
    await row('Message').getByText(PROD_MESSAGE).waitFor();
    await page.close();
  });

  it('deploys the Dev value into the ECS service of the next release', async () => {
    const release = await ui.world.request('POST', '/api/spaces/Default/releases', { project: DEMO_PROJECT });
    assert.equal(release.status, 201, release.text);
    const created = await ui.world.request('POST', '/api/spaces/Default/deployments', {
      release: (release.json as { id: string }).id,
      environment: 'Dev',
    });
    assert.equal(created.status, 201, created.text);
    const id = (created.json as { items: { id: string }[] }).items[0]!.id;
    assert.equal((await ui.world.waitForDeployment(id)).state, 'success');
    const service = await ui.world.describeService('hello', 'hello-color-dev');
    assert.equal(service.environment.web?.MESSAGE, DEV_MESSAGE);
  });

  it('shows a library variable set in the same grid, with its templates', async () => {
    const page = await open('/spaces/Default/library/variable-sets');
    await page.getByRole('link', { name: 'Shared' }).click();
    await page.getByRole('heading', { level: 1, name: 'Shared' }).waitFor();
    const name = page.getByRole('textbox', { name: 'Name, row 1', exact: true });
    await name.waitFor();
    assert.equal(await name.inputValue(), 'LogLevel');
    await page.getByText('SupportEmail').waitFor();
    await checkA11y(page);
    // The project shows that it includes the set.
    await page.goto(VARS);
    await page
      .getByRole('region', { name: 'Library variable sets' })
      .getByRole('link', { name: 'Shared' })
      .waitFor();
    await page.close();
  });

  it("edits Acme's tenant values per template and environment, and the preview uses them", async () => {
    const page = await open('/spaces/Default/tenants/Acme/variables');
    await page.getByRole('heading', { name: `Project ${DEMO_PROJECT}` }).waitFor();
    await page.getByLabel(`Greeting in Dev for ${DEMO_PROJECT}`).fill('Hi Acme');
    assert.equal(
      await page.getByLabel('SupportEmail of Shared').getAttribute('placeholder'),
      'Default: help@example.com',
    );
    await checkA11y(page);
    await page.getByRole('button', { name: 'Save values' }).click();
    await page.getByText('Saved: 1 added, 0 updated, 0 removed.').waitFor();
    await page.goto(`${VARS}/preview?environment=Dev&tenant=Acme`);
    const greeting = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Greeting' }) });
    await greeting.getByText('Hi Acme').waitFor();
    await greeting.getByRole('cell', { name: "Tenant's value", exact: true }).waitFor();
    await page.close();
  });

  it('is read-only, saying why, for a user without project.edit', async () => {
    const user = await ui.world.request('POST', '/api/users', { name: 'vic-viewer' });
    assert.equal(user.status, 201, user.text);
    const userId = (user.json as { id: string }).id;
    const key = await ui.world.request('POST', `/api/users/${userId}/api-keys`, { name: 'ui' });
    assert.equal(key.status, 201, key.text);
    const team = await ui.world.request('POST', '/api/spaces/Default/teams', {
      name: 'Variable viewers',
      members: [userId],
      grants: [{ role: 'viewer' }],
    });
    assert.equal(team.status, 201, team.text);
    const page = await open(VARS, (key.json as { key: string }).key);
    await page.getByText(/You can read this project's variables but not change them/).waitFor();
    await page.getByText(/permission project\.edit/).waitFor();
    await page.getByText(DEV_MESSAGE).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save variables' }).count(), 0);
    assert.equal(await page.getByRole('textbox', { name: 'Name, row 1', exact: true }).count(), 0);
    assert.ok(!(await page.content()).includes(SECRET));
    await checkA11y(page);
    await page.close();
  });

  it('ends with no page errors', () => {
    assert.deepEqual(
      errors.filter((e) => !/40[039]|412|Failed to load resource/.test(e)),
      [],
    );
  });
});
