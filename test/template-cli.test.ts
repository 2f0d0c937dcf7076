/** `slipway template render` as a user runs it: a child process, its stdout, stderr and exit code. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const BIN = resolve(import.meta.dirname, '../src/cli/bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'slipway-template-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function slipway(args: string[], input?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', BIN, 'template', 'render', ...args], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
}

describe('slipway template render', () => {
  it('renders a file with --var and --vars-file (--var wins)', () => {
    const vars = file('vars.json', JSON.stringify({ Name: 'from file', Env: 'prod' }));
    const t = file('t.txt', 'Hello #{Name} in #{Env | ToUpper}#{if Env == "prod"}!#{/if}');
    const r = slipway([t, '--vars-file', vars, '--var', 'Name=world=1']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Hello world=1 in PROD!');
  });

  it('reads the template from stdin', () => {
    const r = slipway(['--var', 'X=1'], 'x=#{X}\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'x=1\n');
  });

  it('lists missing references on stderr and exits 1 unless --allow-missing', () => {
    const r = slipway([], 'a #{Nope} #{  Other | ToUpper }');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, 'a #{Nope} #{Other | ToUpper}');
    assert.match(r.stderr, /#\{Nope\}/);
    assert.match(r.stderr, /#\{Other \| ToUpper\}/);
    const ok = slipway(['--allow-missing'], 'a #{Nope}');
    assert.equal(ok.status, 0);
    assert.equal(ok.stdout, 'a #{Nope}');
  });

  it('a parse error exits 1 with a message; --lenient renders the rest', () => {
    const r = slipway(['--var', 'X=1'], '#{X} #{bad');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /does not parse.*line 1, column/);
    const lenient = slipway(['--var', 'X=1', '--lenient'], '#{X} #{bad');
    assert.equal(lenient.status, 0, lenient.stderr);
    assert.equal(lenient.stdout, '1 #{bad');
  });

  it('a cycle is error [TEMPLATE_CYCLE] with exit 3', () => {
    const r = slipway(['--var', 'A=#{B}', '--var', 'B=#{A}'], '#{A}');
    assert.equal(r.status, 3);
    assert.match(r.stderr, /error \[TEMPLATE_CYCLE\]: .*A → B → A/);
  });

  it('a null output prints nothing and says so', () => {
    const r = slipway(['--var', 'X=1'], '#{X | Null}');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /null/);
  });

  it('bad variables files and --var are input errors naming the problem (exit 3)', () => {
    const bad = slipway(['--vars-file', file('bad.json', '{not json')], 'x');
    assert.equal(bad.status, 3);
    assert.match(bad.stderr, /INVALID_INPUT.*not valid JSON/);
    const nonString = slipway(['--vars-file', file('n.json', '{"Port": 80}')], 'x');
    assert.equal(nonString.status, 3);
    assert.match(nonString.stderr, /"Port" is not/);
    const array = slipway(['--vars-file', file('a.json', '["x"]')], 'x');
    assert.equal(array.status, 3);
    assert.match(array.stderr, /the file is not a JSON object/);
    // A file that is not JSON at all (an env file?) may hold secrets: none of it is quoted.
    const envFile = slipway(['--vars-file', file('vars.env', 'DB_PASSWORD=hunter2-s3cret\nX=1\n')], 'x');
    assert.equal(envFile.status, 3);
    assert.match(envFile.stderr, /vars\.env is not valid JSON: it must be a JSON object of variable name/);
    assert.doesNotMatch(envFile.stderr, /DB_PASSWORD|hunter2|DB_PAS/);
    const cut = slipway(['--vars-file', file('cut.json', '{"Token": "s3cret-value"')], 'x');
    assert.match(cut.stderr, /cut\.json is not valid JSON \(line 1, column 25\)/);
    assert.doesNotMatch(cut.stderr, /s3cret/);
    const number = slipway(['--vars-file', file('num.json', '{"Token": 12345678}')], 'x');
    assert.match(number.stderr, /the value of "Token" is not a string\./);
    assert.doesNotMatch(number.stderr, /12345678/);
    const noEq = slipway(['--var', 'NoEquals'], 'x');
    assert.equal(noEq.status, 3);
    assert.match(noEq.stderr, /NAME=VALUE/);
    const missingFile = slipway([join(dir, 'nope.txt')]);
    assert.equal(missingFile.status, 3);
    assert.match(missingFile.stderr, /Cannot read the template file/);
  });
});
