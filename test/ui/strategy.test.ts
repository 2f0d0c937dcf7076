/**
 * A native BLUE_GREEN deployment in Chromium against a whole Slipway over the sandbox (time scale
 * 100): a service whose strategy has a PAUSE hook at POST_TEST_TRAFFIC_SHIFT, deployed by the Update
 * ECS Service step. The rollout view shows the strategy, the stage reaching POST_TEST_TRAFFIC_SHIFT
 * with 100 % test and 0 % production traffic on the new revision, and links the paused hook to its
 * manual intervention (which names the test listener); Proceed answered in the page takes the stages
 * on to success. Then the process editor sets the step's early success criteria (on, off, the
 * service's own), saved through the API. Accessibility in each state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { deploymentSchema, releaseSchema } from '../../src/server/routes/release-http.js';
import { createPausedBlueGreenService } from '../kits/blue-green-service.js';
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

const REGION = 'us-east-1';
const CLUSTER = 'ui-bg';
const SERVICE = 'bg-web';
const PROJECT = 'bluegreen';
/** Rollouts here take seconds; the deadline only turns a hang into a failure. */
const DEADLINE = { timeout: 45_000 };

const CONFIG = `apiVersion: slipway/v1
space: Default
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: ${REGION} }
lifecycles:
  - name: Dev only
    phases: [{ name: Development, manualEnvironments: [Dev] }]
projects:
  - name: ${PROJECT}
    lifecycle: Dev only
    process:
      steps:
        - name: Deploy
          roles: [bg]
          action:
            type: ecs-update-service
            service: ${SERVICE}
            containers:
              - name: web
                environment: [{ name: RELEASE, value: '#{Octopus.Release.Number}' }]
ecsTargets:
  - { name: bg, awsAccount: Sandbox, region: ${REGION}, cluster: ${CLUSTER}, roles: [bg], environments: [Dev] }
`;

describe('a BLUE_GREEN deployment in the browser', { skip: UI_SKIP }, () => {
  let ui: UiWorld;
  let ecs: ECSClient;
  let testListener = '';
  const errors: string[] = [];
  const api = (...parts: string[]) => ui.world.client.spacePath(...parts);

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + DEADLINE.timeout;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function deploy(version: string): Promise<string> {
    const release = await ui.world.client.post(
      api('releases'),
      { project: PROJECT, version, packages: [] },
      releaseSchema,
    );
    const created = await ui.world.client.post(
      api('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    return created.items[0]!.id;
  }

  async function openPage(path: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await ui.newPage(viewport);
    errors.push(...pageErrors(page));
    await signInWithKey(page, ui.world.apiKey, path);
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page;
  }

  const rollout = (page: Page) => page.getByRole('region', { name: 'Rollout' });
  const stages = (page: Page) => rollout(page).getByRole('list', { name: `Lifecycle stages of ${SERVICE}` });

  before(async () => {
    ui = await startUiWorld({ timeScale: 100, throttling: false });
    ecs = ui.world.ecs();
    ({ testListener } = await createPausedBlueGreenService(ui.world, ecs, {
      region: REGION,
      cluster: CLUSTER,
      service: SERVICE,
      prefix: 'uibg',
    }));
    await ui.world.apply(CONFIG);
  });
  after(async () => {
    ecs?.destroy();
    await ui?.close();
  });

  it('shows BLUE_GREEN paused at POST_TEST_TRAFFIC_SHIFT, links the intervention, and Proceed goes on to success', async () => {
    const id = await deploy('1.0.0');
    const page = await openPage(`/spaces/Default/deployments/${id}`);
    await rollout(page)
      .getByRole('heading', { name: new RegExp(`Service ${SERVICE}`) })
      .waitFor(DEADLINE);
    await rollout(page).getByRole('heading', { name: 'BLUE_GREEN deployment' }).waitFor(DEADLINE);

    // Paused at the hook: the stage is the current step of the sequence, test traffic on the new revision.
    const current = stages(page).locator('[aria-current="step"]');
    await current.getByText('POST_TEST_TRAFFIC_SHIFT', { exact: true }).waitFor(DEADLINE);
    await rollout(page).getByText('Paused', { exact: true }).waitFor(DEADLINE);
    await rollout(page).getByText('test 100 % · production 0 %').waitFor(DEADLINE);
    assert.match(
      await stages(page).innerText(),
      /SCALE_UP[\s\S]*TEST_TRAFFIC_SHIFT[\s\S]*BAKE_TIME[\s\S]*CLEAN_UP/,
    );
    const revisions = rollout(page).getByRole('table', {
      name: `Revisions of ${SERVICE} in this service deployment`,
    });
    const target = revisions.getByRole('row').filter({ hasText: 'TARGET' });
    assert.match(
      await target.innerText(),
      /this deployment[\s\S]*bg-web:\d+[\s\S]*IN_PROGRESS\s+100 %\s+0 %/,
    );
    const source = revisions.getByRole('row').filter({ hasText: 'SOURCE' });
    assert.match(await source.innerText(), /IN_PROGRESS\s+0 %\s+100 %/);

    // The paused hook links to its manual intervention, whose instructions name the test listener.
    const link = rollout(page).getByRole('link', {
      name: /Answer the manual intervention: Deploy: bg-web paused at POST_TEST_TRAFFIC_SHIFT/,
    });
    await link.waitFor(DEADLINE);
    await stages(page).scrollIntoViewIfNeeded();
    await screenshot(page, 'deployment-blue-green');
    await link.click();
    assert.match(page.url(), /#interruption-/);
    const card = page.locator('.interruption-open');
    await card.getByText(`test listener rule ${testListener}`, { exact: false }).waitFor(DEADLINE);
    await checkA11y(page);

    const phone = await openPage(`/spaces/Default/deployments/${id}`, PHONE);
    await stages(phone)
      .locator('[aria-current="step"]')
      .getByText('POST_TEST_TRAFFIC_SHIFT')
      .waitFor(DEADLINE);
    await checkA11y(phone);
    await phone.close();

    await card.getByLabel('Notes').fill('test traffic looks good');
    await card.getByRole('button', { name: 'Proceed' }).click();
    await page.getByText(/Proceeded/).waitFor(DEADLINE);

    // The stages go on: the hook answered, then BAKE_TIME and CLEAN_UP passed, SUCCESSFUL.
    await rollout(page)
      .getByText(/PAUSE hook ecs-pause-\S+ answered: CONTINUE/)
      .waitFor(DEADLINE);
    await rollout(page)
      .locator('.strategy .badge')
      .getByText('SUCCESSFUL', { exact: true })
      .waitFor(DEADLINE);
    await rollout(page).getByText('Success', { exact: true }).waitFor(DEADLINE);
    await page.locator('.deployment-facts').getByText('Success', { exact: true }).waitFor(DEADLINE);
    assert.equal(await stages(page).locator('[aria-current="step"]').count(), 0, 'no stage is current');
    for (const stage of ['BAKE_TIME', 'CLEAN_UP'])
      assert.match(
        await stages(page).getByRole('listitem').filter({ hasText: stage }).innerText(),
        new RegExp(`✓\\s*${stage}`),
      );
    await rollout(page).getByText('test 100 % · production 100 %').waitFor(DEADLINE);
    await checkA11y(page);
    await page.close();
  });

  it('sets the step’s early success criteria in the process editor, saved through the API', async () => {
    const page = await openPage(`/spaces/Default/projects/${PROJECT}/process`);
    const mode = page.getByLabel('Early success criteria');
    // A save resets the form (the steps close): open the step again where needed.
    const openStep = async () => {
      if ((await mode.count()) === 0) await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await mode.waitFor();
    };
    const readAction = async () => {
      const answer = await ui.world.request('GET', api('projects', PROJECT, 'process'));
      return (answer.json as { version: number; steps: { action: Record<string, unknown> }[] }).steps[0]!
        .action;
    };
    /** Saves and waits until the API holds `expected` (undefined: no earlySuccess at all). */
    const saveAndRead = async (expected: unknown) => {
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      return waitFor(`earlySuccess ${JSON.stringify(expected)} saved`, async () => {
        const action = await readAction();
        return isDeepStrictEqual(action['earlySuccess'], expected) ? action : undefined;
      });
    };

    await openStep();
    assert.equal(await mode.inputValue(), 'service');
    await mode.selectOption('on');
    await page.getByLabel(/^Healthy percent/).fill('75');
    await page.getByLabel('Old tasks').selectOption('DEFERRED');
    await checkA11y(page);
    await saveAndRead({ healthyPercent: 75, cleanup: 'DEFERRED' });
    await page.locator('.process-status').getByText('Saved.').waitFor();

    await openStep();
    assert.equal(await mode.inputValue(), 'on', 'read back from the saved process');
    assert.equal(await page.getByLabel(/^Healthy percent/).inputValue(), '75');
    await mode.selectOption('off');
    await saveAndRead(false);

    await openStep();
    await page.locator('.process-status').getByText('Saved.').waitFor();
    await mode.selectOption('service');
    const action = await saveAndRead(undefined);
    assert.equal('earlySuccess' in action, false);
    await page.close();
  });

  it('ends with no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
