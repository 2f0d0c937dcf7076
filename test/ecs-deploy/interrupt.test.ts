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
  // Slow enough that the rollout is still in flight when the CLI is interrupted.
  world = await World.start({ timeScale: 2 });
  await world.cluster('int', 4);
});
after(async () => {
  await world?.close();
});

it('Ctrl-C leaves the rollout to ECS, and a re-run attaches to it', async () => {
  await world.admin('POST', '/_sandbox/time', { scale: 100 });
  await world.service({ cluster: 'int', service: 'web' });
  await world.admin('POST', '/_sandbox/time', { scale: 2 });
  const args = ['ecs-deploy', '-c', 'int', '-n', 'web', '-i', `${NGINX}:1.28`];
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: world.env() });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolveUpdated, reject) => {
    const timer = setTimeout(() => reject(new Error(`no update seen: ${stderr}`)), 30_000);
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (/updated to web:2/.test(stderr)) {
        clearTimeout(timer);
        resolveUpdated();
      }
    });
  });
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.match(stderr, /interrupted: ECS goes on with the rollout\. Run the same command again to re-attach/);

  await world.admin('DELETE', '/_sandbox/stats');
  const again = await world.cli(args.slice(1));
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    /already in progress: watching deployment ecs-svc\/\d+ instead of starting another/,
  );
  const stats = (await world.admin('GET', '/_sandbox/stats')) as {
    actions: Record<string, { calls: number }>;
  };
  assert.equal(stats.actions['ecs:RegisterTaskDefinition'], undefined, 'no second registration');
  assert.equal(stats.actions['ecs:UpdateService'], undefined, 'no second update');
  assert.deepEqual((await world.revisions('web')).length, 2);
});
