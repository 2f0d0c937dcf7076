/**
 * The library's pages in Chromium against a whole Slipway with the demo's space: an environment
 * created and moved up; a lifecycle given a phase with an environment, and an invalid phase refused
 * with the API's message beside its field; a channel rule typed live showing which of the feed's
 * tags match (the server's own rule code); a tag set, and a tenant with its tags and a connected
 * project; a feed test that reads the demo's repository and one that names a missing repository;
 * accessibility on every page.
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

const LIB = '/spaces/Default/library';

describe('the library pages', { skip: UI_SKIP }, () => {
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
    await signInWithKey(page, ui.world.apiKey, `/spaces/Default/library`);
  });
  after(async () => {
    await ui?.close();
  });

  it('lists environments in order, creates one and moves it up', async () => {
    await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
    assert.match(page.url(), /\/library\/environments$/);
    await page.getByRole('link', { name: 'Prod' }).waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Add environment' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Staging');
    await page.getByLabel('Description').fill('Before production');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByRole('link', { name: 'Staging' }).waitFor();
    await page.getByRole('button', { name: 'Move Staging up' }).click();
    // Staging now comes before Prod, in the page and in the API.
    // Rows: the header, Dev, Test, Staging, Prod.
    await page.getByRole('row').nth(3).getByRole('link', { name: 'Staging' }).waitFor();
    await page.getByRole('row').nth(4).getByRole('link', { name: 'Prod' }).waitFor();
    const envs = await api<{ items: { name: string }[] }>('/api/spaces/Default/environments');
    assert.deepEqual(
      envs.items.map((e) => e.name),
      ['Dev', 'Test', 'Staging', 'Prod'],
    );
    await screenshot(page, 'environments');
    await checkA11y(page);
    // Dev is used (lifecycle, tenants, targets): the refusal says by what.
    await page.getByRole('link', { name: 'Dev', exact: true }).click();
    await page.getByRole('heading', { name: 'Environment Dev' }).waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete Dev' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not deleted' });
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /IN_USE/);
  });

  it('edits a lifecycle’s phases, and shows an invalid phase’s error on its field', async () => {
    await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Lifecycles' }).click();
    await page.getByRole('heading', { name: 'Lifecycles', level: 1 }).waitFor();
    await page.getByText('manual: Prod').waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'Dev to Prod' }).click();
    await page.getByRole('heading', { name: 'Lifecycle Dev to Prod' }).waitFor();
    await page.getByRole('button', { name: 'Add phase' }).click();
    await page.getByLabel('Name of phase 4').fill('Staging');
    await page.getByLabel('Staging in Staging').selectOption('manual');
    // Moved above Production: Development, Testing, Staging, Production.
    await page.getByRole('button', { name: 'Move up phase Staging' }).click();
    await page.getByRole('button', { name: 'Save lifecycle' }).click();
    await page.getByText('Saved.').waitFor();
    const lifecycle = await api<{ items: { phases: { name: string; manualEnvironments: string[] }[] }[] }>(
      '/api/spaces/Default/lifecycles?name=Dev%20to%20Prod',
    );
    assert.deepEqual(
      lifecycle.items[0]?.phases.map((p) => p.name),
      ['Development', 'Testing', 'Staging', 'Production'],
    );
    // One environment, but two needed before promotion: the API refuses and names the field.
    const minimum = page.getByLabel('Minimum environments before promotion (phase 3)');
    await minimum.fill('2');
    await page.getByRole('button', { name: 'Save lifecycle' }).click();
    await page
      .getByText(/minimumEnvironmentsBeforePromotion is 2 but the phase has only 1 environment/)
      .waitFor();
    assert.equal(await minimum.getAttribute('aria-invalid'), 'true');
    await page.evaluate("document.querySelectorAll('.library-phase')[2].scrollIntoView()");
    await screenshot(page, 'lifecycle');
    await checkA11y(page);
    await minimum.fill('0');
  });

  it('checks a channel rule live against the feed’s tags as it is typed', async () => {
    await page.goto(`/spaces/Default/projects/${DEMO_PROJECT}/channels`);
    await page.getByRole('navigation', { name: 'Project' }).waitFor();
    await page.getByRole('link', { name: 'Default', exact: true }).waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'Add channel' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Stable 1.1');
    await page.getByRole('button', { name: 'Add version rule' }).click();
    await page.getByRole('checkbox', { name: /hello-color of step Deploy/ }).check();
    const tags = page.getByRole('region', { name: /Tags of hello-color/ });
    await tags.getByText('3 of 3 tags').waitFor();
    await page.getByLabel('Version range (rule 1)').fill('[1.1,1.2)');
    await tags.getByText('1 of 3 tags').waitFor();
    await tags.getByText('A release takes 1.1.0').waitFor();
    assert.deepEqual(await tags.locator('.library-tag-yes').allTextContents(), ['✓ 1.1.0 matches']);
    // A range that does not parse is named beside its field, by the server's rule code.
    await page.getByLabel('Version range (rule 1)').fill('[1.1');
    await page.locator('.field-error').first().waitFor();
    assert.equal(await page.getByLabel('Version range (rule 1)').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Version range (rule 1)').fill('[1.1,1.2)');
    await page.getByLabel('Pre-release tag (rule 1)').fill('^$');
    await tags.getByText('1 of 3 tags').waitFor();
    await page.evaluate("document.querySelector('.library-rule').scrollIntoView()");
    await screenshot(page, 'channel-rules');
    await checkA11y(page);
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: /Channel Stable 1\.1/ }).waitFor();
    const channels = await api<{ items: { name: string; rules: { versionRange?: string }[] }[] }>(
      `/api/spaces/Default/projects/${DEMO_PROJECT}/channels`,
    );
    const stable = channels.items.find((c) => c.name === 'Stable 1.1');
    assert.equal(stable?.rules[0]?.versionRange, '[1.1,1.2)');
  });

  it('creates a tag set, then a tenant with tags and a connected project', async () => {
    await page.goto(`${LIB}/tag-sets`);
    await page.getByText('No tag sets yet.').waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'Add tag set' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Region');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag 1 name').fill('EU');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag 2 name').fill('US');
    await page.getByRole('button', { name: 'Create tag set' }).click();
    await page.getByRole('heading', { name: 'Tag set Region' }).waitFor();
    await checkA11y(page);

    await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('link', { name: 'Acme', exact: true }).waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'Add tenant' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Initech');
    await page.getByRole('checkbox', { name: /Region\/EU/ }).check();
    await page.getByRole('checkbox', { name: `Connect ${DEMO_PROJECT} in Dev` }).check();
    await page.getByRole('checkbox', { name: `Connect ${DEMO_PROJECT} in Test` }).check();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: 'Tenant Initech' }).waitFor();
    const tenants = await api<{ items: { tags: string[]; projects: { environments: string[] }[] }[] }>(
      '/api/spaces/Default/tenants?name=Initech',
    );
    assert.deepEqual(tenants.items[0]?.tags, ['Region/EU']);
    assert.equal(tenants.items[0]?.projects[0]?.environments.length, 2);
    // The list filters by tag (in the URL) and links each tenant's variables.
    await page.goto(`${LIB}/tenants?tag=${encodeURIComponent('Region/EU')}`);
    await page.getByRole('link', { name: 'Initech', exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Acme', exact: true }).count(), 0);
    await page.getByRole('link', { name: 'Variables of Initech' }).waitFor();
    await page.goto(`${LIB}/tenants`);
    await page.getByRole('link', { name: 'Acme', exact: true }).waitFor();
    await screenshot(page, 'tenants');
    await checkA11y(page);
  });

  it('tests a feed: the demo’s repository answers its tags, a missing one says so', async () => {
    await page.goto(`${LIB}/feeds`);
    await page.getByRole('link', { name: 'Sandbox ECR' }).click();
    await page.getByRole('heading', { name: 'Feed Sandbox ECR' }).waitFor();
    await checkA11y(page);
    await page.getByLabel('Repository').fill('hello-color');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByText('The feed answered: hello-color has 3 versions').waitFor();
    assert.match(page.url(), /repository=hello-color/);
    await page.getByRole('cell', { name: '1.1.0' }).first().waitFor();
    await checkA11y(page);
    await page.getByLabel('Repository').fill('no-such-repository');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The feed could not be read' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /FEED_REPOSITORY_NOT_FOUND/);
    await checkA11y(page);
  });

  it('ended with no page errors', () => {
    // Refusals the tests provoke (a bad rule or repository: 400; an environment in use: 409) are
    // logged by the browser as failed requests; the page itself threw nothing.
    assert.deepEqual(
      errors.filter((e) => !/status of (400|409)/.test(e)),
      [],
    );
  });
});
