/** The syntax tree of a parsed `#{...}` template. */

/** One step of a variable path: `.Name` or `[index]`. `name` keeps the written text (trimmed). */
export interface Segment {
  name: string;
  index: boolean;
}

/** A step whose index is itself a substitution: `Location[#{Continent}]`. */
export interface RefSegment {
  ref: Expr;
}

export type PathStep = Segment | RefSegment;

/** A variable path as written. `key` is the lower-cased lookup key when no step needs evaluating. */
export interface Path {
  steps: PathStep[];
  key: string | undefined;
  /** True when some step is `[*]` (first indexed child). */
  star: boolean;
}

/** A filter option: literal text, or a nested tag evaluated to text. */
export type FilterOption = { kind: 'text'; text: string } | { kind: 'node'; node: Node };

export interface FilterCall {
  name: string;
  options: FilterOption[];
}

/** `Name | Filter opt | Filter2`; `path` is null for a chain without a name (`#{ | NowDate}`). */
export interface Expr {
  path: Path | null;
  filters: FilterCall[];
}

/** One side of a condition. */
export type Operand = { kind: 'literal'; text: string } | { kind: 'expr'; expr: Expr };

export interface Condition {
  left: Operand;
  op: '==' | '!=' | undefined;
  right: Operand | undefined;
}

export interface Branch {
  /** `elseif` for the second and later branches of an `if`. */
  keyword: 'if' | 'unless' | 'elseif';
  condition: Condition;
  body: Node[];
}

/** A `#{calc ...}` expression. `braced` names were written `{Some-Name}`. */
export type CalcExpr =
  | { kind: 'number'; text: string }
  | { kind: 'name'; path: Path; braced: boolean }
  | { kind: 'neg'; operand: CalcExpr }
  | { kind: 'group'; inner: CalcExpr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: CalcExpr; right: CalcExpr };

export type Node =
  /** `raw` is the source text (escapes as written), kept to echo blocks faithfully. */
  | { kind: 'text'; text: string; raw: string }
  | { kind: 'subst'; expr: Expr }
  | { kind: 'if'; branches: Branch[]; otherwise: Node[] | undefined }
  | { kind: 'each'; name: string; collection: Path; body: Node[] }
  | { kind: 'calc'; expr: CalcExpr };

export function isRefSegment(step: PathStep): step is RefSegment {
  return 'ref' in step;
}
