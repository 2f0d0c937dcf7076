/**
 * Promise: a server killed with -9 during an ECS rollout or during a script step is resumed by
 * another node within 60 s with no AWS change made twice, and leaves nothing behind: no script
 * process of the dead server still runs, and its script's private directory (with the step's
 * variables) is removed when the next node starts.
 *
 * Two `slipway server` processes on one PostgreSQL, AWS in a sandbox whose clock stands still while
 * node 1 runs. Node 1 is SIGKILLed while `rolling` watches its rollout (the ECS deployment id saved)
 * and `scripted` is inside a script that started a child process and waits for it. (The same
 * promise for the rollout alone, and the step before UpdateService: test/e2e/node-killed.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  RUNNING,
  image,
  startFaultCluster,
  type FaultCluster,
  type ServiceOutcome,
} from '../kits/fault-cluster.js';
import { scriptDirsOf, scriptProcessesOf } from '../kits/script-leftovers.js';
import { testScriptIsolation } from '../kits/scripts.js';
import { figure, seconds, waitUntil } from '../kits/waits.js';
import { postgresUnavailableReason } from '../helpers/postgres.js';

/** The issue's bound: another node resumes a dead node's deployments within this (a wait limit). */
const RESUME_LIMIT_MS = 60_000;

interface Outcome extends ServiceOutcome {
  state: string;
  log: string;
}

const skip = postgresUnavailableReason();
/** Scripts run as the unprivileged script user (CI, as root), and so die with their server. */
const isolated = (await testScriptIsolation()).mode === 'user';

describe('kill -9 of a server during a rollout and during a script', skip ? { skip } : {}, () => {
  let cluster: FaultCluster | undefined;
  let node1Pid = 0;
  /** node 1's script: its directory and processes while it ran, and what was left after the kill. */
  let whileRunning: { dirs: string[]; processes: number[] };
  let afterKill: { dirs: string[]; processesLeft: number[] };
  let afterNode2: { dirs: string[]; processes: number[] };
  let rolling: Outcome;
  let scripted: Outcome;
  let rollingEcsDeployment: string;
  let calls: Record<string, number>;

  after(async () => {
    // Where scripts are not isolated nothing kills them with their server: end node 1's ourselves.
    if (node1Pid)
      for (const pid of scriptProcessesOf(node1Pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    await cluster?.close();
  });

  before(
    async () => {
      cluster = await startFaultCluster(['rolling', 'scripted']);
      const c = cluster;
      const marker = join(c.shared, 'scripted-first-run');
      const node1 = await c.startNode('node 1');
      node1Pid = node1.pid;
      const client1 = c.client(node1);
      await c.apply(client1, [
        { name: 'rolling' },
        {
          name: 'scripted',
          scriptBefore: `
if [ -e '${marker}' ]; then
  echo "Prepare: second run"
else
  echo "Prepare: first run"
  touch '${marker}'
  sleep 3600 &
  wait
fi`,
        },
      ]);
      const rollingId = await c.deploy(client1, 'rolling');
      const scriptedId = await c.deploy(client1, 'scripted');

      rollingEcsDeployment = await waitUntil(
        'node 1 to save the ECS deployment id of rolling',
        async () => {
          const rows = await c.query<{ id: string | null }>(
            `select progress->>'ecsDeploymentId' as id from deployment_steps where deployment_id = $1`,
            [rollingId],
          );
          return rows[0]?.id ?? undefined;
        },
        { context: c.context },
      );
      await waitUntil(
        "node 1's script to start its child process",
        async () =>
          existsSync(marker) &&
          (await c.log(client1, scriptedId)).some((l) => l.message.includes('Prepare: first run')) &&
          scriptProcessesOf(node1.pid).length >= 2
            ? true
            : undefined,
        { context: c.context },
      );
      whileRunning = { dirs: scriptDirsOf(c.serverTmp, node1.pid), processes: scriptProcessesOf(node1.pid) };

      const killedAt = Date.now();
      await node1.kill();
      // With isolation the script dies with its server (PR_SET_PDEATHSIG, its PID namespace).
      const gone = isolated
        ? await waitUntil('the script processes of node 1 to end', () =>
            scriptProcessesOf(node1.pid).length === 0 ? Date.now() : undefined,
          ).catch(() => undefined)
        : undefined;
      if (gone !== undefined)
        figure('kill-9-during-script.script-processes-gone-after', seconds(gone - killedAt));
      afterKill = { dirs: scriptDirsOf(c.serverTmp, node1.pid), processesLeft: scriptProcessesOf(node1.pid) };

      const node2 = await c.startNode('node 2');
      afterNode2 = { dirs: scriptDirsOf(c.serverTmp, node1.pid), processes: scriptProcessesOf(node1.pid) };
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
      const resumedAt = Math.max(await resumed(rollingId), await resumed(scriptedId));
      figure('kill-9-during-rollout-and-script.resumed-after', seconds(resumedAt - killedAt));
      await waitUntil(
        'node 2 to attach to the rollout of rolling and to update scripted',
        async () => {
          const r = (await c.log(client2, rollingId)).some((l) =>
            l.message.includes('already in progress: watching'),
          );
          const s = (await c.log(client2, scriptedId)).some((l) =>
            /updated to scripted:\d+: deployment/.test(l.message),
          );
          return r && s ? true : undefined;
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
      rolling = await outcome(rollingId, 'rolling');
      scripted = await outcome(scriptedId, 'scripted');
      calls = await c.calls();
    },
    { timeout: 300_000 },
  );

  it('the rollout in flight: node 2 watches the ECS deployment node 1 started', () => {
    assert.equal(rolling.state, 'success', rolling.log);
    assert.ok(
      rolling.log.includes(`Resuming: an earlier attempt started ECS deployment ${rollingEcsDeployment}`),
    );
    assert.deepEqual(
      rolling.service.deployments?.map((d) => [d.id, d.status, d.rolloutState]),
      [[rollingEcsDeployment, 'PRIMARY', 'COMPLETED']],
    );
    assert.equal(rolling.image, image('1.1.0'));
  });

  it('the script: node 2 runs it again, then the ECS step once', () => {
    assert.equal(scripted.state, 'success', scripted.log);
    assert.match(scripted.log, /Prepare: first run[\s\S]*Resuming [\s\S]*Prepare: second run/);
    assert.equal(scripted.image, image('1.1.0'));
  });

  it('no AWS change was made twice', () => {
    assert.equal(rolling.revisions, 2);
    assert.equal(scripted.revisions, 2);
    assert.equal(calls['ecs:RegisterTaskDefinition'], 2, JSON.stringify(calls));
    assert.equal(calls['ecs:UpdateService'], 2, JSON.stringify(calls));
  });

  it("node 1's script directory, left by the kill, is removed when node 2 starts", () => {
    assert.equal(whileRunning.dirs.length, 1, 'the script had its private directory while it ran');
    assert.deepEqual(afterKill.dirs, whileRunning.dirs, 'kill -9 leaves it behind');
    assert.deepEqual(afterNode2.dirs, [], 'removed by the next node to start');
  });

  it(
    'no script process of node 1 outlives it',
    isolated ? {} : { skip: 'scripts run as the server user here: nothing ends them with their server' },
    () => {
      assert.ok(whileRunning.processes.length >= 2, 'the script and its child were found while they ran');
      assert.deepEqual(afterKill.processesLeft, []);
      assert.deepEqual(afterNode2.processes, []);
    },
  );
});
