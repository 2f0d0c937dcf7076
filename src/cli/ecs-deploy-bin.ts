#!/usr/bin/env node
// The `ecs-deploy` executable: the same as `slipway ecs-deploy ...`.
import { run } from './main.js';

run(['ecs-deploy', ...process.argv.slice(2)]).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fatal: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
