#!/usr/bin/env node
// The `slipway` executable: runs the CLI and sets the exit code.
import { run } from './main.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fatal: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
