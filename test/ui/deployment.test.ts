/**
 * The deployment page in Chromium against a whole Slipway with the demo's space (time scale 120):
 * a deployment to Dev watched live until its rollout view reaches Success; the search filtering the
 * log (kept in the URL); a crashing image's deployment failing with the stopped tasks' reasons; a
 * manual intervention answered Proceed in the page, with a note, and the deployment going on; a
 * deployment cancelled while it waits; an unknown deployment; accessibility at desktop and phone
 * width in each state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { deploymentSchema, releaseSchema } from '../../src/server/routes/release-http.js';
import { seedDemoSpace, DEMO_PROJECT } from './demo-space.js';
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

/** Rollouts here take seconds; the deadline only turns a hang into a failure. */
const DEADLINE = { timeout: 45_000 };

describe('the deployment page', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  const errors: string[] = [];
  const api = (...parts: string[]) => ui.world.client.spacePath(...parts);

  async function deploy(project: string, version: string, packages: string[]): Promise<string> {
    const release = await ui.world.client.post(
      api('releases'),
      { project, version, packages },
      releaseSchema,
    );
    const created = await ui.world.client.post(
      api('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    return created.items[0]!.id;
  }

  async function openPage(id: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await ui.newPage(viewport);
    errors.push(...pageErrors(page));
    await signInWithKey(page, ui.world.apiKey, `/spaces/Default/deployments/${id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page;
  }

  /** Replaces a project's process steps with what `steps` makes of the current ones. */
  async function putProcess(project: string, steps: (current: unknown[]) => unknown[]): Promise<void> {
    const processPath = api('projects', project, 'process');
    const res = await ui.world.request('GET', processPath);
    const process = res.json as { steps: unknown[]; version: number };
    const put = await fetch(ui.world.url + processPath, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ui.world.apiKey}`,
        'content-type': 'application/json',
        'if-match': `"${process.version}"`,
      },
      body: JSON.stringify({ ...process, steps: steps(process.steps) }),
    });
    assert.equal(put.status, 200, await put.text());
  }

  const rollout = (page: Page) => page.getByRole('region', { name: 'Rollout' });
  const facts = (page: Page) => page.locator('.deployment-facts');

  before(async () => {
    ui = await startUiWorld({ timeScale: 120 });
    await seedDemoSpace(ui.world);
  });
  after(async () => {
    await ui?.close();
  });

  it('follows a deployment live: the log grows and the rollout view reaches Success without a reload', async () => {
    const id = await deploy(DEMO_PROJECT, '1.2.0', ['hello-color:1.2.0']);
    const page = await openPage(id);
    // A marker that a reload would lose.
    await page.evaluate('window.__stayed = true');
    await page.getByRole('heading', { level: 1, name: /hello-color 1\.2\.0.*Dev/ }).waitFor();
    await rollout(page)
      .getByRole('heading', { name: /Service hello-color-dev/ })
      .waitFor(DEADLINE);
    await rollout(page).getByText('Success', { exact: true }).waitFor(DEADLINE);
    await facts(page).getByText('Success', { exact: true }).waitFor(DEADLINE);
    await page.getByText('Complete', { exact: true }).waitFor(DEADLINE);
    assert.equal(await page.evaluate('window.__stayed === true'), true, 'the page was not reloaded');
    // The service's deployments table: ours is PRIMARY on the new revision, all running.
    const table = rollout(page).getByRole('table', { name: /ECS deployments of hello-color-dev/ });
    const ours = table.getByRole('row').filter({ hasText: 'this deployment' });
    assert.match(await ours.innerText(), /PRIMARY[\s\S]*hello-color-dev:\d+[\s\S]*COMPLETED/);
    await rollout(page).getByRole('heading', { name: 'ECS service events' }).waitFor();
    await rollout(page)
      .getByText(/has started \d+ tasks/)
      .first()
      .waitFor();
    // The log tree: the step, its target, levels as words.
    await page.getByRole('button', { name: 'Deploy', exact: true }).waitFor();
    assert.equal(
      await page.getByRole('button', { name: 'Deploy', exact: true }).getAttribute('aria-expanded'),
      'true',
    );
    await page.getByRole('button', { name: 'hello', exact: true }).waitFor();
    await page.getByRole('link', { name: '1.2.0' }).waitFor();
    await checkA11y(page);
    await screenshot(page, 'deployment');

    // Search: filters the lines, highlights the matches, lives in the URL.
    const all = await page.locator('.log-line').count();
    await page.getByLabel('Search the log').fill('registered');
    await page.getByText(/^\d+ of \d+ lines match$/).waitFor();
    assert.match(page.url(), /[?&]q=registered/);
    const shown = await page.locator('.log-line').count();
    assert.ok(shown >= 1 && shown < all, `search shows ${shown} of ${all} lines`);
    assert.ok((await page.locator('.log-line mark').count()) >= 1);
    await page.getByLabel('Search the log').fill('no such words here');
    await page.getByText('No line matches “no such words here”.').waitFor();
    await page.getByRole('button', { name: 'Clear the search' }).click();
    await page
      .getByText(/^\d+ lines$/)
      .first()
      .waitFor();
    // Collapse a step from the keyboard.
    await page.getByRole('button', { name: 'Deploy', exact: true }).focus();
    await page.keyboard.press('Enter');
    assert.equal(
      await page.getByRole('button', { name: 'Deploy', exact: true }).getAttribute('aria-expanded'),
      'false',
    );

    const phone = await openPage(`${id}?q=deploy`, PHONE);
    await rollout(phone).getByText('Success', { exact: true }).waitFor(DEADLINE);
    assert.equal(await phone.getByLabel('Search the log').inputValue(), 'deploy');
    await checkA11y(phone);
  });

  it('shows a crashing image’s failure: the stopped tasks with their reasons, and Failed', async () => {
    // A service without ECS's circuit breaker, so Slipway's own judge reads the stopped tasks, and a
    // tag whose essential container exits with code 2 a second after it starts (the sandbox's image fault).
    const repository = await ui.world.pushImages('hello-color', ['9.0.0']);
    await ui.world.admin('faults/images', {
      image: `${repository}:9.0.0`,
      crashExitCode: 2,
      crashAfterSeconds: 1,
    });
    const ecs = ui.world.ecs();
    try {
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'crashy',
          containerDefinitions: [{ name: 'web', image: `${repository}:1.0.0`, memory: 128, essential: true }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'hello',
          serviceName: 'crashy',
          taskDefinition: td.taskDefinition!.taskDefinitionArn!,
          desiredCount: 2,
        }),
      );
    } finally {
      ecs.destroy();
    }
    await ui.world.client.post(api('projects'), { name: 'crashy', lifecycle: 'Dev to Prod' }, z.unknown());
    await putProcess('crashy', () => [
      {
        name: 'Deploy',
        roles: ['hello-color'],
        action: {
          type: 'ecs-update-service',
          service: 'crashy',
          timeoutMinutes: 10,
          packages: [{ name: 'hello-color', feed: 'Sandbox ECR', image: 'hello-color' }],
          containers: [{ name: 'web', image: 'hello-color' }],
        },
      },
    ]);
    const id = await deploy('crashy', '9.0.0', ['hello-color:9.0.0']);
    const page = await openPage(id);
    await facts(page).getByText('Failed', { exact: true }).waitFor(DEADLINE);
    await page
      .getByRole('alert')
      .filter({ hasText: /Failed:/ })
      .waitFor();
    const service = rollout(page).getByRole('article').filter({ hasText: 'Service crashy' });
    await service.getByText(/tasks of crashy:2 stopped: .*exit code 2/).waitFor(DEADLINE);
    await service
      .getByText(/^Failed/)
      .first()
      .waitFor();
    await checkA11y(page);
    await screenshot(page, 'deployment-failed');
  });

  describe('with a manual intervention before the ECS step', () => {
    before(async () => {
      const approve = {
        name: 'Approve',
        action: { type: 'manual-intervention', instructions: 'Check the colour on Dev before it goes out.' },
      };
      await putProcess(DEMO_PROJECT, (steps) => [approve, ...steps]);
    });

    it('answers Proceed in the page with a note, and the deployment goes on to Success', async () => {
      const id = await deploy(DEMO_PROJECT, '1.3.0', ['hello-color:1.1.0']);
      const page = await openPage(id);
      const card = page.getByRole('region', { name: /Manual intervention|Approve/ });
      const notes = page.getByLabel('Notes');
      await notes.waitFor(DEADLINE);
      await page.getByText('Check the colour on Dev before it goes out.').first().waitFor();
      await page.getByRole('link', { name: /\(step Approve\)/ }).waitFor();
      await checkA11y(page);
      await screenshot(page, 'intervention');
      const phone = await openPage(id, PHONE);
      await phone.getByLabel('Notes').waitFor(DEADLINE);
      await checkA11y(phone);
      await phone.close();

      await notes.fill('Blue looks right.');
      await page.getByRole('button', { name: 'Proceed' }).click();
      await page.getByText(/Proceeded/).waitFor(DEADLINE);
      await page.getByText('Blue looks right.').first().waitFor();
      assert.ok(card);
      await rollout(page).getByText('Success', { exact: true }).waitFor(DEADLINE);
      await facts(page).getByText('Success', { exact: true }).waitFor(DEADLINE);
      const interruptions = await ui.world.request('GET', api('deployments', id, 'interruptions'));
      const answered = (interruptions.json as { items: { answer?: string; notes?: string }[] }).items[0];
      assert.equal(answered?.answer, 'proceed');
      assert.equal(answered?.notes, 'Blue looks right.');
    });

    it('cancels a running deployment after confirming; a viewer may neither cancel nor answer', async () => {
      const id = await deploy(DEMO_PROJECT, '1.4.0', ['hello-color:1.1.0']);
      // A viewer sees the question and the cancel button, both disabled with the reason.
      const user = await ui.world.client.post(
        '/api/users',
        { name: 'watcher' },
        z.object({ id: z.string() }),
      );
      const { key } = await ui.world.client.post(
        `/api/users/${user.id}/api-keys`,
        { name: 'ui' },
        z.object({ key: z.string() }),
      );
      await ui.world.client.post(
        api('teams'),
        { name: 'Watchers', members: ['watcher'], grants: [{ role: 'viewer' }] },
        z.unknown(),
      );
      const viewer = await ui.newPage();
      errors.push(...pageErrors(viewer));
      await signInWithKey(viewer, key, `/spaces/Default/deployments/${id}`);
      const proceed = viewer.getByRole('button', { name: 'Proceed' });
      await proceed.waitFor(DEADLINE);
      assert.equal(await proceed.getAttribute('aria-disabled'), 'true');
      await viewer.getByText(/permission interruption\.submit/).waitFor();
      assert.equal(
        await viewer.getByRole('button', { name: 'Cancel', exact: true }).getAttribute('aria-disabled'),
        'true',
      );
      await viewer.getByText(/permission task\.cancel/).waitFor();
      await checkA11y(viewer);

      const page = await openPage(id);
      await page.getByLabel('Notes').waitFor(DEADLINE);
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('button', { name: 'Keep it running' }).click();
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('button', { name: 'Yes, cancel the deployment' }).click();
      await facts(page).getByText('Canceled', { exact: true }).waitFor(DEADLINE);
      await page.getByText('The deployment has finished: there is nothing to cancel.').waitFor();
      assert.equal((await ui.world.waitForDeployment(id)).state, 'canceled');
    });
  });

  it('says what to do about an unknown deployment', async () => {
    const page = await openPage('Deployments-999999');
    await page.getByRole('heading', { level: 1, name: 'Deployment not found' }).waitFor();
    await page.getByRole('link', { name: 'dashboard', exact: true }).waitFor();
    await checkA11y(page);
    // The 404 of the deployment read is expected here; nothing else may fail.
    assert.deepEqual(
      errors.filter((e) => !/404/.test(e)),
      [],
    );
  });
});
