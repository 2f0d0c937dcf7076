/**
 * The project pages in Chromium against a whole Slipway with the demo's space (time scale 120):
 * the projects list, a release created choosing 1.1.0 from the feed's tags (not the preselected
 * newest 1.2.0), deployed to Dev from the release page until Success, promotion to Prod disabled
 * with the lifecycle's reason until Test succeeded, a deploy to tenants by tag, and a viewer who
 * sees "Create release" disabled with the reason while the API refuses it anyway. Accessibility is
 * checked on every page in its main states.
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

/** Rollouts take seconds here; the deadline only turns a hang into a failure. */
const DEADLINE = { timeout: 45_000 };
const RELEASE_PATH = `/spaces/Default/projects/${DEMO_PROJECT}/releases/0.0.1`;

describe('the project and release pages', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  let page: Page;
  const errors: string[] = [];
  const api = (...parts: string[]) => ui.world.client.spacePath(...parts);

  /** GETs then PUTs a resource with `change` applied (If-Match from the read). */
  async function edit(path: string, change: (doc: Record<string, unknown>) => Record<string, unknown>) {
    const read = await fetch(`${ui.url}${path}`, { headers: { authorization: `Bearer ${ui.world.apiKey}` } });
    const doc = (await read.json()) as Record<string, unknown>;
    const put = await fetch(`${ui.url}${path}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ui.world.apiKey}`,
        'content-type': 'application/json',
        'if-match': read.headers.get('etag') ?? '',
      },
      body: JSON.stringify(change(doc)),
    });
    assert.equal(put.status, 200, await put.text());
  }

  /** The id of the deployment page the browser is on, once it is there. */
  async function deploymentOnPage(): Promise<string> {
    await page.waitForURL(/\/spaces\/Default\/deployments\/[^/]+$/, DEADLINE);
    return decodeURIComponent(page.url().split('/').pop() ?? '');
  }

  before(async () => {
    ui = await startUiWorld({ timeScale: 120 });
    await seedDemoSpace(ui.world);
    // Tenant tags for the deploy-by-tag case (the demo has none).
    const created = await ui.world.request('POST', api('tag-sets'), {
      name: 'Region',
      tags: [{ name: 'EU' }, { name: 'US' }],
    });
    assert.equal(created.status, 201, created.text);
    await edit(api('tenants', 'Acme'), (t) => ({ ...t, tags: ['Region/EU'] }));
    await edit(api('tenants', 'Globex'), (t) => ({ ...t, tags: ['Region/US'] }));
    page = await ui.newPage();
    errors.push(...pageErrors(page));
  });
  after(async () => {
    await ui?.close();
  });

  it('lists the projects and creates a release choosing 1.1.0 from the feed’s tags', async () => {
    await signInWithKey(page, ui.world.apiKey, '/spaces/Default/projects');
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.getByRole('link', { name: DEMO_PROJECT, exact: true }).waitFor();
    await page.getByText('A page in one colour per environment.').waitFor();
    await page.getByRole('button', { name: 'Add project' }).waitFor();
    await page.getByText('No releases yet').first().waitFor();
    await checkA11y(page);
    await screenshot(page, 'projects');

    await page.getByRole('link', { name: DEMO_PROJECT, exact: true }).click();
    await page.getByRole('heading', { name: DEMO_PROJECT, level: 1 }).waitFor();
    await page.getByText('No releases yet.').waitFor();
    await checkA11y(page);

    await page.getByRole('link', { name: 'Create release' }).first().click();
    await page.getByRole('heading', { name: 'Create release', level: 1 }).waitFor();
    const picker = page.getByLabel('hello-color (step Deploy)');
    await page.getByRole('option', { name: '1.2.0 (newest)' }).waitFor({ state: 'attached' });
    assert.equal(await picker.inputValue(), '1.2.0', 'the newest allowed tag is preselected');
    assert.deepEqual(await picker.locator('option').allTextContents(), ['1.2.0 (newest)', '1.1.0', '1.0.0']);
    const version = page.getByLabel('Release version');
    await picker.selectOption('1.1.0');
    await page.getByRole('option', { name: '1.1.0' }).waitFor({ state: 'attached' });
    assert.equal(await version.inputValue(), '0.0.1', 'the template’s preview');
    await page.getByLabel('Release notes').fill('The first release, from the UI.');
    await checkA11y(page);
    await screenshot(page, 'create-release');
    await page.getByRole('button', { name: 'Create release' }).click();

    await page.waitForURL(`**${RELEASE_PATH}`);
    await page.getByRole('heading', { name: 'Release 0.0.1', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'hello-color:1.1.0' }).waitFor();
    await page.getByText('The first release, from the UI.').waitFor();
    await checkA11y(page);
  });

  it('deploys to Dev from the release page and reaches Success', async () => {
    await page.getByRole('button', { name: 'Deploy to Dev' }).click();
    await page.getByRole('heading', { name: 'Deploy release 0.0.1' }).waitFor();
    assert.match(page.url(), /\?deploy=Dev$/, 'the form has a deep link');
    assert.equal(await page.getByRole('checkbox', { name: 'Dev' }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: 'Prod' }).isDisabled(), true);
    await checkA11y(page);
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const id = await deploymentOnPage();
    const done = await ui.world.waitForDeployment(id);
    assert.equal(done.state, 'success', done.error ?? undefined);
    // The deployment page is the deployments area's; it shows the state in words.
    await page.getByText('Success').first().waitFor(DEADLINE);
  });

  it('disables promotion to Prod with the lifecycle’s reason until Test succeeded', async () => {
    await page.goto(RELEASE_PATH);
    const toProd = page.getByRole('button', { name: 'Promote to Prod' });
    await toProd.waitFor();
    assert.equal(await toProd.getAttribute('aria-disabled'), 'true');
    await page
      .getByText(/Phase "Testing" is not complete/)
      .first()
      .waitFor();
    await page
      .getByRole('link', { name: /View deployment/ })
      .first()
      .waitFor();
    await checkA11y(page);
    await screenshot(page, 'release');

    await page.getByRole('button', { name: 'Promote to Test' }).click();
    const id = await deploymentOnPage();
    assert.equal((await ui.world.waitForDeployment(id)).state, 'success');
    await page.goBack();
    await page.getByRole('heading', { name: 'Release 0.0.1', level: 1 }).waitFor();
    await page
      .getByRole('button', { name: 'Promote to Prod' })
      .and(page.locator(':not([aria-disabled])'))
      .waitFor(DEADLINE);
    assert.equal(await page.getByText(/Phase "Testing" is not complete/).count(), 0);

    // The project's releases show the progress through the phases.
    await page.getByRole('link', { name: DEMO_PROJECT }).first().click();
    await page.getByRole('heading', { name: DEMO_PROJECT, level: 1 }).waitFor();
    const progress = page.getByRole('list', { name: 'Lifecycle progress of 0.0.1' });
    await progress.getByRole('link', { name: 'Test: success, view deployment' }).waitFor();
    await progress.getByText('Ready').waitFor();
    await checkA11y(page);
    await screenshot(page, 'project');
    await page.goBack();
  });

  it('deploys to tenants chosen by tag and lists the deployments it made', async () => {
    await page.getByRole('button', { name: 'Redeploy to Dev' }).click();
    await page.getByRole('heading', { name: 'Deploy release 0.0.1' }).waitFor();
    await page.getByRole('radio', { name: 'Tenants by tag' }).check();
    const region = page.getByRole('group', { name: 'Tag set Region' });
    await region.getByRole('checkbox', { name: 'EU' }).check();
    await page.getByText('Deploys to Acme in Dev.').waitFor();
    await region.getByRole('checkbox', { name: 'US' }).check();
    await page.getByText('Deploys to Acme in Dev, Globex in Dev.').waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByText('Created 2 deployments').waitFor();
    const links = page.getByRole('status').getByRole('link');
    assert.deepEqual(await links.allTextContents(), ['Acme in Dev', 'Globex in Dev']);
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
      const id = decodeURIComponent(href.split('/').pop() ?? '');
      assert.equal((await ui.world.waitForDeployment(id)).state, 'success');
    }
  });

  it('shows a viewer Create release disabled with the reason, and the API refuses it anyway', async () => {
    const user = await ui.world.request('POST', '/api/users', { name: 'vic' });
    assert.equal(user.status, 201, user.text);
    const { id } = user.json as { id: string };
    const key = await ui.world.request('POST', `/api/users/${id}/api-keys`, { name: 'ui test' });
    assert.equal(key.status, 201, key.text);
    const team = await ui.world.request('POST', api('teams'), {
      name: 'Viewers',
      members: ['vic'],
      grants: [{ role: 'viewer' }],
    });
    assert.equal(team.status, 201, team.text);
    const vicKey = (key.json as { key: string }).key;

    const vic = await ui.newPage();
    errors.push(...pageErrors(vic));
    await signInWithKey(vic, vicKey, `/spaces/Default/projects/${DEMO_PROJECT}`);
    await vic.getByRole('heading', { name: DEMO_PROJECT, level: 1 }).waitFor();
    const create = vic.getByRole('button', { name: 'Create release' });
    await create.waitFor();
    assert.equal(await create.getAttribute('aria-disabled'), 'true');
    await vic.getByText(/You do not have the permission release\.create/).waitFor();
    await vic.getByRole('link', { name: 'Release 0.0.1' }).click();
    const update = vic.getByRole('button', { name: 'Update variables' });
    await update.waitFor();
    assert.equal(await update.getAttribute('aria-disabled'), 'true');
    assert.equal(
      await vic.getByRole('button', { name: 'Promote to Prod' }).getAttribute('aria-disabled'),
      'true',
    );
    await checkA11y(vic);
    await vic.goto('/spaces/Default/projects');
    await vic.getByRole('link', { name: DEMO_PROJECT, exact: true }).waitFor();
    assert.equal(await vic.getByRole('button', { name: 'Add project' }).count(), 0);

    const refused = await fetch(`${ui.url}${api('releases')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${vicKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ project: DEMO_PROJECT }),
    });
    assert.equal(refused.status, 403);
  });

  it('had no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
