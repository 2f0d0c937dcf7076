/**
 * The process editor in Chromium against a whole Slipway with the demo's space: a step of
 * hello-color edited and saved; an empty step name refused by the API, shown on that field, nothing
 * saved; a Run a script step added with the code editor; steps reordered and disabled; the next
 * release's process snapshot carrying all of it; unsaved changes kept while steps open and close,
 * and leaving asks first; a 412 when someone else saved meanwhile; a viewer sees it read-only;
 * accessibility with forms open (the code editor and the Deploy ECS service form).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_PROJECT, DEMO_STACK_PROJECT, seedDemoSpace } from './demo-space.js';
import {
  checkA11y,
  pageErrors,
  screenshot,
  signInWithKey,
  startUiWorld,
  UI_SKIP,
  type UiWorld,
} from './kit.js';

interface StepJson {
  name: string;
  disabled: boolean;
  action: Record<string, unknown> & { type: string };
}
interface ProcessJson {
  version: number;
  steps: StepJson[];
}

describe('the process editor', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  const errors: string[] = [];
  const processPath = (project: string) => `/api/spaces/Default/projects/${project}/process`;

  async function readProcess(project = DEMO_PROJECT): Promise<ProcessJson> {
    const answer = await ui.world.request('GET', processPath(project));
    assert.equal(answer.status, 200, answer.text);
    return answer.json as ProcessJson;
  }

  async function openEditor(project = DEMO_PROJECT, apiKey = ui.world.apiKey, query = ''): Promise<Page> {
    const page = await ui.newPage();
    errors.push(...pageErrors(page));
    await signInWithKey(page, apiKey, `/spaces/Default/projects/${project}/process${query}`);
    await page.getByRole('heading', { level: 1, name: project }).waitFor();
    await page.getByRole('list').locator('.step-card').first().waitFor();
    return page;
  }

  const status = (page: Page) => page.locator('.process-status');

  before(async () => {
    ui = await startUiWorld({ timeScale: 120 });
    await seedDemoSpace(ui.world);
  });
  after(async () => {
    await ui?.close();
  });

  it('edits a container environment value of hello-color and saves it', async () => {
    const page = await openEditor();
    await screenshot(page, 'process');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const value = page.getByLabel('Value 2');
    assert.equal(await value.inputValue(), '#{Message}');
    await value.fill('Hello from the editor in #{Octopus.Environment.Name}');
    await status(page).getByText('Unsaved changes.').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page).getByText('Saved.').waitFor();
    const saved = await readProcess();
    const container = (saved.steps[0]?.action.containers as { environment: { value: string }[] }[])[0];
    assert.equal(container?.environment[1]?.value, 'Hello from the editor in #{Octopus.Environment.Name}');
    await page.close();
  });

  it("shows the API's validation error on the step name and saves nothing", async () => {
    const before = await readProcess();
    const page = await openEditor();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const name = page.getByLabel('Step name');
    await name.fill('');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByText('name must not be empty').first().waitFor();
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page)
      .getByText(/Not saved: 1 problem/)
      .waitFor();
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.equal((await readProcess()).version, before.version);
    // A closed step with an error opens: close it, save again.
    await page.getByRole('button', { name: 'Step 1 (no name)', exact: true }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByLabel('Step name').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await status(page).getByText('No unsaved changes.').waitFor();
    await page.close();
  });

  it('adds a Run a script step with the code editor, reorders and disables it, and saves', async () => {
    const page = await openEditor();
    await page.getByLabel('New step').selectOption('run-script');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByRole('button', { name: 'Run a script', exact: true }).waitFor();
    const nameInput = page.getByLabel('Step name');
    await nameInput.fill('Say hello');
    await page.getByLabel('Syntax').selectOption('python');
    const script = page.getByRole('textbox', { name: 'Script' });
    await script.click();
    await script.fill('print("hello from", get_octopusvariable("Octopus.Environment.Name"))');
    await checkA11y(page);
    await screenshot(page, 'process-step');
    await page.getByRole('button', { name: 'Move up Say hello' }).click();
    // The moved button keeps the focus (it is now the first step: "Move down").
    await page.getByRole('button', { name: 'Move down Say hello' }).and(page.locator(':focus')).waitFor();
    await page.getByRole('button', { name: 'Disable Say hello' }).click();
    const cards = page.locator('.step-card .step-name');
    assert.deepEqual(await cards.allTextContents(), ['Say hello', 'Deploy']);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page).getByText('Saved.').waitFor();
    const saved = await readProcess();
    assert.deepEqual(
      saved.steps.map((s) => [s.name, s.disabled, s.action.type]),
      [
        ['Say hello', true, 'run-script'],
        ['Deploy', false, 'ecs-update-service'],
      ],
    );
    assert.equal(saved.steps[0]?.action.syntax, 'python');
    assert.match(String(saved.steps[0]?.action.script), /^print\("hello from"/);
    await page.close();
  });

  it('makes the next release of hello-color use the edited process', async () => {
    const answer = await ui.world.request('POST', '/api/spaces/Default/releases', { project: DEMO_PROJECT });
    assert.equal(answer.status, 201, answer.text);
    const release = answer.json as { processSnapshot: { steps: StepJson[] } };
    const steps = release.processSnapshot.steps;
    assert.deepEqual(
      steps.map((s) => [s.name, s.disabled]),
      [
        ['Say hello', true],
        ['Deploy', false],
      ],
    );
    const container = (steps[1]?.action.containers as { environment: { value: string }[] }[])[0];
    assert.equal(container?.environment[1]?.value, 'Hello from the editor in #{Octopus.Environment.Name}');
  });

  it('keeps unsaved changes while steps open and close, and asks before leaving', async () => {
    const page = await openEditor();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByLabel('Service').fill('hello-color-changed');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByRole('button', { name: 'Say hello', exact: true }).click();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    assert.equal(await page.getByLabel('Service').inputValue(), 'hello-color-changed');
    await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Variables' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Leave with unsaved changes?' });
    await dialog.waitFor();
    await checkA11y(page);
    await dialog.getByRole('button', { name: 'Stay and keep editing' }).click();
    assert.match(page.url(), /\/process/);
    assert.equal(await page.getByLabel('Service').inputValue(), 'hello-color-changed');
    await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Variables' }).click();
    await dialog.getByRole('button', { name: 'Leave and discard' }).click();
    await page.waitForURL(/\/variables/);
    assert.notEqual((await readProcess()).steps[1]?.action.service, 'hello-color-changed');
    await page.close();
  });

  it('says when someone else saved meanwhile, and reloads their change', async () => {
    const page = await openEditor();
    await page.getByRole('button', { name: 'Say hello', exact: true }).click();
    await page.getByLabel('Step name').fill('Say hello there');
    const current = await readProcess();
    const theirs = { steps: current.steps.map((s, i) => (i === 1 ? { ...s, name: 'Deploy web' } : s)) };
    const put = await fetch(`${ui.url}${processPath(DEMO_PROJECT)}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ui.world.apiKey}`,
        'content-type': 'application/json',
        'if-match': `"${current.version}"`,
      },
      body: JSON.stringify(theirs),
    });
    assert.equal(put.status, 200, await put.text());
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Someone changed this process since you opened it').waitFor();
    await page.getByRole('button', { name: 'Reload the process' }).click();
    await page.getByRole('button', { name: 'Deploy web', exact: true }).waitFor();
    await status(page).getByText('No unsaved changes.').waitFor();
    await page.close();
  });

  it('opens the step a deep link names: the Deploy ECS service form of hello-stack, accessibly', async () => {
    const page = await openEditor(DEMO_STACK_PROJECT, ui.world.apiKey, '?step=Deploy%20stack');
    await page.getByRole('heading', { name: 'Container 1' }).waitFor();
    assert.equal(await page.getByLabel('Desired count').inputValue(), '2');
    assert.equal(await page.getByLabel('Container port 1', { exact: true }).inputValue(), '8080');
    await page.getByLabel('Desired count').fill('3');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await status(page)
      .getByText(/Check passed/)
      .waitFor();
    await checkA11y(page);
    await page.close();
  });

  it('is read-only, saying why, for a user without project.edit', async () => {
    const user = await ui.world.request('POST', '/api/users', { name: 'vera-viewer' });
    assert.equal(user.status, 201, user.text);
    const userId = (user.json as { id: string }).id;
    const key = await ui.world.request('POST', `/api/users/${userId}/api-keys`, { name: 'ui' });
    assert.equal(key.status, 201, key.text);
    const team = await ui.world.request('POST', '/api/spaces/Default/teams', {
      name: 'Viewers',
      members: [userId],
      grants: [{ role: 'viewer' }],
    });
    assert.equal(team.status, 201, team.text);
    const page = await openEditor(DEMO_PROJECT, (key.json as { key: string }).key);
    await page.getByText('Read only.').waitFor();
    await page.getByText(/permission project\.edit/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Move up/ }).count(), 0);
    await page.getByRole('button', { name: 'Deploy web', exact: true }).click();
    assert.equal(await page.getByLabel('Step name').isDisabled(), true);
    await checkA11y(page);
    await page.close();
  });

  it('ends with no page errors', () => {
    assert.deepEqual(
      errors.filter((e) => !/40[39]|412|Failed to load resource/.test(e)),
      [],
    );
  });
});
