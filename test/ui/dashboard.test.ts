/**
 * The dashboards in Chromium: the space dashboard shows the demo's release where it was deployed and
 * "Not deployed" elsewhere, follows a deployment started while it is open to Success without a reload,
 * folds to a list on a phone; a project's tenants dashboard with 1,000 more tenants draws only the
 * rows in view, and its search and tag filter work (and deep-link). Accessibility checked on both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PROJECT, DEMO_TAGS, seedDemoSpace } from './demo-space.js';
import {
  checkA11y,
  pageErrors,
  PHONE,
  screenshot,
  signInWithKey,
  startUiWorld,
  UI_SKIP,
  type UiWorld,
} from './kit.js';

const SPACE = '/api/spaces/Default';
const TENANTS = 1_000;

describe('the dashboards', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  let releaseId = '';
  const deploy = async (environment: string): Promise<string> => {
    const res = await ui.world.request('POST', `${SPACE}/deployments`, { release: releaseId, environment });
    assert.equal(res.status, 201, res.text);
    return (res.json as { items: { id: string }[] }).items[0]!.id;
  };

  before(async () => {
    ui = await startUiWorld({ timeScale: 120 });
    await seedDemoSpace(ui.world);
    const release = await ui.world.request('POST', `${SPACE}/releases`, {
      project: DEMO_PROJECT,
      version: DEMO_TAGS[DEMO_TAGS.length - 1],
    });
    assert.equal(release.status, 201, release.text);
    releaseId = (release.json as { id: string }).id;
    const done = await ui.world.waitForDeployment(await deploy('Dev'));
    assert.equal(done.state, 'success');
  });
  after(async () => {
    await ui?.close();
  });

  const open = async (path: string, viewport?: { width: number; height: number }) => {
    const page = await ui.newPage(viewport);
    const watch = pageErrors(page);
    await signInWithKey(page, ui.world.apiKey, path);
    return { page, watch };
  };

  it('shows the release and its state in Dev, "Not deployed" elsewhere, and follows a new deployment live', async () => {
    const { page, watch } = await open('/spaces/Default');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(DEMO_PROJECT) });
    const version = await page
      .getByRole('link', { name: new RegExp(`^${DEMO_PROJECT} .+ in Dev$`) })
      .textContent();
    assert.match(version ?? '', /^\d+\.\d+\.\d+/);
    const cells = row.getByRole('cell');
    await cells.nth(0).getByText('Success').waitFor();
    assert.match((await cells.nth(1).textContent()) ?? '', /Not deployed/);
    assert.match((await cells.nth(2).textContent()) ?? '', /Not deployed/);
    await checkA11y(page);
    await screenshot(page, 'dashboard');
    // Started while the page is open: the Test cell fills in and reaches Success without a reload.
    const test = await deploy('Test');
    const link = page.getByRole('link', { name: `${DEMO_PROJECT} ${version} in Test` });
    await link.waitFor();
    assert.match((await link.getAttribute('href')) ?? '', new RegExp(`/deployments/${test}$`));
    await cells.nth(1).getByText('Success').waitFor({ timeout: 60_000 });
    assert.deepEqual(watch, []);
  });

  it('folds into a list per project on a phone', async () => {
    const { page, watch } = await open('/spaces/Default', PHONE);
    await page.getByRole('link', { name: new RegExp(`^${DEMO_PROJECT} .+ in Dev$`) }).waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= PHONE.width + 1, `the page is ${String(width)} px wide on a phone`);
    await checkA11y(page);
    assert.deepEqual(watch, []);
  });

  it('draws 1,000 tenants virtualised, with a search and a tag filter in the URL', async () => {
    const tagSet = await ui.world.request('POST', `${SPACE}/tag-sets`, {
      name: 'Tier',
      tags: [{ name: 'Gold' }, { name: 'Silver' }],
    });
    assert.equal(tagSet.status, 201, tagSet.text);
    // In parallel batches: the API creates one tenant per request.
    for (let start = 0; start < TENANTS; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, TENANTS - start) }, async (_, k) => {
          const t = start + k;
          const res = await ui.world.request('POST', `${SPACE}/tenants`, {
            name: `tenant-${String(t).padStart(4, '0')}`,
            tags: [t % 2 ? 'Tier/Gold' : 'Tier/Silver'],
            projects: [{ project: DEMO_PROJECT, environments: ['Dev', 'Test'] }],
          });
          assert.equal(res.status, 201, res.text);
        }),
      );
    }
    const total = (TENANTS + 2).toLocaleString('en-US');
    const { page, watch } = await open(`/spaces/Default/projects/${DEMO_PROJECT}/tenants`);
    await page.getByRole('heading', { name: DEMO_PROJECT, level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Project' }).waitFor();
    await page.getByText(`${total} tenants`).waitFor();
    const grid = page.getByRole('table', { name: 'Latest release per tenant and environment' });
    const drawn = await grid.getByRole('row').count();
    assert.ok(drawn > 5 && drawn < 100, `${drawn} rows in the DOM for ${total} tenants`);
    assert.equal(await grid.getAttribute('aria-rowcount'), String(TENANTS + 3));
    // The demo's tenants were never deployed to: their Dev cell says so.
    const acme = grid.getByRole('row', { name: /^Acme/ });
    assert.match((await acme.getByRole('cell').nth(0).textContent()) ?? '', /Not deployed/);
    await checkA11y(page);
    await screenshot(page, 'tenant-dashboard');

    await page.getByRole('searchbox', { name: 'Search tenants by name' }).fill('tenant-0042');
    await page.getByText(`Showing 1 of ${total} tenants`).waitFor();
    await grid.getByRole('rowheader', { name: 'tenant-0042' }).waitFor();
    await page.waitForURL(/[?&]q=tenant-0042/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('checkbox', { name: 'Gold' }).check();
    await page.getByText(`Showing 500 of ${total} tenants`).waitFor();
    await page.waitForURL(/[?&]tag=Tier%2FGold/);
    await checkA11y(page);

    // The filter deep-links: a new page at the URL shows the same.
    const deep = await open(`/spaces/Default/projects/${DEMO_PROJECT}/tenants?tag=Tier%2FSilver&q=tenant-00`);
    await deep.page.getByText(`Showing 50 of ${total} tenants`).waitFor();
    assert.equal(await deep.page.getByRole('checkbox', { name: 'Silver' }).isChecked(), true);
    assert.deepEqual([...watch, ...deep.watch], []);
  });
});
