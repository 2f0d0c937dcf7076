/**
 * A CI job killed mid-rollout: Ctrl-C says that ECS keeps rolling (exit 130), and running the same
 * command again re-attaches to the rollout in flight instead of registering and updating again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, it } from 'node:test';
import { NGINX, World } from './world.js';

const BIN = resolve(import.meta.dirname, '../../src/cli/bin.ts');
let world: World;

before(async () => {
  world = await World.start({ timeScale: 100 });
  await world.cluster('int', 4);
});
after(async () => {
  await world?.close();
});

/** Starts the CLI; `until(re)` resolves once stderr matches, `exited` with the exit code. */
function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: world.env() });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const until = (re: RegExp) =>
    new Promise<void>((resolveSeen, reject) => {
      const timer = setTimeout(() => reject(new Error(`never saw ${String(re)}: ${stderr}`)), 60_000);
      const check = () => {
        if (re.test(stderr)) {
          clearTimeout(timer);
          child.stderr.off('data', check);
          resolveSeen();
        }
      };
      child.stderr.on('data', check);
      check();
    });
  return { child, until, exited, stderr: () => stderr };
}

/** Sandbox seconds per real second: nearly stopped while a CLI starts (its start-up time varies with load). */
const setScale = (scale: number) => world.admin('POST', '/_sandbox/time', { scale });

it('Ctrl-C leaves the rollout to ECS, and a re-run attaches to it', async () => {
  await world.service({ cluster: 'int', service: 'web' });
  await setScale(0.01);
  const args = ['ecs-deploy', '-c', 'int', '-n', 'web', '-i', `${NGINX}:1.28`];
  const first = start(args);
  await first.until(/updated to web:2/);
  first.child.kill('SIGINT');
  assert.equal(await first.exited, 130);
  assert.match(
    first.stderr(),
    /interrupted: ECS goes on with the rollout\. Run the same command again to re-attach/,
  );

  await world.admin('DELETE', '/_sandbox/stats');
  const again = start(args);
  await again.until(/already in progress: watching deployment ecs-svc\/\d+ instead of starting another/);
  await setScale(100);
  assert.equal(await again.exited, 0, again.stderr());
  assert.match(again.stderr(), /of web:2 completed/);
  const stats = (await world.admin('GET', '/_sandbox/stats')) as {
    actions: Record<string, { calls: number }>;
  };
  assert.equal(stats.actions['ecs:RegisterTaskDefinition'], undefined, 'no second registration');
  assert.equal(stats.actions['ecs:UpdateService'], undefined, 'no second update');
  assert.equal((await world.revisions('web')).length, 2);
});

it('a CLI killed mid-bake of a BLUE_GREEN deployment: the re-run re-attaches by the service deployment ARN', async () => {
  await world.service({
    cluster: 'int',
    service: 'bg',
    deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
  });
  const args = ['ecs-deploy', '-c', 'int', '-n', 'bg', '-i', `${NGINX}:1.28`];
  const first = start(args);
  await first.until(/BAKE_TIME \(IN_PROGRESS\)/);
  assert.match(first.stderr(), /updated to bg:2/, 'the first run made the deployment');
  // SIGKILL: no handler runs, as when a CI runner dies.
  first.child.kill('SIGKILL');
  await first.exited;
  const arn = /service-deployment\/[\w/-]+/.exec(first.stderr())?.[0];
  assert.ok(arn, `no service deployment ARN in:\n${first.stderr()}`);

  await world.admin('DELETE', '/_sandbox/stats');
  const again = start(args);
  await again.until(/already in progress: watching deployment \S*service-deployment\//);
  // The bake still holds: let sandbox time run through it.
  await world.admin('POST', '/_sandbox/time', { advanceSeconds: 1900 });
  assert.equal(await again.exited, 0, again.stderr());
  assert.match(again.stderr(), new RegExp(`${arn.replace(/[/]/g, '\\/')}.*completed \\(SUCCESSFUL\\)`));
  const stats = (await world.admin('GET', '/_sandbox/stats')) as {
    actions: Record<string, { calls: number }>;
  };
  assert.equal(stats.actions['ecs:RegisterTaskDefinition'], undefined, 'no second registration');
  assert.equal(stats.actions['ecs:UpdateService'], undefined, 'no second update');
});
