import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK, MIN_MASKED_LENGTH, createMasker, maskPatterns } from './mask.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const b64url = (s: string): string => Buffer.from(s).toString('base64url');

/** Streams `text` in pieces of `size` code units. */
function streamed(secrets: string[], text: string, size: number): string {
  const stream = createMasker(secrets).stream();
  let out = '';
  for (let i = 0; i < text.length; i += size) out += stream.push(text.slice(i, i + size));
  return out + stream.end();
}

interface Case {
  name: string;
  secrets: string[];
  text: string;
  want: string;
}

const M = MASK;
const CASES: Case[] = [
  // plain and inside words
  { name: 'plain', secrets: ['hunter22'], text: 'password=hunter22', want: `password=${M}` },
  { name: 'inside a word', secrets: ['hunter22'], text: 'xxhunter22yy', want: `xx${M}yy` },
  { name: 'every occurrence', secrets: ['s3cr3t'], text: 's3cr3t, s3cr3t.', want: `${M}, ${M}.` },
  { name: 'adjacent occurrences stay two masks', secrets: ['abcd'], text: 'abcdabcd', want: M + M },
  { name: 'several secrets', secrets: ['alpha-1', 'beta-22'], text: 'alpha-1/beta-22', want: `${M}/${M}` },
  { name: 'multi-line secret', secrets: ['line1\nline2'], text: 'a line1\nline2 b', want: `a ${M} b` },
  { name: 'case matters', secrets: ['Secret'], text: 'secret SECRET Secret', want: `secret SECRET ${M}` },
  // JSON-escaped
  {
    name: 'JSON: quotes, backslash, newline',
    secrets: ['a"b\\c\nd'],
    text: JSON.stringify({ password: 'a"b\\c\nd' }),
    want: `{"password":"${M}"}`,
  },
  { name: 'JSON: tab and control', secrets: ['x\ty\u0001z'], text: '"x\\ty\\u0001z"', want: `"${M}"` },
  { name: 'JSON: unicode raw', secrets: ['pässwörd'], text: JSON.stringify(['pässwörd']), want: `["${M}"]` },
  {
    name: 'JSON: unicode \\u (Python)',
    secrets: ['pässwörd'],
    text: '"p\\u00e4ssw\\u00f6rd"',
    want: `"${M}"`,
  },
  { name: 'JSON: astral \\u pair', secrets: ['key😀key'], text: '"key\\ud83d\\ude00key"', want: `"${M}"` },
  { name: 'JSON: \\/ (PHP)', secrets: ['a/b/c/d'], text: '{"p":"a\\/b\\/c\\/d"}', want: `{"p":"${M}"}` },
  { name: 'JSON: HTML-safe (Go)', secrets: ['<a&b>'], text: '"\\u003ca\\u0026b\\u003e"', want: `"${M}"` },
  {
    name: 'JSON: .NET default encoder',
    secrets: [`it's+"é"`],
    text: '"it\\u0027s\\u002B\\u0022\\u00E9\\u0022"',
    want: `"${M}"`,
  },
  {
    name: 'JSON: escaped twice (JSON inside a JSON string)',
    secrets: ['q"uote'],
    text: JSON.stringify(JSON.stringify({ p: 'q"uote' })),
    want: `"{\\"p\\":\\"${M}\\"}"`,
  },
  // URL-encoded
  {
    name: 'URL: encodeURIComponent with space, & and =',
    secrets: ['p w&x=y'],
    text: `https://h/?q=${encodeURIComponent('p w&x=y')}&r=1`,
    want: `https://h/?q=${M}&r=1`,
  },
  { name: 'URL: + for space', secrets: ['p w&x=y'], text: 'q=p+w%26x%3Dy', want: `q=${M}` },
  {
    name: 'URL: URLSearchParams',
    secrets: ["it's (ok)~!"],
    text: new URLSearchParams({ q: "it's (ok)~!" }).toString(),
    want: `q=${M}`,
  },
  { name: 'URL: RFC 3986', secrets: ["a'b(c)!"], text: 'x=a%27b%28c%29%21', want: `x=${M}` },
  { name: 'URL: UTF-8', secrets: ['naïve pw'], text: `?${encodeURIComponent('naïve pw')}`, want: `?${M}` },
  // base64
  {
    name: 'base64: own, padded',
    secrets: ['hunter22'],
    text: `Basic ${b64('hunter22')}`,
    want: `Basic ${M}`,
  },
  { name: 'base64: own, padded (==)', secrets: ['abcd'], text: `[${b64('abcd')}]`, want: `[${M}]` },
  { name: 'base64: own, unpadded', secrets: ['abcd'], text: `[${b64url('abcd')}]`, want: `[${M}]` },
  {
    name: 'base64: URL-safe alphabet',
    secrets: ['??>>??>>'],
    text: `t=${b64url('??>>??>>')}`,
    want: `t=${M}`,
  },
  {
    name: 'base64: Basic auth header (offset 5 in user:pass)',
    secrets: ['hunter22'],
    text: `Authorization: Basic ${b64('alice:hunter22')}`,
    // "alice:" is 6 bytes: the secret starts aligned, so its own base64 follows "YWxpY2U6".
    want: `Authorization: Basic YWxpY2U6${M}`,
  },
  // length rule
  { name: 'three characters: not masked', secrets: ['abc'], text: 'abc abc', want: 'abc abc' },
  { name: 'four characters: masked', secrets: ['abcd'], text: 'abcd', want: M },
  { name: 'empty secret ignored', secrets: [''], text: 'text', want: 'text' },
  { name: 'code points, not UTF-16 units', secrets: ['😀😀'], text: 'x😀😀', want: 'x😀😀' },
  { name: 'four code points', secrets: ['a😀b😀'], text: 'x a😀b😀', want: `x ${M}` },
  // overlapping and nested
  { name: 'nested: longest wins', secrets: ['abcd', 'abcdef'], text: 'xabcdefx', want: `x${M}x` },
  { name: 'nested inside', secrets: ['bcde', 'abcdef'], text: 'xabcdefx', want: `x${M}x` },
  { name: 'overlapping merge', secrets: ['abcdef', 'defghi'], text: '-abcdefghi-', want: `-${M}-` },
  { name: 'chain of overlaps', secrets: ['abcd', 'cdef', 'efgh'], text: 'abcdefgh', want: M },
  {
    name: 'longer secret starting before an earlier match',
    secrets: ['bcde', 'ghij', 'abcdefghijkl'],
    text: '<abcdefghijkl>',
    want: `<${M}>`,
  },
  { name: 'partial prefix is not masked', secrets: ['abcdef'], text: 'abcde abcdeF', want: 'abcde abcdeF' },
];

describe('mask', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.equal(createMasker(c.secrets).mask(c.text), c.want);
      for (const size of [1, 2, 3, 7, 1000]) assert.equal(streamed(c.secrets, c.text, size), c.want);
    });
  }

  it('embedded base64 at every alignment hides the stable core', () => {
    const secret = 'correct horse';
    const masker = createMasker([secret]);
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
      for (const suffix of ['', 'z', 'zz', 'zzz']) {
        const encoded = b64(`${prefix}${secret}${suffix}`);
        const out = masker.mask(`data:${encoded}`);
        assert.ok(out.includes(M), `${prefix}|${suffix}: ${out}`);
        const lo = Math.ceil((8 * prefix.length) / 6);
        const hi = Math.floor((8 * (prefix.length + secret.length)) / 6);
        assert.ok(!out.includes(encoded.slice(lo, hi)), out);
        // What is left around the mask carries at most 4 bits of the secret on each side.
        assert.ok(out.length - 'data:'.length - M.length <= encoded.length - (hi - lo), out);
      }
    }
  });

  it('masks 1,000 secrets', () => {
    const secrets = Array.from({ length: 1000 }, (_, i) => `secret-${i}-${(i * 7919).toString(36)}`);
    const masker = createMasker(secrets);
    const text = secrets.map((s, i) => `line ${i}: token=${s};`).join('\n');
    const out = masker.mask(text);
    for (const s of secrets) assert.ok(!out.includes(s), s);
    assert.equal(out.split(M).length - 1, 1000);
  });

  it('empty list (or only short values): identity', () => {
    for (const secrets of [[], ['abc', 'x', '']]) {
      const masker = createMasker(secrets);
      const text = 'nothing to hide';
      assert.equal(masker.mask(text), text);
      const stream = masker.stream();
      assert.equal(stream.push('abc'), 'abc');
      assert.equal(stream.end(), '');
    }
  });

  it('patterns: short values ignored, duplicates dropped', () => {
    assert.equal(MIN_MASKED_LENGTH, 3);
    assert.deepEqual(maskPatterns(['abc', '']), []);
    assert.deepEqual(maskPatterns(['abcd', 'abcd']), maskPatterns(['abcd']));
  });
});

describe('stream', () => {
  const secrets = ['hunter22', 'correct horse battery'];
  const longest = Math.max(...maskPatterns(secrets).map((p) => p.length));

  it('holds back fewer characters than the longest pattern', () => {
    const stream = createMasker(secrets).stream();
    let pushed = 0;
    let out = '';
    const text = 'hunte corre horse battery hunter2 '.repeat(20);
    for (const ch of text) {
      out += stream.push(ch);
      pushed += ch.length;
      assert.ok(pushed - out.length <= longest - 1, `held ${pushed - out.length}`);
    }
    assert.equal(out + stream.end(), text);
  });

  it('releases a masked secret without waiting for more input', () => {
    const stream = createMasker(['abcd', 'abcdef']).stream();
    // Only "abcdef" could extend the run, and "ab" can no longer be its start.
    assert.equal(stream.push('xxabcdef'), `xx${M}`);
    assert.equal(stream.push('yy'), 'yy');
    assert.equal(stream.end(), '');
  });

  it('a secret split one character per chunk', () => {
    const stream = createMasker(['hunter22']).stream();
    const parts = [...'say hunter22!'].map((ch) => stream.push(ch));
    assert.equal(parts.join('') + stream.end(), `say ${M}!`);
  });

  it('empty chunks and reuse after end', () => {
    const stream = createMasker(['hunter22']).stream();
    assert.equal(stream.push('') + stream.push('hunter') + stream.push(''), '');
    assert.equal(stream.push('22') + stream.end(), M);
    assert.equal(stream.push('hunter22 ') + stream.end(), `${M} `);
  });
});
