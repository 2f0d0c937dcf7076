/**
 * Infrastructure and Configuration in Chromium against a whole Slipway with the demo's space: an AWS
 * account's Test answers who its keys are (and a made-up key is refused in Slipway's words); an ECS
 * target's Check describes the demo's cluster; a user created with a password and a team granting
 * them the deployer role in Dev, who then signs in and finds the configuration pages read-only with
 * the reason; an API key shown once, then only its prefix; the audit log listing those changes and
 * filtered by actor in the URL; the configuration export as YAML and an edited file's preview before
 * it is applied; accessibility on every page.
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

const INFRA = '/spaces/Default/infrastructure';
const CONF = '/spaces/Default/configuration';
const DORA_PASSWORD = 'correct horse battery staple';

describe('the infrastructure and configuration pages', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  let page: Page;
  let errors: string[] = [];

  /** GET /api/... as the administrator. */
  async function api<T>(path: string): Promise<T> {
    const res = await fetch(ui.url + path, { headers: { authorization: `Bearer ${ui.world.apiKey}` } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  }

  before(async () => {
    ui = await startUiWorld({ timeScale: 120 });
    await seedDemoSpace(ui.world);
    page = await ui.newPage();
    errors = pageErrors(page);
    await signInWithKey(page, ui.world.apiKey, INFRA);
  });
  after(async () => {
    await ui?.close();
  });

  it('tests an AWS account against the sandbox, and refuses a made-up key clearly', async () => {
    await page.waitForURL(/\/infrastructure\/aws-accounts$/);
    await page.getByRole('heading', { name: 'AWS accounts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Acme AWS' }).waitFor();
    await checkA11y(page);
    await screenshot(page, 'aws-accounts');

    await page.getByRole('link', { name: 'Acme AWS' }).click();
    await page.getByRole('heading', { name: 'AWS account Acme AWS' }).waitFor();
    await page.getByText('A secret is stored and never shown.').waitFor();
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByText(/AWS accepted them: account \d{12}/).waitFor();
    await checkA11y(page);

    await page.getByRole('link', { name: 'AWS accounts', exact: true }).click();
    await page.getByRole('link', { name: 'Add AWS account' }).click();
    await page.getByLabel('Name').fill('Broken');
    await page.getByLabel('Access key id').fill('AKIAWRONGWRONGWRONG0');
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'AWS account Broken' }).waitFor();
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page
      .getByText(/AWS refused the credentials of AWS account "Broken": InvalidClientTokenId/)
      .waitFor();
    await checkA11y(page);
  });

  it('checks an ECS cluster target: the demo cluster is active', async () => {
    await page.getByRole('link', { name: 'ECS cluster targets' }).click();
    await page.getByRole('heading', { name: 'ECS cluster targets', level: 1 }).waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'hello', exact: true }).click();
    await page.getByRole('heading', { name: 'ECS target hello' }).waitFor();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByText(/is ACTIVE in us-east-1/).waitFor();
    await page.getByText('Running tasks').waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'Workers' }).click();
    await page.getByText('No workers registered.').waitFor();
    await checkA11y(page);
  });

  it('creates a user with a password and a team granting them deployer in Dev', async () => {
    await page.goto(CONF);
    await page.waitForURL(/\/configuration\/users$/);
    await page.getByRole('cell', { name: 'admin', exact: true }).waitFor();
    await page.getByLabel('User name').fill('dora');
    await page.getByLabel('Password').fill(DORA_PASSWORD);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Created dora.').waitFor();
    await page.getByRole('cell', { name: 'dora', exact: true }).waitFor();
    await checkA11y(page);

    await page.getByRole('link', { name: 'Teams and roles' }).click();
    await page.getByRole('link', { name: 'Add team' }).click();
    await page.getByLabel('Name').fill('Dev deployers');
    await page.getByRole('group', { name: 'Members' }).getByLabel('dora').check();
    await page.getByRole('button', { name: 'Add grant' }).click();
    await page.getByLabel('Role of grant 1').selectOption('deployer');
    await page.getByRole('group', { name: 'Only in environments' }).getByLabel('Dev').check();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Team Dev deployers' }).waitFor();
    await page.getByRole('link', { name: 'All teams' }).click();
    await page.getByText('deployer in environments Dev').waitFor();
    await checkA11y(page);
  });

  it('shows a new API key once, then only its prefix', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'Your keys' }).waitFor();
    await page.getByLabel('Key name').fill('CI pipeline');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const shown = page.getByLabel('The new API key');
    await shown.waitFor();
    const key = await shown.inputValue();
    assert.match(key, /^slw_[0-9a-z]+_/i);
    await page.getByText('Copy this key now: it is shown only once.').waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const prefix = key.split('_')[1]!;
    await page.getByRole('cell', { name: `slw_${prefix}_…` }).waitFor();
    assert.equal(await page.getByLabel('The new API key').count(), 0);
    assert.ok(!(await page.content()).includes(key), 'the key is not on the page any more');
  });

  it('lists the changes just made in the audit log, filtered by actor in the URL', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByText('Dev deployers').first().waitFor();
    await table.getByText('Broken').first().waitFor();
    await checkA11y(page);
    await page.getByLabel('Actor').fill('admin');
    await page.getByLabel('Entity type').selectOption('team');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/actor=admin/);
    assert.match(page.url(), /entityType=team/);
    await table.getByText('Dev deployers').first().waitFor();
    assert.equal(await table.getByText('Broken').count(), 0);
    await screenshot(page, 'audit');
    await page.getByLabel('Actor').fill('nobody');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No changes match these filters.').waitFor();
    await page.goBack();
    await table.getByText('Dev deployers').first().waitFor();
    await checkA11y(page);
  });

  it('exports the space as YAML and previews an edited file before applying it', async () => {
    await page.getByRole('link', { name: 'Configuration as code' }).click();
    const exported = page.getByLabel('The exported file');
    await exported.waitFor();
    const text = (await exported.textContent()) ?? '';
    assert.match(text, /apiVersion: slipway\/v1/);
    assert.ok(text.includes(`name: ${DEMO_PROJECT}`), 'the export holds the hello-color project');
    assert.match(text, /secretAccessKey: \{env: SLIPWAY_SECRET_/);
    await page.getByRole('button', { name: 'Download' }).waitFor();
    await checkA11y(page);

    const edited = text.replace(
      /(environments:\n {2}- name: Dev\n)/,
      '$1    description: Edited in the web UI\n',
    );
    assert.notEqual(edited, text);
    await page.getByLabel('Configuration file').fill(edited);
    await page.getByRole('button', { name: 'Preview changes' }).click();
    const plan = page.getByRole('list', { name: 'What changes' });
    await plan.getByText('environment "Dev" (description)').waitFor();
    await page.getByRole('group', { name: 'Secrets the file refers to' }).waitFor();
    await checkA11y(page);
    await page.getByRole('heading', { name: 'Plan', exact: true }).scrollIntoViewIfNeeded();
    await screenshot(page, 'configuration');
    const before = await api<{ items: { description: string }[] }>(
      '/api/spaces/Default/environments?name=Dev',
    );
    assert.equal(before.items[0]?.description, '', 'nothing changed before apply');
    await page.getByRole('button', { name: 'Apply 1 change' }).click();
    await page
      .getByRole('list', { name: 'What was done' })
      .getByText(/— applied/)
      .waitFor();
    const afterApply = await api<{ items: { description: string }[] }>(
      '/api/spaces/Default/environments?name=Dev',
    );
    assert.equal(afterApply.items[0]?.description, 'Edited in the web UI');
  });

  it('shows the deployer the configuration pages without their edit controls, saying why', async () => {
    const dora = await ui.newPage();
    const doraErrors = pageErrors(dora);
    // Through POST /api/session with the password (kit.ts signIn looks for the exact label "Password",
    // which the sign-in page's required field does not have).
    const session = await dora.request.post('/api/session', {
      data: { username: 'dora', password: DORA_PASSWORD },
    });
    assert.equal(session.status(), 201, await session.text());
    await dora.goto(`${CONF}/users`);
    await dora.getByText('You do not have the permission user.view here').waitFor();
    assert.equal(await dora.getByRole('button', { name: 'Create user' }).count(), 0);
    await checkA11y(dora);
    await dora.getByRole('link', { name: 'Teams and roles' }).click();
    await dora.getByRole('link', { name: 'Dev deployers' }).waitFor();
    const add = dora.getByRole('button', { name: 'Add team' });
    assert.equal(await add.getAttribute('aria-disabled'), 'true');
    await dora.getByText('You do not have the permission team.edit here').waitFor();
    await dora.getByRole('link', { name: 'Dev deployers' }).click();
    await dora.getByText('Read-only.').waitFor();
    assert.equal(await dora.getByRole('button', { name: 'Save' }).count(), 0);
    await checkA11y(dora);
    await dora.getByRole('link', { name: 'Configuration as code' }).click();
    await dora.getByText('Preview and apply are not available to you.').waitFor();
    await dora.getByRole('link', { name: 'Audit log' }).click();
    await dora.getByText('You do not have the permission audit.view here').waitFor();
    await checkA11y(dora);
    assert.deepEqual(doraErrors, []);
    // The broken account's Test answered 400 on purpose (the browser logs every failed request).
    assert.deepEqual(
      errors.filter((e) => !e.includes('status of 400')),
      [],
    );
  });
});
