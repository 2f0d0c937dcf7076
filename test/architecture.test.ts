/**
 * The import rule of DESIGN.md, checked on every source file under src/ (tests aside): imports point
 * strictly down the layers, core/ does no I/O, only cli/ may import the sandbox, nothing under src/
 * reaches test/, and there is no import circle at all, type imports included.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../src');

/**
 * Layer rank of each top-level folder of src/. A file may import its own folder and folders of a
 * lower rank only: deploy/, feeds/ and store/ share a rank and so may not import each other.
 */
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
  '(root)': 7,
  sandbox: 1,
};

/** Packages core/ may use: pure libraries only (schemas, Markdown, hashes, RE2, YAML, lodash: no I/O). */
const CORE_PACKAGES = new Set(['zod', 'marked', '@noble/hashes', 're2js', 'yaml', 'lodash-es']);
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
  if (target.startsWith('..')) return `imports ${spec}, outside src/ (test code lives in test/)`;
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
  if (b === a)
    return `${fromLayer}/ must not import ${toLayer}/ (they share a layer; move the shared part down)`;
  return undefined;
}

/** The import circles of `graph` (file → files it imports): each strongly connected group of 2+ files, or a file importing itself. */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        if (group.length > 1 || edges.includes(frame.node)) out.push(group.sort());
      }
    }
  }
  return out;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    // Tests may reach test/ and the sandbox; everything else under src/ is held to the rule.
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const WEB = resolve(import.meta.dirname, '../web/src');

/**
 * The web UI's rule: it talks to the server only over HTTP, so its code may import its own files,
 * browser packages and src/core/ (pure: types, permissions) — never the server's layers or Node's
 * modules. `from` is relative to web/src.
 */
export function webViolation(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) {
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    return BUILTINS.has(spec) || BUILTINS.has(pkg)
      ? `the web UI runs in a browser, but imports ${spec}`
      : undefined;
  }
  const target = resolve(WEB, dirname(from), spec);
  if (!relative(WEB, target).startsWith('..')) return undefined;
  const inSrc = relative(SRC, target).replace(/\\/g, '/');
  if (!inSrc.startsWith('..') && layerOf(inSrc) === 'core') return undefined;
  return `the web UI may import only web/src/ and src/core/, not ${spec}`;
}

// `import type` and `export ... from` count too: a circle of types is still a circle.
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
      ['deploy/x.ts', '../store/database.js', false],
      ['store/x.ts', '../feeds/index.js', false],
      ['jobs/x.ts', '../releases/service.js', false],
      ['jobs/x.ts', '../store/database.js', true],
      ['releases/x.ts', '../jobs/engine.js', true],
      ['releases/x.ts', '../server/app.js', false],
      ['server/x.ts', '../releases/service.js', true],
      ['server/x.ts', '../cli/main.js', false],
      ['server/x.ts', '../sandbox/index.js', false],
      ['cli/x.ts', '../sandbox/index.js', true],
      ['cli/x.ts', '../server/app.js', true],
      ['index.ts', './core/template/index.js', true],
      ['sandbox/x.ts', '../core/errors.js', true],
      ['sandbox/x.ts', '../deploy/watch.js', false],
      ['sandbox/ecs/api.ts', '../world.js', true],
      ['cli/commands/a.ts', '../../core/events.js', true],
      ['store/x.ts', '../../test/helpers/postgres.js', false],
      ['jobs/x.ts', '../../test/kits/engine.js', false],
    ];
    for (const [from, spec, ok] of cases) {
      assert.equal(
        violation(from, spec) === undefined,
        ok,
        `${from} → ${spec}: ${violation(from, spec) ?? 'allowed'}`,
      );
    }
  });

  it('finds import circles, long and short', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    assert.deepEqual(circles(g({ a: ['b'], b: ['c'], c: [] })), []);
    assert.deepEqual(circles(g({ a: ['b'], b: ['a'] })), [['a', 'b']]);
    assert.deepEqual(circles(g({ a: ['a'] })), [['a']]);
    assert.deepEqual(circles(g({ a: ['b'], b: ['c'], c: ['d', 'a'], d: [], e: ['e2'], e2: ['e'] })), [
      ['a', 'b', 'c'],
      ['e', 'e2'],
    ]);
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

  it('has no import circle under src/, type imports included', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) {
      const targets = importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts'))
        .filter((target) => existsSync(target));
      graph.set(file, targets);
    }
    const found = circles(graph).map((group) =>
      group.map((f) => relative(SRC, f).replace(/\\/g, '/')).join(' → '),
    );
    assert.deepEqual(found, []);
  });

  it('holds the web UI to its rule: its own files, browser packages and src/core/ only', () => {
    const cases: [string, string, boolean][] = [
      ['app/router.tsx', '../pages/dashboard/routes.js', true],
      ['api/session.tsx', '../../../src/core/model/permissions.js', true],
      ['api/session.tsx', '../../../src/server/app.js', false],
      ['lib/x.ts', 'node:fs', false],
      ['lib/x.ts', 'react', true],
    ];
    for (const [from, spec, ok] of cases) {
      assert.equal(webViolation(from, spec) === undefined, ok, `${from} → ${spec}`);
    }
    const problems: string[] = [];
    for (const file of existsSync(WEB) ? sourceFiles(WEB) : []) {
      const from = relative(WEB, file).replace(/\\/g, '/');
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const why = webViolation(from, spec);
        if (why) problems.push(`web/src/${from}: ${why}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps test code out of src/ (no testkits beside the sources)', () => {
    const kits = sourceFiles(SRC).filter((f) => /testkit|test-helpers/i.test(f));
    assert.deepEqual(
      kits.map((f) => relative(SRC, f)),
      [],
    );
  });
});
