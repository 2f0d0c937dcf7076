/**
 * Promise: a server killed with -9 just before or just after its UpdateService call is resumed by
 * another node within 60 s, and each service still gets exactly one RegisterTaskDefinition and one
 * UpdateService, and its deployment succeeds.
 *
 * Two `slipway server` processes on one PostgreSQL; AWS in a sandbox behind a proxy that holds
 * node 1's UpdateService of `early` before it reaches AWS and withholds AWS's answer to its
 * UpdateService of `late` (AWS applied it; node 1 never learns the ECS deployment id). Node 1 is
 * SIGKILLed with both calls held: both steps had saved the registered revision and nothing more.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAwsProxy, type AwsProxy } from '../kits/aws-proxy.js';
import {
  RUNNING,
  image,
  startFaultCluster,
  type FaultCluster,
  type ServiceOutcome,
} from '../kits/fault-cluster.js';
import { figure, seconds, waitUntil, within } from '../kits/waits.js';
import { postgresUnavailableReason } from '../helpers/postgres.js';

/** The issue's bound: another node resumes a dead node's deployments within this (a wait limit). */
const RESUME_LIMIT_MS = 60_000;

interface Outcome extends ServiceOutcome {
  state: string;
  log: string;
}

const skip = postgresUnavailableReason();

describe('kill -9 of a server during UpdateService', skip ? { skip } : {}, () => {
  let cluster: FaultCluster | undefined;
  let proxy: AwsProxy | undefined;
  let early: Outcome;
  let late: Outcome;
  let registeredByNode1: Record<string, string>;
  let calls: Record<string, number>;

  after(async () => {
    await proxy?.close();
    await cluster?.close();
  });

  before(
    async () => {
      cluster = await startFaultCluster(['early', 'late']);
      const c = cluster;
      proxy = await startAwsProxy(c.sandbox.endpoint);
      const heldEarly = proxy.hold({
        action: 'UpdateService',
        bodyIncludes: '"service":"early"',
        when: 'before',
      });
      const heldLate = proxy.hold({
        action: 'UpdateService',
        bodyIncludes: '"service":"late"',
        when: 'after',
      });

      const node1 = await c.startNode('node 1', proxy.endpoint);
      const client1 = c.client(node1);
      await c.apply(client1, [{ name: 'early' }, { name: 'late' }]);
      const earlyId = await c.deploy(client1, 'early');
      const lateId = await c.deploy(client1, 'late');
      const held = await within(
        'node 1 to call UpdateService for both services',
        Promise.all([heldEarly, heldLate]),
        60_000,
        c.context,
      );
      // AWS applied late's update (its answer is held); early's never left the proxy.
      assert.equal(held[0].answer, undefined);
      assert.equal(held[1].answer?.status, 200, held[1].answer?.body);

      // The window: each step saved the revision it registered, and no ECS deployment id.
      const progress = await c.query<{ id: string; progress: Record<string, unknown> }>(
        `select deployment_id as id, progress from deployment_steps where deployment_id = any($1)`,
        [[earlyId, lateId]],
      );
      registeredByNode1 = {};
      for (const [id, service] of [
        [earlyId, 'early'],
        [lateId, 'late'],
      ] as const) {
        const p = progress.find((r) => r.id === id)?.progress ?? {};
        assert.equal(typeof p['taskDefinitionArn'], 'string', `${service}: ${JSON.stringify(p)}`);
        assert.equal(p['ecsDeploymentId'], undefined, `${service}: ${JSON.stringify(p)}`);
        registeredByNode1[service] = p['taskDefinitionArn'] as string;
      }

      const killedAt = Date.now();
      await node1.kill();
      proxy.dropHeld();
      const node2 = await c.startNode('node 2');
      const client2 = c.client(node2);
      const resumed = async (id: string) =>
        waitUntil(
          `node 2 to resume deployment ${id}`,
          async () =>
            (await c.log(client2, id)).some((l) => l.message.startsWith('Resuming '))
              ? Date.now()
              : undefined,
          { timeoutMs: RESUME_LIMIT_MS - (Date.now() - killedAt), context: c.context },
        );
      const resumedAt = Math.max(await resumed(earlyId), await resumed(lateId));
      figure('kill-9-during-update-service.resumed-after', seconds(resumedAt - killedAt));
      // late's rollout must still be in flight when node 2 looks, or there is nothing to attach to.
      await waitUntil(
        'node 2 to update early and to attach to the rollout of late',
        async () => {
          const e = (await c.log(client2, earlyId)).some((l) =>
            /updated to early:\d+: deployment/.test(l.message),
          );
          const l = (await c.log(client2, lateId)).some((x) =>
            x.message.includes('already in progress: watching'),
          );
          return e && l ? true : undefined;
        },
        { context: c.context },
      );
      await c.setTimeScale(RUNNING);
      const outcome = async (id: string, service: string): Promise<Outcome> => {
        const d = await c.finalDeployment(client2, id);
        return {
          ...(await c.outcome(service)),
          state: `${d.state}${d.error ? `: ${d.error}` : ''}`,
          log: (await c.log(client2, id)).map((l) => l.message).join('\n'),
        };
      };
      early = await outcome(earlyId, 'early');
      late = await outcome(lateId, 'late');
      calls = await c.calls();
    },
    { timeout: 300_000 },
  );

  it('before UpdateService reached AWS: node 2 updates the service to the revision node 1 registered', () => {
    assert.equal(early.state, 'success', early.log);
    assert.equal(early.service.taskDefinition, registeredByNode1['early'], early.log);
    assert.equal(early.image, image('1.1.0'));
    assert.equal(early.revisions, 2, 'the seeded revision and the one node 1 registered');
    assert.deepEqual(
      early.service.deployments?.map((d) => [d.status, d.rolloutState]),
      [['PRIMARY', 'COMPLETED']],
    );
  });

  it('after UpdateService took effect: node 2 attaches to that rollout instead of updating again', () => {
    assert.equal(late.state, 'success', late.log);
    assert.equal(late.service.taskDefinition, registeredByNode1['late'], late.log);
    assert.match(late.log, /already in progress: watching deployment \S+ instead of starting another/);
    assert.equal(late.image, image('1.1.0'));
    assert.equal(late.revisions, 2);
  });

  it('AWS saw exactly one RegisterTaskDefinition and one UpdateService per service', () => {
    assert.equal(calls['ecs:RegisterTaskDefinition'], 2, JSON.stringify(calls));
    assert.equal(calls['ecs:UpdateService'], 2, JSON.stringify(calls));
  });
});
