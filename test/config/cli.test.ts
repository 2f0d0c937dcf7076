/** The config commands as a user runs them: `slipway config schema`, and apply's exit codes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { configSchemaText } from '../../src/cli/commands/config-schema.js';
import { readConfigFile } from '../../src/cli/config/read-file.js';
import { jsonEqual } from '../../src/core/config/names.js';
import { tempDataDir } from '../helpers/postgres.js';
import { EXAMPLE } from '../kits/config-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'src/cli/bin.ts');
const SCHEMA_FILE = join(ROOT, 'docs/slipway.schema.json');

function slipway(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A loopback URL where nothing listens (so any request would fail with "cannot reach"). */
async function deadServer(): Promise<string> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as { port: number };
  await new Promise<void>((ok) => s.close(() => ok()));
  return `http://127.0.0.1:${port}`;
}

describe('slipway config schema', () => {
  it('docs/slipway.schema.json is current', () => {
    // Compared as JSON, so the file may be formatted by prettier.
    assert.ok(
      jsonEqual(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')), JSON.parse(configSchemaText())),
      'docs/slipway.schema.json is stale: run `slipway config schema > docs/slipway.schema.json` ' +
        '(from a checkout: node --import tsx src/cli/bin.ts config schema > docs/slipway.schema.json)',
    );
  });

  it('prints the JSON Schema of the file', () => {
    const r = slipway(['config', 'schema']);
    assert.equal(r.code, 0, r.stderr);
    const schema = JSON.parse(r.stdout) as { $schema: string; title: string; required: string[] };
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'Slipway configuration');
    assert.deepEqual(schema.required, ['apiVersion']);
  });

  it('the example file is valid', () => {
    const state = readConfigFile(EXAMPLE);
    assert.ok(state.entities.some((e) => e.kind === 'project' && e.name === 'hello-color'));
  });
});

describe('slipway apply exit codes', () => {
  it('exits 3 on an invalid file, naming the place and line, without contacting the server', async () => {
    const file = join(tempDataDir(), 'bad.yaml');
    writeFileSync(file, 'apiVersion: slipway/v1\nprojects:\n  - name: web\n    lifecycle: 7\n');
    const r = slipway(['apply', '-f', file, '--server', await deadServer()]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^error \[INVALID_INPUT\]: .*bad\.yaml is not a valid Slipway configuration/);
    assert.match(r.stderr, /\n {2}projects\[0\]\.lifecycle \(line 4\): lifecycle must be a string/);
    assert.doesNotMatch(r.stderr, /Cannot reach/);
  });

  it('exits 3 on YAML that does not parse, and on a file that cannot be read', () => {
    const file = join(tempDataDir(), 'broken.yaml');
    writeFileSync(file, 'apiVersion: slipway/v1\nprojects: [\n');
    const r = slipway(['apply', '-f', file]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /is not valid YAML or JSON \(nothing was applied\)/);
    const missing = slipway(['apply', '-f', join(tempDataDir(), 'nope.yaml')]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /Cannot read the configuration file/);
  });

  it('exits 3 on a YAML alias bomb, saying what is wrong, without expanding it', () => {
    const file = join(tempDataDir(), 'bomb.yaml');
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(file, `apiVersion: slipway/v1\n${levels.join('\n')}\n`);
    const r = slipway(['apply', '-f', file, '--dry-run']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /^error \[INVALID_INPUT\]: .*bomb\.yaml expands its YAML aliases \(\*name\) more than 1000 times.*nothing was applied/,
    );
  });

  it('says when the server cannot be reached, and never prints the API key', async () => {
    const url = await deadServer();
    const r = slipway(['apply', '-f', EXAMPLE, '--dry-run'], {
      SLIPWAY_SERVER: url,
      SLIPWAY_API_KEY: 'slw_000000000000_secretsecret',
      HELLO_COLOR_FEED_PASSWORD: 'a',
      HELLO_COLOR_AWS_SECRET_ACCESS_KEY: 'b',
      HELLO_COLOR_API_TOKEN: 'c',
      HELLO_COLOR_ACME_API_TOKEN: 'd',
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`Cannot reach the Slipway server at ${url}: ECONNREFUSED`));
    assert.doesNotMatch(r.stdout + r.stderr, /secretsecret/);
  });
});
