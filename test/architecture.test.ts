/**
 * The import rule of DESIGN.md, checked on every source file: imports point down the layers,
 * core/ does no I/O, and only cli/ (and tests and benchmarks) may import the sandbox.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../src');

/** Layer rank of each top-level folder of src/ (imports may only go to a lower or equal rank). */
const RANK: Record<string, number> = {
  core: 0,
  aws: 1,
  deploy: 2,
  feeds: 2,
  store: 2,
  jobs: 3,
  releases: 4,
  server: 5,
  cli: 6,
  '(root)': 6,
  sandbox: 1,
};

/** Packages core/ may use: pure libraries only (schemas, Markdown, hashes: no I/O). */
const CORE_PACKAGES = new Set(['zod', 'marked', '@noble/hashes', 're2js']);
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function layerOf(fileFromSrc: string): string {
  const first = fileFromSrc.split('/')[0]!;
  return fileFromSrc.includes('/') ? first : '(root)';
}

/** The reason an import breaks the rule, or undefined. Paths are relative to src/. */
export function violation(from: string, spec: string): string | undefined {
  const fromLayer = layerOf(from);
  if (!spec.startsWith('.')) {
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    if (fromLayer === 'core' && !CORE_PACKAGES.has(pkg)) {
      return BUILTINS.has(spec) || BUILTINS.has(pkg)
        ? `core/ must not do I/O, but imports ${spec}`
        : `core/ must stay pure, but imports the package ${spec}`;
    }
    return undefined;
  }
  const target = relative(SRC, resolve(SRC, dirname(from), spec)).replace(/\\/g, '/');
  if (target.startsWith('..')) return `imports ${spec}, outside src/`;
  const toLayer = layerOf(target);
  if (toLayer === fromLayer) return undefined;
  if (toLayer === 'sandbox')
    return fromLayer === 'cli' ? undefined : `only cli/ may import sandbox/, not ${fromLayer}/`;
  if (fromLayer === 'sandbox') {
    return toLayer === 'core'
      ? undefined
      : `sandbox/ is a separate program and may import only core/, not ${toLayer}/`;
  }
  const a = RANK[fromLayer];
  const b = RANK[toLayer];
  if (a === undefined) return `${fromLayer}/ is not a layer of DESIGN.md`;
  if (b === undefined) return `${toLayer}/ is not a layer of DESIGN.md`;
  if (b > a) return `${fromLayer}/ must not import ${toLayer}/ (imports point downwards)`;
  return undefined;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    // Tests and testkits (test fixtures, excluded from the build) may reach test/helpers.
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('testkit.ts')) out.push(p);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push((m[1] ?? m[2])!);
  return out;
}

describe('import rule', () => {
  it('judges imports by the table of DESIGN.md', () => {
    const cases: [string, string, boolean][] = [
      ['core/errors.ts', 'node:fs', false],
      ['core/model/a.ts', 'zod', true],
      ['core/x.ts', '@aws-sdk/client-ecs', false],
      ['core/x.ts', '../aws/client.js', false],
      ['aws/x.ts', '../core/errors.js', true],
      ['deploy/x.ts', '../server/app.js', false],
      ['server/x.ts', '../sandbox/index.js', false],
      ['cli/x.ts', '../sandbox/index.js', true],
      ['sandbox/x.ts', '../core/errors.js', true],
      ['sandbox/x.ts', '../deploy/watch.js', false],
      ['sandbox/ecs/api.ts', '../world.js', true],
      ['cli/commands/a.ts', '../../core/events.js', true],
    ];
    for (const [from, spec, ok] of cases) {
      assert.equal(
        violation(from, spec) === undefined,
        ok,
        `${from} → ${spec}: ${violation(from, spec) ?? 'allowed'}`,
      );
    }
  });

  it('holds for every file under src/', () => {
    const problems: string[] = [];
    const files = sourceFiles(SRC);
    assert.ok(files.length > 10, 'expected to find the sources');
    for (const file of files) {
      const from = relative(SRC, file).replace(/\\/g, '/');
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const why = violation(from, spec);
        if (why) problems.push(`${from}: ${why}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
