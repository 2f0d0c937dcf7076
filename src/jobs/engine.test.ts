import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, afterEach, before, describe, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';
import {
  aborted,
  fakeExecutor,
  openEngineModel,
  step,
  target,
  testStep,
  until,
  type Call,
} from '../../test/kits/engine.js';
import type { StepContext } from './executor.js';
import { manualInterventionExecutor } from './executors/manual-intervention.js';

type Fixture = Awaited<ReturnType<typeof openEngineModel>>;

forEachBackend('deployment engine', (backend) => {
  let m: Fixture;
  before(async () => {
    m = await openEngineModel(backend);
  });
  // One engine per test: an engine left running would take the next test's deployments.
  afterEach(async () => {
    await m.stopAll();
  });
  after(async () => {
    await m.stopAll();
  });

  describe('running', () => {
    it('runs three steps in order, ends success and writes the log tree', async () => {
      const { executor, calls } = fakeExecutor({
        talk: async (ctx) => {
          ctx.log.info(`hello from ${ctx.step.name}`);
          return { outcome: 'success' };
        },
      });
      const engine = await m.engine([executor]);
      const d = await m.deployment([
        testStep('One', {}, 'talk'),
        testStep('Two', {}, 'talk'),
        testStep('Three', {}, 'talk'),
      ]);
      await engine.enqueue([d.id]);
      await engine.waitFor(d.id, 30_000);
      const done = await m.deployments.getById(d.id);
      assert.equal(done.state, 'success', done.error);
      assert.deepEqual(
        calls.map((c) => c.step),
        ['One', 'Two', 'Three'],
      );
      for (let i = 1; i < calls.length; i++) assert.ok(calls[i]!.at >= calls[i - 1]!.endedAt!);
      const log = await m.deployments.log(d.id);
      for (const name of ['One', 'Two', 'Three']) {
        assert.ok(
          log.some((l) => l.path.length === 1 && l.path[0] === name && l.message === `hello from ${name}`),
          `a line under ${name}`,
        );
      }
      assert.ok(log.some((l) => l.path.length === 0 && /succeeded/.test(l.message)));
      const steps = await m.deployments.steps(d.id);
      assert.deepEqual(
        steps.map((s) => s.state),
        ['success', 'success', 'success'],
      );
    });

    it('queues again a deployment stored as queued whose enqueue was lost', async () => {
      const { executor } = fakeExecutor({ talk: async () => ({ outcome: 'success' }) });
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Only', {}, 'talk')]);
      // As if the node that stored it died before sending its job.
      await sql`update deployments set created_at = now() - interval '1 minute' where id = ${d.id}`.execute(
        m.store.db,
      );
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
    });

    it('runs start-with-previous steps at the same time', async () => {
      let inFlight = 0;
      let together = false;
      const { executor } = fakeExecutor({
        pair: async () => {
          inFlight++;
          await until(() => inFlight >= 2 || together, 10_000).catch(() => {});
          together ||= inFlight >= 2;
          return { outcome: 'success' };
        },
      });
      const engine = await m.engine([executor]);
      const d = await m.deployment([
        testStep('Left', {}, 'pair'),
        testStep('Right', { startTrigger: 'with-previous' }, 'pair'),
      ]);
      await engine.enqueue([d.id]);
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      assert.ok(together, 'both steps were running at once');
    });

    it('runs a per-target step once on every target, logging under step and target', async () => {
      const { executor, calls } = fakeExecutor(
        {
          talk: async (ctx) => {
            ctx.log.info(`on ${ctx.target?.cluster ?? '?'}`);
            return { outcome: 'success' };
          },
        },
        true,
      );
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Deploy', { roles: ['web'] }, 'talk')], {
        targets: [target('T1', ['web']), target('T2', ['web']), target('T3', ['db'])],
      });
      await engine.enqueue([d.id]);
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      assert.deepEqual(calls.map((c) => c.target).sort(), ['Cluster T1', 'Cluster T2']);
      const log = await m.deployments.log(d.id);
      assert.ok(log.some((l) => l.path.join('/') === 'Deploy/Cluster T1' && l.message === 'on cluster-T1'));
    });

    it('fails a step with roles but no target, naming the roles and the environment', async () => {
      const { executor } = fakeExecutor({}, true);
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Deploy', { roles: ['api', 'worker'] })]);
      await engine.enqueue([d.id]);
      await engine.waitFor(d.id, 30_000);
      const done = await m.deployments.getById(d.id);
      assert.equal(done.state, 'failed');
      assert.match(done.error ?? '', /api, worker/);
      assert.match(done.error ?? '', /Production/);
    });

    it('without guided failure fails the deployment and runs only failure/always steps after', async () => {
      const { executor, calls } = fakeExecutor({
        boom: async () => ({ outcome: 'failed', error: 'the service would not start' }),
      });
      const engine = await m.engine([executor]);
      const d = await m.deployment([
        testStep('Break', {}, 'boom'),
        testStep('Next'),
        testStep('Cleanup', { condition: 'always' }),
        testStep('Alert', { condition: 'failure' }),
      ]);
      await engine.enqueue([d.id]);
      await engine.waitFor(d.id, 30_000);
      const done = await m.deployments.getById(d.id);
      assert.equal(done.state, 'failed');
      assert.match(done.error ?? '', /Break.*the service would not start/);
      assert.deepEqual(
        calls.map((c) => c.step),
        ['Break', 'Cleanup', 'Alert'],
      );
    });

    it('masks the deployment’s sensitive values and sensitive outputs in every line', async () => {
      const secret = 'hunter2-very-secret';
      const output = 'token-from-step-one';
      const { executor } = fakeExecutor({
        leak: async (ctx) => {
          ctx.setOutput('Token', output, true);
          ctx.log.info(`password ${secret} token ${output}`);
          return { outcome: 'success' };
        },
        later: async (ctx) => {
          ctx.log.info(`still ${output}`);
          return { outcome: 'success' };
        },
      });
      const engine = await m.engine([executor], {
        deps: {
          load: async (d) => {
            const { facts, step } = await import('../../test/kits/deployment-plan.js');
            void step;
            return {
              facts: facts({
                deploymentId: d.id,
                process: { steps: [testStep('One', {}, 'leak'), testStep('Two', {}, 'later')] },
              }),
              snapshot: [
                {
                  id: 'v1',
                  name: 'Password',
                  value: secret,
                  type: 'sensitive',
                  scope: {},
                  source: { kind: 'project', id: 'p', name: 'web' },
                } as never,
              ],
              tenantValues: {},
            };
          },
        },
      });
      const d = await m.deployment([]);
      await engine.enqueue([d.id]);
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      const text = (await m.deployments.log(d.id)).map((l) => l.message).join('\n');
      assert.ok(!text.includes(secret), text);
      assert.ok(!text.includes(output), text);
      assert.match(text, /password \*+ token \*+/);
      assert.match(text, /still \*+/);
    });
  });

  describe('guided failure', () => {
    const flaky = () => {
      let attempts = 0;
      return fakeExecutor({
        flaky: async (ctx: StepContext) => {
          attempts++;
          await ctx.saveProgress({ attempt: attempts });
          return attempts === 1 ? { outcome: 'failed', error: 'first try fails' } : { outcome: 'success' };
        },
        boom: async () => ({ outcome: 'failed', error: 'always fails' }),
      });
    };

    it('waits for an answer; retry runs the step afresh (not resuming what the failed attempt saved)', async () => {
      const { executor, calls } = flaky();
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Flaky', {}, 'flaky'), testStep('After')], {
        guidedFailure: true,
      });
      await engine.enqueue([d.id]);
      const question = await m.openInterruption(d.id);
      assert.equal(question.kind, 'guided-failure');
      assert.equal(question.step, 'Flaky');
      assert.equal((await m.deployments.getById(d.id)).state, 'executing');
      await m.deployments.answer(SPACE, question.id, 'retry', '', ACTOR);
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      assert.deepEqual(
        calls.map((c) => c.step),
        ['Flaky', 'Flaky', 'After'],
      );
      assert.deepEqual(calls[1]!.previous, {});
    });

    it('a retried manual intervention asks again instead of reusing the answer that failed it', async () => {
      const engine = await m.engine([manualInterventionExecutor]);
      const approval = step('Approve', {
        action: { type: 'manual-intervention', packages: [], instructions: 'Look', responsibleTeams: [] },
      });
      const d = await m.deployment([approval], { guidedFailure: true });
      await engine.enqueue([d.id]);
      const asked = await m.openInterruption(d.id);
      assert.equal(asked.kind, 'manual-intervention');
      await m.deployments.answer(SPACE, asked.id, 'abort', 'not yet', ACTOR);
      const guided = await m.openInterruption(d.id);
      assert.equal(guided.kind, 'guided-failure');
      assert.match(guided.instructions, /aborted/);
      await m.deployments.answer(SPACE, guided.id, 'retry', '', ACTOR);
      const again = await m.openInterruption(d.id);
      assert.equal(again.kind, 'manual-intervention');
      assert.notEqual(again.id, asked.id);
      await m.deployments.answer(SPACE, again.id, 'proceed', 'looks good', ACTOR);
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      const log = (await m.deployments.log(d.id)).map((l) => l.message).join('\n');
      assert.match(log, /Manual intervention: proceed \(.+: looks good\)/);
    });

    it('ignore counts the step as a success and continues', async () => {
      const { executor, calls } = flaky();
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Broken', {}, 'boom'), testStep('After')], {
        guidedFailure: true,
      });
      await engine.enqueue([d.id]);
      const question = await m.openInterruption(d.id);
      await m.deployments.answer(SPACE, question.id, 'ignore', '', ACTOR);
      await engine.waitFor(d.id, 30_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      assert.deepEqual(
        calls.map((c) => c.step),
        ['Broken', 'After'],
      );
    });

    it('fail ends the deployment failed', async () => {
      const { executor, calls } = flaky();
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Broken', {}, 'boom'), testStep('After')], {
        guidedFailure: true,
      });
      await engine.enqueue([d.id]);
      const question = await m.openInterruption(d.id);
      await m.deployments.answer(SPACE, question.id, 'fail', '', ACTOR);
      await engine.waitFor(d.id, 30_000);
      const done = await m.deployments.getById(d.id);
      assert.equal(done.state, 'failed');
      assert.match(done.error ?? '', /always fails/);
      assert.deepEqual(
        calls.map((c) => c.step),
        ['Broken'],
      );
    });
  });

  describe('cancel', () => {
    it('stops a long step within seconds: the executor’s signal aborts, the deployment ends canceled', async () => {
      const { executor, calls } = fakeExecutor({
        long: async (ctx) => {
          await aborted(ctx.signal);
          return { outcome: 'failed', error: 'stopped' };
        },
      });
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Long', {}, 'long'), testStep('After')]);
      await engine.enqueue([d.id]);
      await until(() => calls.length === 1);
      await engine.cancel(d.id);
      await engine.waitFor(d.id, 10_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'canceled');
      assert.ok(calls[0]!.signal.aborted);
      assert.equal(calls.length, 1, 'no step after the canceled one');
    });

    it('sees a cancel made on another node (through the store)', async () => {
      const { executor, calls } = fakeExecutor({
        long: async (ctx) => {
          await aborted(ctx.signal);
          return { outcome: 'failed', error: 'stopped' };
        },
      });
      const engine = await m.engine([executor]);
      const d = await m.deployment([testStep('Long', {}, 'long')]);
      await engine.enqueue([d.id]);
      await until(() => calls.length === 1);
      await m.deployments.transition(d.id, ['executing'], 'cancelling');
      await engine.waitFor(d.id, 10_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'canceled');
      assert.ok(calls[0]!.signal.aborted);
    });

    it('a queued deployment canceled before it starts goes straight to canceled', async () => {
      const { executor, calls } = fakeExecutor({});
      const finished: string[] = [];
      const { createEngine } = await import('./engine.js');
      const engine = await createEngine({
        store: m.store,
        secrets: m.secrets,
        executors: [executor],
        work: false,
        onFinished: async (id) => {
          finished.push(id);
        },
      });
      const d = await m.deployment([testStep('Never')]);
      await engine.enqueue([d.id]);
      await engine.cancel(d.id);
      assert.equal((await m.deployments.getById(d.id)).state, 'canceled');
      assert.deepEqual(finished, [d.id]);
      assert.equal(calls.length, 0);
      await engine.stop();
    });
  });

  describe('several nodes', () => {
    it('resumes on another node after one dies mid-step; the irreversible action happens once', async () => {
      let irreversible = 0;
      const seen: Call[] = [];
      const behaviours = {
        once: async (ctx: StepContext, call: Call) => {
          seen.push(call);
          if (ctx.previous.done !== true) {
            irreversible++;
            await ctx.saveProgress({ done: true });
            // The node "dies" while this step waits on AWS.
            await aborted(ctx.signal);
            return { outcome: 'failed' as const, error: 'interrupted' };
          }
          return { outcome: 'success' as const };
        },
      };
      const a = fakeExecutor(behaviours);
      const engineA = await m.engine([a.executor], { nodeId: 'node-a' });
      const d = await m.deployment([testStep('First'), testStep('Once', {}, 'once'), testStep('Last')]);
      await engineA.enqueue([d.id]);
      await until(async () => (await m.deployments.steps(d.id)).some((s) => s.progress.done === true));
      await engineA.kill();
      assert.equal((await m.deployments.getById(d.id)).state, 'executing');

      const b = fakeExecutor(behaviours);
      const engineB = await m.engine([b.executor], { nodeId: 'node-b' });
      await engineB.waitFor(d.id, 30_000);
      const done = await m.deployments.getById(d.id);
      assert.equal(done.state, 'success', done.error);
      assert.equal(irreversible, 1);
      assert.deepEqual(
        b.calls.map((c) => c.step),
        ['Once', 'Last'],
        'node B skips the step that had succeeded',
      );
      assert.deepEqual(seen.at(-1)!.previous, { done: true });
    });

    it('stop() lets go of running deployments so another node resumes them without waiting for the lease', async () => {
      const behaviours = {
        once: async (ctx: StepContext) => {
          if (ctx.previous.started === true) return { outcome: 'success' as const };
          await ctx.saveProgress({ started: true });
          await aborted(ctx.signal);
          return { outcome: 'failed' as const, error: 'stopped' };
        },
      };
      const a = fakeExecutor(behaviours);
      const engineA = await m.engine([a.executor], { nodeId: 'node-a' });
      const d = await m.deployment([testStep('Once', {}, 'once')]);
      await engineA.enqueue([d.id]);
      await until(async () => (await m.deployments.steps(d.id)).some((s) => s.progress.started === true));
      await engineA.stop();
      assert.equal((await m.deployments.getById(d.id)).state, 'executing');
      // A lease is stale only after a minute here: node B can resume at once only because A let go.
      const b = fakeExecutor(behaviours);
      const engineB = await m.engine([b.executor], { nodeId: 'node-b', leaseStaleMs: 60_000 });
      await engineB.waitFor(d.id, 20_000);
      assert.equal((await m.deployments.getById(d.id)).state, 'success');
      assert.deepEqual(b.calls[0]!.previous, { started: true });
    });

    it('runs 20 deployments at once on one node', async () => {
      let inFlight = 0;
      let most = 0;
      const { executor } = fakeExecutor({
        wait: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await until(() => most >= 20, 20_000).catch(() => {});
          inFlight--;
          return { outcome: 'success' };
        },
      });
      const engine = await m.engine([executor]);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await m.deployment([testStep('Wait', {}, 'wait')])).id);
      await engine.enqueue(ids);
      await Promise.all(ids.map((id) => engine.waitFor(id, 60_000)));
      for (const id of ids) assert.equal((await m.deployments.getById(id)).state, 'success');
      assert.equal(most, 20);
    });
  });
});
