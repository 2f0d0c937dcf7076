/**
 * The task log as a tree (deployment → step → target), its search and its text for copying. Pure:
 * the page rebuilds the tree from the lines it holds whenever new ones arrive.
 */
import type { LogLevel, LogLine } from './types.js';

/** One node of the tree: its own lines and its children, in the order they first wrote. */
export interface LogNode {
  /** Unique within the tree: the path joined with " / " ("" for the deployment). */
  key: string;
  /** The last part of the path ("Deployment" for the root). */
  name: string;
  path: string[];
  lines: LogLine[];
  children: LogNode[];
  /** Lines here and below. */
  count: number;
  /** The most serious level here and below (error > warning > the rest). */
  worst: LogLevel | undefined;
  firstAt: string | undefined;
  lastAt: string | undefined;
}

const SEVERITY: Record<LogLevel, number> = { verbose: 0, info: 1, highlight: 2, warning: 3, error: 4 };

/** The more serious of two levels. */
export function worse(a: LogLevel | undefined, b: LogLevel | undefined): LogLevel | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

function node(path: string[]): LogNode {
  return {
    key: path.join(' / '),
    name: path.at(-1) ?? 'Deployment',
    path,
    lines: [],
    children: [],
    count: 0,
    worst: undefined,
    firstAt: undefined,
    lastAt: undefined,
  };
}

/** Builds the tree of `lines` (in seq order). */
export function buildLogTree(lines: readonly LogLine[]): LogNode {
  const root = node([]);
  const index = new Map<string, LogNode>([['', root]]);
  for (const line of lines) {
    let at = root;
    const chain = [root];
    for (let depth = 1; depth <= line.path.length; depth++) {
      const path = line.path.slice(0, depth);
      const key = path.join(' / ');
      let child = index.get(key);
      if (!child) {
        child = node(path);
        index.set(key, child);
        at.children.push(child);
      }
      at = child;
      chain.push(child);
    }
    at.lines.push(line);
    for (const n of chain) {
      n.count += 1;
      n.worst = worse(n.worst, line.level);
      n.firstAt ??= line.at;
      n.lastAt = line.at;
    }
  }
  return root;
}

/** True when `line` matches the search `query` (its message or level, ignoring case). */
export function lineMatches(line: LogLine, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return line.message.toLowerCase().includes(q) || line.level === q;
}

/** The tree of only the lines matching `query` (nodes without a match are left out), and how many matched. */
export function filterLogTree(tree: LogNode, query: string): { tree: LogNode; matches: number } {
  if (query.trim() === '') return { tree, matches: tree.count };
  const lines: LogLine[] = [];
  const walk = (n: LogNode) => {
    for (const l of n.lines) if (lineMatches(l, query)) lines.push(l);
    n.children.forEach(walk);
  };
  walk(tree);
  lines.sort((a, b) => a.seq - b.seq);
  const filtered = buildLogTree(lines);
  // Keep the original names (a filtered tree with no line at the root still says "Deployment").
  return { tree: filtered, matches: lines.length };
}

/** `text` cut into pieces, each marked whether it matches `query` (ignoring case), for highlighting. */
export function splitMatches(text: string, query: string): { text: string; match: boolean }[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [{ text, match: false }];
  const lower = text.toLowerCase();
  const out: { text: string; match: boolean }[] = [];
  let from = 0;
  for (;;) {
    const i = lower.indexOf(q, from);
    if (i < 0) break;
    if (i > from) out.push({ text: text.slice(from, i), match: false });
    out.push({ text: text.slice(i, i + q.length), match: true });
    from = i + q.length;
  }
  if (from < text.length || out.length === 0) out.push({ text: text.slice(from), match: false });
  return out;
}

/** The word a level is shown with (beside its colour). */
export function levelWord(level: LogLevel): string {
  switch (level) {
    case 'verbose':
      return 'VERBOSE';
    case 'info':
      return 'INFO';
    case 'warning':
      return 'WARN';
    case 'error':
      return 'ERROR';
    case 'highlight':
      return 'NOTE';
  }
}

/** A node's lines and its children's as text, in seq order, one line each: `<ISO time> <LEVEL> [<path>] <message>`. */
export function logText(n: LogNode): string {
  const lines: LogLine[] = [];
  const walk = (x: LogNode) => {
    lines.push(...x.lines);
    x.children.forEach(walk);
  };
  walk(n);
  return lines
    .sort((a, b) => a.seq - b.seq)
    .map((l) => {
      const where = l.path.length > 0 ? ` [${l.path.join(' / ')}]` : '';
      return `${l.at} ${levelWord(l.level).padEnd(7)}${where} ${l.message}`;
    })
    .join('\n');
}

/** Finds a node by key. */
export function findNode(tree: LogNode, key: string): LogNode | undefined {
  if (tree.key === key) return tree;
  for (const c of tree.children) {
    const found = findNode(c, key);
    if (found) return found;
  }
  return undefined;
}

/** Adds new lines (seq above the last one held) to `held`; answers the same array when none is new. */
export function appendLines(held: LogLine[], incoming: readonly LogLine[]): LogLine[] {
  const last = held.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((l) => l.seq > last).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return held;
  const out = held.concat(fresh);
  // Duplicates inside one batch (a resumed stream overlapping a page) are dropped.
  return out.filter((l, i) => i === 0 || l.seq > out[i - 1]!.seq);
}
