/**
 * The web UI in a real browser for tests: a whole Slipway (test/helpers/slipway-world.ts: sandbox,
 * store, engine, API) serving the built UI, and Debian's Chromium driven by playwright-core.
 * `signIn` goes through the sign-in page as a person does (or, for tests about something else,
 * through POST /api/session in the browser's own cookie jar); `checkA11y` runs axe-core's WCAG 2.1
 * A/AA rules on the page and fails with what it found; `screenshot` saves docs/ui/<name>.png when
 * SLIPWAY_UI_SCREENSHOTS=1 (the tour in docs/ui.md).
 *
 * The UI must be built (`npm ci` / `npm run build` build it into web/dist; SLIPWAY_WEB_ROOT points
 * elsewhere). Without Chromium (scripts/install-test-deps.sh installs it) the UI tests skip.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startWorld, type World, type WorldOptions } from '../helpers/slipway-world.js';

/** Debian's Chromium (scripts/install-test-deps.sh). */
export const CHROMIUM = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';

/** The built UI the tests serve. */
export const WEB_ROOT = resolve(
  process.env.SLIPWAY_WEB_ROOT ?? resolve(import.meta.dirname, '../../web/dist'),
);

/** Why the UI tests cannot run here, or false (pass to describe's `skip`). */
export const UI_SKIP: string | false = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM}: run scripts/install-test-deps.sh`
  : false;

// Chromium as root in a container, on a machine with no internet: no sandbox, no GPU, and none of
// its background connections (each would be refused, slowly).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A desktop and a phone-width viewport (the 1280 px and a phone). */
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A running world with a browser. */
export interface UiWorld {
  world: World;
  browser: Browser;
  /** The server's base URL (UI at /, API at /api). */
  url: string;
  /** A new browser context (its own cookies) with one page at `viewport` (default DESKTOP). */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts a world serving the UI and launches Chromium. Fails with what to do when the UI is not built. */
export async function startUiWorld(options: WorldOptions = {}): Promise<UiWorld> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    throw new Error(
      `The web UI is not built at ${WEB_ROOT}: run "npm run build:web" (or set SLIPWAY_WEB_ROOT).`,
    );
  }
  const world = await startWorld({ webRoot: WEB_ROOT, ...options });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  } catch (error) {
    await world.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    world,
    browser,
    url: world.url,
    async newPage(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, baseURL: world.url });
      context.setDefaultTimeout(30_000);
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await world.close();
    },
  };
}

/** Signs in through the sign-in page with a name and password; waits until the app shows the user. */
export async function signIn(page: Page, username: string, password: string, path = '/'): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(path)}`);
  await page.getByLabel('User name').fill(username);
  // Not exact: a required field's label ends in an asterisk.
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Starts a session with an API key in the page's cookie jar (no UI), then opens `path`. */
export async function signInWithKey(page: Page, apiKey: string, path = '/'): Promise<void> {
  const answer = await page.request.post('/api/session', { data: { apiKey } });
  assert.equal(answer.status(), 201, `POST /api/session answered ${answer.status()}: ${await answer.text()}`);
  await page.goto(path);
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** A violation axe-core found, as the failure message lists it. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core's WCAG 2.0/2.1 A and AA rules (contrast included) on the page as it is now; fails
 * listing every violation with the elements it found. `exclude` skips selectors (say why at the call).
 */
export async function checkA11y(page: Page, exclude: string[] = []): Promise<void> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
  await page.evaluate(`${axeSource}\n;undefined`);
  // A string, so this file (compiled for Node, no DOM types) does not name the browser's globals.
  const run = `(async () => {
    const excluded = ${JSON.stringify(exclude)};
    const context = excluded.length > 0 ? { exclude: excluded.map((s) => [s]) } : document;
    const result = await window.axe.run(context, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  })()`;
  const violations = (await page.evaluate(run)) as AxeViolation[];
  const text = violations
    .map(
      (v) =>
        `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\n/g, ' ')}`)
          .join('\n'),
    )
    .join('\n');
  assert.equal(violations.length, 0, `accessibility violations on ${page.url()}:\n${text}`);
}

/** Saves a screenshot for docs/ui.md when SLIPWAY_UI_SCREENSHOTS=1 (names: kebab-case, no extension). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SLIPWAY_UI_SCREENSHOTS !== '1') return;
  const dir = resolve(import.meta.dirname, '../../docs/ui');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}

/** Every console error and page error the page shows (assert none at the end of a test). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
