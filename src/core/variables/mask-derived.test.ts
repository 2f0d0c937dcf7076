/**
 * Masking fuzz over derived secrets, with a seeded PRNG (a failure names its seed; rerun with
 * MASK_SEED=<seed>): a sensitive value goes through a random chain of template filters (directly,
 * through a variable that refers to it, a JSON path, a loop or calc), the template's output reaches
 * the log raw, JSON-escaped (once or twice), URL-encoded or inside a longer base64 stream, and the
 * log is masked as a stream split into random chunks. Neither the secret nor any value the template
 * engine reports as derived from it may survive in any of those forms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate } from '../template/index.js';
import { MIN_MASKED_LENGTH, createMasker } from './mask.js';
import { prng } from '../../../test/helpers/prng.js';

// No '*' (the mask itself), no '{' (a secret holding `#{` would be a template).
const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...' -_.!~\'()&=+/%?:;,@<>"\\\t[]$',
  'é',
  '中',
  '😀',
];

/** Filters that take any text: the links of the random chains. */
const FILTERS = [
  'ToLower',
  'ToUpper',
  'ToBase64',
  'Replace "(.)" "$1 "',
  'Replace "[aeiou]" "_"',
  'Append "-x"',
  'Prepend "p:"',
  'JsonEscape',
  'UriEscape',
  'HtmlEscape',
  'Trim',
  'Indent "> "',
  'Md5',
  'Sha256',
  'Truncate 12',
];

class Gen {
  readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = prng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  text(lo: number, hi: number, alphabet: readonly string[] = ALPHABET): string {
    let s = '';
    for (let n = this.int(lo, hi); n > 0; n--) s += this.pick(alphabet);
    return s;
  }
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const chars = (s: string): number => [...s].length;

/** The forms checked in the masked log, computed with Node's own encoders. */
const FORMS: ((s: string) => string)[] = [
  (s) => s,
  (s) => JSON.stringify(s).slice(1, -1),
  (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1),
  (s) => encodeURIComponent(s),
  (s) => b64(s),
];

interface Scenario {
  template: string;
  variables: Record<string, string>;
  secret: string;
  /** The loop's items are marked off in the output (\u0001 item \u0002); otherwise the whole output is derived. */
  loop: boolean;
}

/** What must be masked, worked out by the test itself: the whole output, or each item of the loop. */
function mustMask(s: Scenario, output: string): string[] {
  if (!s.loop) return [output];
  return output
    .split('\u0001')
    .slice(1)
    .map((piece) => piece.slice(0, piece.indexOf('\u0002')))
    .filter((v) => v !== 'other-item');
}

/** A template that derives something from the secret, one way or another. */
function scenario(g: Gen): Scenario {
  const secret = g.next() < 0.15 ? String(g.int(1000, 99_999_999)) : g.text(4, 24);
  const chain = Array.from({ length: g.int(1, 3) }, () => g.pick(FILTERS))
    .map((f) => ` | ${f}`)
    .join('');
  const variables: Record<string, string> = {
    Secret: secret,
    Plain: g.text(0, 8, [...'abcdef']),
    Conn: `Server=db;Password=#{Secret};x=#{Plain}`,
    Config: JSON.stringify({ Db: { Password: secret } }),
    List: `${secret.replaceAll(',', '')},other-item`,
  };
  const way = g.int(0, 4);
  const template =
    way === 0
      ? `#{Secret${chain}}`
      : way === 1
        ? `#{Conn${chain}}`
        : way === 2
          ? `#{Config.Db.Password${chain}}`
          : way === 3
            ? `#{each c in List}\u0001#{c${chain}}\u0002#{/each}`
            : /^\d+$/.test(secret)
              ? `#{calc Secret * 7 + 1}`
              : `#{Plain | Append #{Secret${chain}}}`;
  return { template, variables, secret, loop: way === 3 };
}

const SENSITIVE = new Set(['secret', 'config', 'list']);

/** The rendered output as it might be logged: raw, JSON-escaped, URL-encoded or inside base64. */
function logLine(g: Gen, output: string): { line: string; base64Of?: { before: string; after: string } } {
  const before = g.text(0, 6);
  const after = g.text(0, 6);
  switch (g.int(0, 4)) {
    case 0:
      return { line: `${before}${output}${after}` };
    case 1:
      return { line: JSON.stringify({ message: `${before}${output}${after}` }) };
    case 2:
      return { line: JSON.stringify(JSON.stringify({ message: output })) };
    case 3:
      return { line: `GET /x?q=${encodeURIComponent(output)}&${after}` };
    default:
      return { line: `data: ${b64(before + output + after)}`, base64Of: { before, after } };
  }
}

function streamRandomly(g: Gen, secrets: readonly string[], text: string): string {
  const stream = createMasker(secrets).stream();
  let out = '';
  for (let i = 0; i < text.length;) {
    const size = g.int(0, g.next() < 0.5 ? 3 : 40);
    out += stream.push(text.slice(i, i + size));
    i += size;
  }
  return out + stream.end();
}

const BASE_SEED = Number(process.env.MASK_SEED ?? 20240917);
const RUNS = 400;

describe('masking derived secrets (fuzz)', () => {
  it('no derived value survives, raw, encoded, JSON-escaped or split across chunks', () => {
    let checked = 0;
    for (let run = 0; run < RUNS; run++) {
      const g = new Gen(BASE_SEED + run);
      const s = scenario(g);
      const { template, variables, secret } = s;
      const r = renderTemplate(template, variables, {
        sensitive: (name) => SENSITIVE.has(name.toLowerCase()),
      });
      const output = r.output ?? '';
      const derived = r.sensitiveValues ?? [];
      assert.ok(
        derived.length > 0 || r.missing.length > 0,
        `seed ${g.seed}: nothing derived from ${template}`,
      );
      // What a step would mask: the raw secret and everything derived from it.
      const secrets = [secret, ...derived];
      const { line, base64Of } = logLine(g, output);
      const text = `${g.text(0, 20)}\n${line}\n${g.text(0, 20)}`;
      const masked = streamRandomly(g, secrets, text);
      assert.equal(masked, createMasker(secrets).mask(text), `seed ${g.seed}: stream ≠ whole`);
      for (const value of new Set([...secrets, ...mustMask(s, output)])) {
        if (chars(value) <= MIN_MASKED_LENGTH) continue;
        checked++;
        for (const form of FORMS) {
          const f = form(value);
          assert.ok(!masked.includes(f), `seed ${g.seed}: ${JSON.stringify(f)} of ${template} in ${masked}`);
        }
        if (base64Of && Buffer.byteLength(value) >= 5 && output.includes(value)) {
          // The characters of the base64 stream that encode only the value itself.
          const at = Buffer.byteLength(base64Of.before + output.slice(0, output.indexOf(value)));
          const encoded = b64(base64Of.before + output + base64Of.after);
          const core = encoded.slice(
            Math.ceil((8 * at) / 6),
            Math.floor((8 * (at + Buffer.byteLength(value))) / 6),
          );
          if (core.length >= 6) assert.ok(!masked.includes(core), `seed ${g.seed}: base64 core ${core}`);
        }
      }
    }
    assert.ok(checked > RUNS, `only ${checked} values were long enough to check`);
  });
});
