/**
 * Evaluation of a parsed template against an indexed variable set. Variable values are templates
 * themselves, evaluated on use in the root scope (once per render: cached), with cycle detection.
 * Every step, every piece of text built and the time are charged to a BudgetMeter. When some
 * variables are sensitive, every substitution and calc whose value was computed from one of them
 * (through filters, options, indexes, JSON paths, loop items or other variables) is recorded in
 * `derived`, so that the caller can mask those values too (taint.ts).
 */
import type { Expr, Node, Path, Segment } from './ast.js';
import { TemplateTooExpensiveError, type BudgetMeter } from './budget.js';
import { isRefSegment } from './ast.js';
import { evaluateCalc, formatNumber } from './calc.js';
import { evaluateCondition, type ConditionHost } from './conditions.js';
import { iterationScope, type Scope } from './each.js';
import { Lookup } from './resolve.js';
import { FilterRefusal, type FilterContext, type FilterDefinition } from './filters/types.js';
import { pathKey } from './names.js';
import { normaliseCalc, normaliseNode } from './normalise.js';
import { parseTemplate } from './parser.js';
import { Taint } from './taint.js';
import type { VarEntry, VariableIndex } from './vars.js';

/** Past this depth of nested variable evaluation, plain dependency chains are resolved iteratively. */
const PREWARM_DEPTH = 64;

/** Reports a cycle; the caller turns it into a TemplateError. */
export class CycleFound extends Error {
  constructor(readonly cycle: string[]) {
    super(cycle.join(' → '));
  }
}

/** Text being built: checked against the text budget as it grows, and charged to it once joined. */
class Out {
  private readonly parts: string[] = [];
  private length = 0;

  constructor(private readonly meter: BudgetMeter) {}

  push(s: string): void {
    this.length += s.length;
    this.meter.wouldBuild(this.length);
    this.parts.push(s);
  }

  text(): string {
    const t = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.meter.built(t.length);
    return t;
  }
}

/** Errors that end the whole evaluation, even when thrown inside a filter. */
function stopsEvaluation(e: unknown): boolean {
  return e instanceof TemplateTooExpensiveError || e instanceof CycleFound || e instanceof FilterRefusal;
}

export class Evaluator {
  readonly missing = new Set<string>();
  nulled = false;
  /** Values computed from sensitive variables, as they were substituted. */
  readonly derived = new Set<string>();
  private readonly cache = new Map<string, string>();
  private readonly stackKeys: string[] = [];
  private readonly onStack = new Set<string>();
  private readonly parsedValues = new Map<string, Node[] | null>();
  /** Stack keys of JSON properties being evaluated (ownProperty) → their names, for cycle messages. */
  private readonly propertyNames = new Map<string, string>();
  private readonly lookup: Lookup;
  private readonly taint: Taint;

  constructor(
    private readonly vars: VariableIndex,
    private readonly filter: (name: string) => FilterDefinition | undefined,
    private readonly context: FilterContext,
    private readonly meter: BudgetMeter,
    /** Whether a variable (its name as written, its raw value) is sensitive; undefined: none is. */
    isSensitive?: (name: string, value: string) => boolean,
  ) {
    this.lookup = new Lookup(vars, {
      value: (e, key) => this.value(e, key),
      evaluating: (key) => this.onStack.has(key),
      ownProperty: (e, key, text, path, display) => this.ownProperty(e, key, text, path, display),
      tooMany: (count) => meter.wouldStep(count),
    });
    this.taint = new Taint(isSensitive);
  }

  render(nodes: readonly Node[]): string {
    const out = new Out(this.meter);
    this.nodes(nodes, null, out);
    return out.text();
  }

  private nodes(nodes: readonly Node[], scope: Scope, out: Out): void {
    for (const n of nodes) this.node(n, scope, out);
  }

  private node(n: Node, scope: Scope, out: Out): void {
    if (n.kind === 'text') {
      out.push(n.text);
      return;
    }
    this.meter.step();
    switch (n.kind) {
      case 'subst': {
        const frame = this.taint.begin();
        const v = this.expr(n.expr, scope);
        const secret = this.taint.end(frame);
        if (typeof v === 'string') {
          out.push(v);
          if (secret) this.addDerived(v);
        } else if (v === undefined) this.echo(normaliseNode(n), out);
        return;
      }
      case 'calc': {
        const frame = this.taint.begin();
        const v = evaluateCalc(n.expr, (p) => this.path(p, scope));
        const secret = this.taint.end(frame);
        if (v === undefined) this.echo(`#{${normaliseCalc(n.expr)}}`, out);
        else {
          const text = formatNumber(v);
          out.push(text);
          if (secret) this.addDerived(text);
        }
        return;
      }
      case 'if': {
        const host: ConditionHost = {
          name: (e) => (e.path ? this.path(e.path, scope) : undefined),
          chain: (e) => this.expr(e, scope),
        };
        for (const b of n.branches) {
          // Choosing a branch by a sensitive value does not make the branch's text sensitive.
          const frame = this.taint.begin();
          const r = evaluateCondition(b.condition, host);
          this.taint.discard(frame);
          if (r === undefined) {
            this.echo(normaliseNode(n), out);
            return;
          }
          if (b.keyword === 'unless' ? !r : r) {
            this.nodes(b.body, scope, out);
            return;
          }
        }
        if (n.otherwise) this.nodes(n.otherwise, scope, out);
        return;
      }
      case 'each': {
        // The collection's sensitivity goes to its items (loop variables read from it), not to the body's text.
        const frame = this.taint.begin();
        const segs = this.segments(n.collection, scope);
        const items = segs ? this.lookup.collection(segs, scope) : [];
        const secret =
          this.taint.discard(frame) || (segs !== undefined && this.viaSensitiveScope(segs, scope));
        for (let i = 0; i < items.length; i++) {
          this.meter.step();
          this.nodes(n.body, iterationScope(scope, n.name, items[i]!, i, items.length, secret), out);
        }
        return;
      }
    }
  }

  /** Records a value computed from a secret; its length counts against the budget unless it is a raw secret. */
  private addDerived(v: string): void {
    if (this.derived.has(v)) return;
    if (!this.taint.rawSecrets.has(v)) this.meter.derivedSecret(v.length);
    this.derived.add(v);
  }

  /** Whether `segs` starts with the name of a loop whose collection was sensitive (the innermost match). */
  private viaSensitiveScope(segs: Segment[], scope: Scope): boolean {
    const first = segs[0];
    if (!first || first.index) return false;
    const name = first.name.toLowerCase();
    for (let s = scope; s; s = s.parent) if (s.name === name) return s.sensitive;
    return false;
  }

  private echo(text: string, out: Out): void {
    out.push(text);
    this.missing.add(text);
  }

  /** A name or filter chain: undefined when missing or a filter failed, null after the Null filter. */
  expr(e: Expr, scope: Scope): string | null | undefined {
    let v = e.path ? this.path(e.path, scope) : undefined;
    for (const f of e.filters) {
      this.meter.step();
      const options = f.options.map((o) => (o.kind === 'text' ? o.text : this.text(o.node, scope)));
      const def = this.filter(f.name);
      if (!def || (v === undefined && !def.acceptsMissing)) return undefined;
      let r: string | null | undefined;
      try {
        r = def.apply(v, options, this.context);
      } catch (e) {
        if (stopsEvaluation(e)) throw e;
        return undefined; // a failing filter makes the reference missing, never an exception
      }
      if (r === null) {
        this.nulled = true;
        return null;
      }
      if (typeof r !== 'string') return undefined;
      this.meter.built(r.length);
      v = r;
    }
    return v;
  }

  private text(n: Node, scope: Scope): string {
    const out = new Out(this.meter);
    this.node(n, scope, out);
    return out.text();
  }

  /** The segments of a path with index substitutions resolved; undefined when an inner one is missing. */
  private segments(p: Path, scope: Scope): Segment[] | undefined {
    if (p.key !== undefined) return p.steps as Segment[];
    const segs: Segment[] = [];
    for (const s of p.steps) {
      if (!isRefSegment(s)) {
        segs.push(s);
        continue;
      }
      const v = this.expr(s.ref, scope);
      if (typeof v !== 'string') return undefined;
      segs.push({ name: v, index: true });
    }
    return segs;
  }

  /** The value of a path in a scope, or undefined when missing. */
  path(p: Path, scope: Scope): string | undefined {
    if (scope === null && p.key !== undefined && !p.star) {
      const e = this.vars.entries.get(p.key);
      if (e) return this.value(e, p.key);
    }
    const segs = this.segments(p, scope);
    if (!segs) return undefined;
    for (let s = scope; s; s = s.parent) {
      const special = s.specials.get(pathKey(segs));
      if (special !== undefined) return special;
      const first = segs[0];
      if (first && !first.index && first.name.toLowerCase() === s.name) {
        const v = this.lookup.itemValue(s.item, segs.slice(1));
        if (v !== undefined) {
          if (s.sensitive) this.taint.read();
          return v;
        }
      }
    }
    return this.lookup.root(segs);
  }

  /** A variable's value, evaluated as a template (root scope) when it holds references. */
  private value(e: VarEntry, key: string): string {
    const raw = e.value;
    // The variable's own sensitivity, and (once evaluated) whether its value was computed from a secret.
    this.taint.readVariable(key, e);
    if (!raw.includes('#{')) return raw;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (this.onStack.has(key)) throw new CycleFound(this.cycleTo(key, []));
    const nodes = this.parsedValue(raw);
    if (!nodes) return raw; // a value that does not parse is plain text
    if (this.stackKeys.length > PREWARM_DEPTH) {
      this.prewarm(key);
      const warm = this.cache.get(key);
      if (warm !== undefined) {
        this.taint.readVariable(key, e);
        return warm;
      }
    }
    this.meter.step();
    this.stackKeys.push(key);
    this.onStack.add(key);
    const frame = this.taint.begin();
    let result: string;
    try {
      result = this.render(nodes);
    } finally {
      this.stackKeys.pop();
      this.onStack.delete(key);
    }
    if (this.taint.end(frame)) this.taint.derivedVariable(key);
    this.cache.set(key, result);
    return result;
  }

  /**
   * A property read from the raw JSON value of variable `e` while that value is being evaluated (it
   * refers to its own properties): the property's text is evaluated as a template in the root scope.
   * A property that comes back to itself is a cycle, like any other.
   */
  private ownProperty(e: VarEntry, key: string, text: string, path: string, display: string): string {
    this.taint.readVariable(key, e);
    if (!text.includes('#{')) return text;
    const nodes = this.parsedValue(text);
    if (!nodes) return text;
    const stackKey = `\u0000json:${path}`;
    if (this.onStack.has(stackKey)) throw new CycleFound(this.cycleTo(stackKey, []));
    this.propertyNames.set(stackKey, display);
    this.meter.step();
    this.stackKeys.push(stackKey);
    this.onStack.add(stackKey);
    const frame = this.taint.begin();
    try {
      return this.render(nodes);
    } finally {
      this.stackKeys.pop();
      this.onStack.delete(stackKey);
      this.taint.end(frame);
    }
  }

  private parsedValue(raw: string): Node[] | null {
    let nodes = this.parsedValues.get(raw);
    if (nodes === undefined) {
      const parsed = parseTemplate(raw, false);
      nodes = parsed.error === undefined ? parsed.nodes : null;
      this.parsedValues.set(raw, nodes);
    }
    return nodes;
  }

  /** The names of the cycle that closes at `key`, through the evaluation stack and then `more`. */
  private cycleTo(key: string, more: string[]): string[] {
    const chain = [...this.stackKeys, ...more];
    const from = chain.indexOf(key);
    return [...chain.slice(from), key].map(
      (k) => this.vars.entries.get(k)?.name ?? this.propertyNames.get(k) ?? k,
    );
  }

  /** Plain (unconditional, static) references in a value that would be evaluated next. */
  private dependencies(key: string): string[] {
    const e = this.vars.entries.get(key);
    if (!e || !e.value.includes('#{') || this.cache.has(key)) return [];
    const nodes = this.parsedValue(e.value) ?? [];
    const deps: string[] = [];
    for (const n of nodes) {
      if (n.kind !== 'subst' || !n.expr.path) continue;
      const k = n.expr.path.key;
      if (k === undefined || n.expr.path.star) continue;
      const d = this.vars.entries.get(k);
      if (d && d.value.includes('#{') && !this.cache.has(k)) deps.push(k);
    }
    return deps;
  }

  /**
   * Evaluates the plain reference chain under `start` bottom-up with an explicit stack, so a chain of
   * thousands of variables does not exhaust the call stack. Top-level references are always evaluated,
   * so a loop among them is a real cycle.
   */
  private prewarm(start: string): void {
    const frames = [{ key: start, deps: this.dependencies(start), i: 0 }];
    const onPath = new Set([start]);
    while (frames.length) {
      const top = frames[frames.length - 1]!;
      if (top.i < top.deps.length) {
        const d = top.deps[top.i++]!;
        if (this.cache.has(d)) continue;
        if (onPath.has(d) || this.onStack.has(d)) {
          throw new CycleFound(
            this.cycleTo(
              d,
              frames.map((f) => f.key),
            ),
          );
        }
        frames.push({ key: d, deps: this.dependencies(d), i: 0 });
        onPath.add(d);
        continue;
      }
      frames.pop();
      onPath.delete(top.key);
      const e = this.vars.entries.get(top.key);
      if (top.key !== start && e) this.value(e, top.key);
    }
  }
}
