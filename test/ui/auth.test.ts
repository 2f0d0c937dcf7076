/**
 * Signing in and out in Chromium: the administrator's first-start password through the sign-in
 * page (back to the page you came from), a wrong password refused with the one message and
 * nothing else revealed, signing in with an API key, signing out (the old cookie no longer works),
 * changing your password on /account, and the sign-in page's accessibility on desktop and phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkA11y,
  DESKTOP,
  pageErrors,
  PHONE,
  screenshot,
  signIn,
  startUiWorld,
  UI_SKIP,
  type UiWorld,
} from './kit.js';
import { adminPassword, createUser } from './users.js';

const REJECTED = /The user name or password is wrong, or the user is disabled/;

describe('signing in to the web UI', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  const errors: string[] = [];
  // The browser logs every 401 and 429 answer as a console error; those are the point here.
  const unexpected = () => errors.filter((e) => !/\b(401|403|429)\b/.test(e));

  before(async () => {
    ui = await startUiWorld();
  });
  after(async () => {
    await ui?.close();
  });

  it('signs in as admin with the first-start password and lands on the page it came from', async () => {
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    await page.goto('/spaces/Default/projects');
    await page.waitForURL(/\/sign-in\?next=/);
    const name = page.getByLabel('User name');
    await name.waitFor();
    assert.ok(
      await name.evaluate((el) => el === el.ownerDocument.activeElement),
      'the first field has the focus',
    );
    await name.fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(adminPassword(ui.world));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/spaces\/Default\/projects$/);
  });

  it('refuses a wrong password with the one message, and names a missing field before sending', async () => {
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your user name.').waitFor();
    await page.getByText('Enter your password.').waitFor();
    for (const [user, password] of [
      ['admin', 'not the password at all'],
      ['nobody-by-this-name', 'not the password at all'],
    ] as const) {
      await page.getByLabel('User name').fill(user);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert').filter({ hasText: REJECTED });
      await alert.waitFor();
      const text = await alert.innerText();
      assert.ok(!/unknown|exist|disabled user|wrong password/i.test(text.replace(REJECTED, '')), text);
      assert.equal(
        await page.getByLabel('Password', { exact: true }).inputValue(),
        '',
        'the password is cleared',
      );
    }
    assert.match(page.url(), /\/sign-in/);
    await checkA11y(page);
  });

  it('shows when to try again after too many failures', async () => {
    await createUser(ui.world, { name: 'limited', password: 'the right password' });
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    // Four by the API and the fifth through the page: the sixth is refused for a while.
    for (let i = 0; i < 5; i++) {
      const answer = await page.request.post('/api/session', {
        data: { username: 'limited', password: `wrong password ${i}` },
      });
      assert.equal(answer.status(), 401);
    }
    await page.goto('/sign-in');
    await page.getByLabel('User name').fill('limited');
    await page.getByLabel('Password', { exact: true }).fill('the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Too many failed sign-ins.*Try again in \d+ minutes?/s })
      .waitFor();
  });

  it('signs in with an API key, and signing out ends the session', async () => {
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    await page.goto('/sign-in?next=%2Fspaces%2FDefault');
    await page.getByRole('button', { name: 'Use an API key instead' }).click();
    const key = page.getByLabel('API key');
    await key.waitFor();
    assert.ok(
      await key.evaluate((el) => el === el.ownerDocument.activeElement),
      'the key field has the focus',
    );
    await key.fill(ui.world.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/spaces/Default');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'slipway_session');
    assert.ok(cookie, 'the session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Slipway' }).waitFor();
    const again = await fetch(`${ui.url}/api/me`, { headers: { cookie: `slipway_session=${cookie.value}` } });
    assert.equal(again.status, 401, 'the old cookie no longer works');
  });

  it('changes your password on /account, which signs your other sessions out', async () => {
    const user = await createUser(ui.world, { name: 'paula', password: 'first password here' });
    const other = await ui.newPage();
    errors.push(...pageErrors(other));
    await signIn(other, user.name, user.password, '/spaces/Default');
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    await signIn(page, user.name, user.password, '/account');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('second password here');
    await page.getByLabel('New password again').fill('second password here');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('this is not your current password').waitFor();
    await page.getByLabel('Current password').fill(user.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Password changed\. 1 other session was signed out\./).waitFor();
    await checkA11y(page);
    const gone = await other.request.get('/api/me');
    assert.equal(gone.status(), 401, 'the other session ended');
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
  });

  it('passes the accessibility checks on desktop and phone', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await ui.newPage(viewport);
      errors.push(...pageErrors(page));
      await page.goto('/sign-in');
      await page.getByRole('heading', { name: 'Sign in to Slipway' }).waitFor();
      await checkA11y(page);
      if (viewport === DESKTOP) await screenshot(page, 'sign-in');
      await page.goto('/sign-in?with=api-key');
      await page.getByLabel('API key').waitFor();
      await checkA11y(page);
    }
    assert.deepEqual(unexpected(), []);
  });
});
