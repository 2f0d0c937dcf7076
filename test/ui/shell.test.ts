/**
 * The app's frame in Chromium: the server serves the UI at / and at every deep link (the router
 * draws it), a visitor without a session lands on the sign-in page and comes back after signing in,
 * and the frame passes the accessibility checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkA11y, pageErrors, startUiWorld, UI_SKIP, type UiWorld } from './kit.js';

describe('the web UI shell', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  before(async () => {
    ui = await startUiWorld();
  });
  after(async () => {
    await ui?.close();
  });

  it('serves the app at a deep link with its security headers, and the API still answers JSON', async () => {
    const page = await ui.newPage();
    const answer = await page.request.get('/spaces/Default/projects/hello');
    assert.equal(answer.status(), 200);
    assert.match(answer.headers()['content-type'] ?? '', /text\/html/);
    assert.match(answer.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    assert.match(await answer.text(), /<div id="root">/);
    const api = await page.request.get('/api/nothing-here');
    assert.equal(api.status(), 401);
    assert.equal(((await api.json()) as { code: string }).code, 'UNAUTHENTICATED');
    const asset = await page.request.get('/assets/missing.js');
    assert.equal(asset.status(), 404);
  });

  it('sends a visitor without a session to sign in, keeping where they were going', async () => {
    const page = await ui.newPage();
    const errors = pageErrors(page);
    await page.goto('/spaces/Default/projects');
    await page.waitForURL(/\/sign-in\?next=/);
    assert.match(page.url(), /next=%2Fspaces%2FDefault%2Fprojects/);
    await page.getByRole('heading', { name: 'Sign in to Slipway' }).waitFor();
    await checkA11y(page);
    assert.deepEqual(
      errors.filter((e) => !e.includes('401')),
      [],
    );
  });
});
