/**
 * One Aho–Corasick automaton over every pattern (each secret and its derived forms), scanning UTF-16
 * code units in linear time. Layout, chosen for scan speed in V8:
 *  - code units are mapped to classes (those occurring in some pattern, plus class 0 for the rest,
 *    which always leads back to the root);
 *  - states are numbered breadth-first, so the shallow states, which every walk passes through,
 *    come first and get a full transition row in one flat Int32Array (a DFA);
 *  - deeper states (past the memory budget) keep only their trie edges plus a failure link.
 * Each state records the longest pattern that ends there, which is all the masker needs: masking is
 * the union of all occurrences, and at any end position the longest occurrence covers the others.
 *
 * In front of the automaton sits a filter, because walking it is a chain of dependent memory loads
 * (each state's row address depends on the last) and that chain, not the arithmetic, bounds its
 * speed. Every pattern is at least MIN_PATTERN code units long, so an occurrence can only start
 * where the next 4 code units are some pattern's first 4. The filter hashes the 4 classes ending at
 * each position into a small bitset of those prefixes (independent loads, no chain); only on a hit
 * does the automaton run, from the root at the gram's start, and it hands back to the filter once
 * its state is shallower than MIN_PATTERN (no occurrence can then start before the filter's next
 * gram). Each code unit is read at most 4 times, so the scan stays linear. (With more than 256
 * classes the gram cannot hold them, and the automaton alone scans everything: still linear.)
 */

/**
 * Entries of the dense transition table (4 bytes each): 1 MiB at most per masker. With the filter in
 * front, the automaton runs rarely, so rows for the shallow states are all it needs to be quick.
 */
const DENSE_BUDGET = 1 << 18;
/** Multiplicative hash (Knuth's golden-ratio constant). */
const HASH = 0x9e3779b1 | 0;
/** Every pattern is at least this long (a secret of 4+ characters and its longer forms). */
export const MIN_PATTERN = 4;

/** The scan's running state; the masker keeps one per whole text or per stream. */
export interface ScanState {
  /** Automaton state after the last code unit scanned. */
  state: number;
  /**
   * Masked runs, as a stack of half-open [start, end) intervals in absolute positions. Overlapping
   * occurrences are merged into one run; merely adjacent ones stay separate runs.
   */
  starts: number[];
  ends: number[];
  top: number;
  /** In the filter (the automaton is idle at the root) rather than in the automaton. */
  filtering: boolean;
  /** The classes of the last 4 code units, 8 bits each, newest lowest. */
  gram: number;
}

export const newScanState = (): ScanState => ({
  state: 0,
  starts: [],
  ends: [],
  top: 0,
  filtering: true,
  gram: 0,
});

export class Automaton {
  /** Length of the longest pattern. */
  readonly maxLength: number;
  /** Depth (length of the matched prefix) of each state: the stream may release text before it. */
  readonly depth: Int32Array;
  private readonly classOf: Int32Array;
  private readonly classes: number;
  private readonly denseStates: number;
  private readonly dense: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly label: Int32Array;
  private readonly fail: Int32Array;
  /** Length of the longest pattern that is a suffix of the state's string (0: none). */
  private readonly out: Int32Array;
  /** The prefilter is on when every pattern has MIN_PATTERN units and classes fit in 8 bits. */
  private readonly useFilter: boolean;
  /** Bitset of hashed 4-class pattern prefixes, and the shift that takes a hash to its index. */
  private readonly bits: Int32Array;
  private readonly shift: number;

  constructor(patterns: readonly string[]) {
    let total = 1;
    let maxLength = 0;
    const classOf = new Int32Array(65536);
    let classes = 1;
    for (const p of patterns) {
      total += p.length;
      if (p.length > maxLength) maxLength = p.length;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (classOf[c] === 0) classOf[c] = classes++;
      }
    }
    this.maxLength = maxLength;
    this.classOf = classOf;
    this.classes = classes;

    // 1. The trie, with first-child/next-sibling lists (insertion numbering).
    const tFirst = new Int32Array(total).fill(-1);
    const tNext = new Int32Array(total).fill(-1);
    const tLabel = new Int32Array(total);
    const tTerminal = new Uint8Array(total);
    let n = 1;
    for (const p of patterns) {
      let node = 0;
      for (let i = 0; i < p.length; i++) {
        const cls = classOf[p.charCodeAt(i)]!;
        let child = tFirst[node]!;
        while (child !== -1 && tLabel[child] !== cls) child = tNext[child]!;
        if (child === -1) {
          child = n++;
          tLabel[child] = cls;
          tNext[child] = tFirst[node]!;
          tFirst[node] = child;
        }
        node = child;
      }
      if (p.length > 0) tTerminal[node] = 1;
    }

    // 2. Breadth-first renumbering: children of a state get consecutive numbers.
    const order = new Int32Array(n);
    const childStart = new Int32Array(n);
    const childCount = new Int32Array(n);
    const label = new Int32Array(n);
    const depth = new Int32Array(n);
    const out = new Int32Array(n);
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const old = order[head]!;
      childStart[head] = tail;
      for (let c = tFirst[old]!; c !== -1; c = tNext[c]!) {
        order[tail] = c;
        label[tail] = tLabel[c]!;
        depth[tail] = depth[head]! + 1;
        if (tTerminal[c] === 1) out[tail] = depth[tail]!;
        tail++;
      }
      childCount[head] = tail - childStart[head]!;
    }
    this.childStart = childStart;
    this.childCount = childCount;
    this.label = label;
    this.depth = depth;
    this.out = out;

    // 3. Failure links and dense rows, in the same breadth-first order (fail[s] < s always).
    this.denseStates = Math.max(1, Math.min(n, Math.floor(DENSE_BUDGET / classes)));
    this.dense = new Int32Array(this.denseStates * classes);
    this.fail = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      const f = this.fail[s]!;
      if (s < this.denseStates && s > 0) this.dense.copyWithin(s * classes, f * classes, (f + 1) * classes);
      const end = childStart[s]! + childCount[s]!;
      for (let t = childStart[s]!; t < end; t++) {
        const cls = label[t]!;
        if (s < this.denseStates) this.dense[s * classes + cls] = t;
        const ft = s === 0 ? 0 : this.step(f, cls);
        this.fail[t] = ft;
        if (out[t] === 0) out[t] = out[ft]!;
      }
    }

    // 4. The prefilter's bitset, sized for a false-hit rate near 1/64.
    let shortest = Infinity;
    const prefixes = new Set<number>();
    for (const p of patterns) {
      shortest = Math.min(shortest, p.length);
      let gram = 0;
      for (let i = 0; i < MIN_PATTERN && i < p.length; i++) gram = (gram << 8) | classOf[p.charCodeAt(i)]!;
      prefixes.add(gram);
    }
    this.useFilter = shortest >= MIN_PATTERN && classes <= 256;
    const log2 = Math.min(24, Math.max(12, Math.ceil(Math.log2(prefixes.size * 64))));
    this.shift = 32 - log2;
    this.bits = new Int32Array(this.useFilter ? 1 << (log2 - 5) : 1);
    if (this.useFilter) {
      for (const gram of prefixes) {
        const h = Math.imul(gram, HASH) >>> this.shift;
        this.bits[h >>> 5]! |= 1 << (h & 31);
      }
    }
  }

  /** How many of the last code units scanned may still begin an occurrence (the stream holds them back). */
  pending(scan: ScanState): number {
    if (!this.useFilter) return this.depth[scan.state]!;
    if (!scan.filtering) return Math.max(MIN_PATTERN - 1, this.depth[scan.state]!);
    // The trailing units that occur in some pattern (class ≠ 0), at most MIN_PATTERN − 1.
    let m = 0;
    while (m < MIN_PATTERN - 1 && ((scan.gram >>> (8 * m)) & 255) !== 0) m++;
    return m;
  }

  /** The transition from a state past the dense ones: trie edge, or follow failure links. */
  private step(state: number, cls: number): number {
    let s = state;
    while (s >= this.denseStates) {
      const end = this.childStart[s]! + this.childCount[s]!;
      for (let t = this.childStart[s]!; t < end; t++) if (this.label[t] === cls) return t;
      s = this.fail[s]!;
    }
    return this.dense[s * this.classes + cls]!;
  }

  /**
   * Feeds `text` (whose first code unit is at absolute position `base`) through the filter and the
   * automaton, merging every occurrence into the runs of `scan`.
   */
  scan(scan: ScanState, text: string, base: number): void {
    const classOf = this.classOf;
    const dense = this.dense;
    const classes = this.classes;
    const denseStates = this.denseStates;
    const out = this.out;
    const depth = this.depth;
    const bits = this.bits;
    const shift = this.shift;
    const useFilter = this.useFilter;
    const starts = scan.starts;
    const ends = scan.ends;
    let top = scan.top;
    let s = scan.state;
    let gram = scan.gram;
    let filtering = useFilter && scan.filtering;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (filtering) {
        for (; i < n; i++) {
          gram = (gram << 8) | classOf[text.charCodeAt(i)]!;
          const h = Math.imul(gram, HASH) >>> shift;
          if ((bits[h >>> 5]! & (1 << (h & 31))) !== 0) break;
        }
        if (i === n) break;
        // A hit: start the automaton at the root on the gram's first 3 units (no pattern is that
        // short, so none ends there); the loop below takes the 4th, so it leaves the gram as before it.
        s = dense[(gram >>> 24) & 255]!;
        s = s < denseStates ? dense[s * classes + ((gram >>> 16) & 255)]! : this.step(s, (gram >>> 16) & 255);
        s = s < denseStates ? dense[s * classes + ((gram >>> 8) & 255)]! : this.step(s, (gram >>> 8) & 255);
        gram >>>= 8;
        filtering = false;
      }
      for (; i < n; i++) {
        const cls = classOf[text.charCodeAt(i)]!;
        gram = (gram << 8) | (cls & 255);
        s = s < denseStates ? dense[s * classes + cls]! : this.step(s, cls);
        const len = out[s]!;
        if (len !== 0) {
          const end = base + i + 1;
          let start = end - len;
          // Runs are disjoint and sorted and `end` is past them all: pop those this occurrence overlaps.
          while (top > 0 && ends[top - 1]! > start) {
            top--;
            if (starts[top]! < start) start = starts[top]!;
          }
          starts[top] = start;
          ends[top] = end;
          top++;
        }
        // Shallow again: no occurrence can start before the filter's next gram.
        if (useFilter && depth[s]! < MIN_PATTERN) {
          filtering = true;
          s = 0;
          i++;
          break;
        }
      }
    }
    scan.state = s;
    scan.top = top;
    scan.gram = gram;
    scan.filtering = filtering;
  }
}
