/**
 * Lazy command loading: `slipway` loads a command's module only when that command runs, yet its
 * help reads exactly as with every command loaded (command-table.ts is kept in step with the
 * modules here).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { COMMANDS } from '../src/cli/command-table.js';
import { buildProgram } from '../src/cli/main.js';

const CLI = resolve(import.meta.dirname, '../src/cli');

/** The commands registered in full (the others are listed only: no options, no subcommands). */
function loaded(program: Command): string[] {
  return program.commands.filter((c) => c.options.length > 0 || c.commands.length > 0).map((c) => c.name());
}

describe('slipway commands', () => {
  it('the root help lists every command exactly as their modules describe them', async () => {
    const full = await buildProgram([], undefined, 'all');
    const lazy = await buildProgram([]);
    assert.deepEqual(
      loaded(full).sort(),
      COMMANDS.map((c) => c.name).sort(),
      'every command has options or subcommands',
    );
    assert.deepEqual(loaded(lazy), []);
    assert.equal(lazy.helpInformation(), full.helpInformation());
    for (const entry of COMMANDS) {
      const real = full.commands.find((c) => c.name() === entry.name);
      assert.ok(real, entry.name);
      assert.equal(entry.description, real.description(), `${entry.name}: description`);
      assert.equal(entry.hasOptions, real.options.length > 0, `${entry.name}: hasOptions`);
    }
  });

  it('loads only the command the arguments run (also for help <command>)', async () => {
    assert.deepEqual(loaded(await buildProgram(['--version'])), []);
    assert.deepEqual(loaded(await buildProgram(['--help'])), []);
    assert.deepEqual(loaded(await buildProgram(['help'])), []);
    assert.deepEqual(loaded(await buildProgram(['release', 'create', '--version', '1.0.0'])), ['release']);
    assert.deepEqual(loaded(await buildProgram(['help', 'ecs-deploy'])), ['ecs-deploy']);
    assert.deepEqual(loaded(await buildProgram(['-h', 'master-key'])), ['master-key']);
    assert.deepEqual(loaded(await buildProgram(['no-such-command'])), []);
  });

  it('main.ts and the command table import no command module up front', () => {
    for (const file of ['main.ts', 'command-table.ts']) {
      const text = readFileSync(resolve(CLI, file), 'utf8');
      const eager = [...text.matchAll(/^\s*import\s[^;]*?from\s*'(\.\/commands\/[^']+)'/gm)].map((m) => m[1]);
      assert.deepEqual(eager, [], `${file} imports command modules statically`);
    }
  });
});
