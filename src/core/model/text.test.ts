import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
import { nameSchema, parseInput } from './parse.js';
import { describePath, findUnusableText, misleadingName, unusableText } from './text.js';

describe('unusableText', () => {
  const cases: [string, string, 'text' | 'line', string | undefined][] = [
    ['plain text', 'hello, wörld 🚀', 'text', undefined],
    ['tabs and line breaks in text', 'a\tb\r\nc', 'text', undefined],
    ['DEL in text', 'a\u007fb', 'text', undefined],
    ['a NUL', 'a\u0000b', 'text', 'must not contain a NUL character (U+0000)'],
    ['an escape', 'a\u001b[31m', 'text', 'must not contain the control character U+001B'],
    ['a lone high surrogate', 'a\ud800b', 'text', 'must not contain a lone surrogate (U+D800)'],
    ['a lone low surrogate', '\udc00', 'text', 'must not contain a lone surrogate (U+DC00)'],
    ['U+FFFE', 'a\ufffe', 'text', 'must not contain U+FFFE, which is not a character'],
    ['U+FFFF', '\uffff', 'text', 'must not contain U+FFFF, which is not a character'],
    ['a line break in a line', 'a\nb', 'line', 'must not contain tabs or line breaks (U+000A)'],
    ['DEL in a line', 'a\u007f', 'line', 'must not contain the control character U+007F'],
  ];
  for (const [what, s, kind, expected] of cases) {
    it(what, () => {
      const problem = unusableText(s, kind);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.ok(problem?.startsWith(expected), `${problem}`);
    });
  }
});

describe('misleadingName', () => {
  const cases: [string, string, RegExp | undefined][] = [
    ['an ordinary name', 'Web shop', undefined],
    ['a name with a joiner inside an emoji', 'Team 👩‍💻', undefined],
    ['only a zero-width space', '\u200b', /must contain a visible character/],
    ['only invisible characters', '\u200b\u200d\ufeff\u2060', /must contain a visible character/],
    ['a right-to-left override anywhere', 'invoice\u202Efdp.exe', /direction control U\+202E/],
    ['a left-to-right isolate', 'a\u2066b', /direction control U\+2066/],
  ];
  for (const [what, s, expected] of cases) {
    it(what, () => {
      const problem = misleadingName(s);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.match(problem ?? '', expected);
    });
  }

  it('is the rule of every name field', () => {
    const name = nameSchema('name');
    const message = (s: string) => {
      try {
        parseInput(name, s, 'team');
      } catch (e) {
        assert.ok(e instanceof SlipwayError);
        return e.message;
      }
      return '';
    };
    assert.match(message('\u200b'), /^Invalid team: team: name must contain a visible character/);
    assert.match(message('a\u202eb'), /name must not contain the direction control U\+202E/);
    assert.match(message('a\ud800'), /name must not contain a lone surrogate/);
    assert.match(message('a\u0007'), /name must not contain control characters/);
    assert.equal(parseInput(name, 'Prod (EU)', 'team'), 'Prod (EU)');
  });
});

describe('findUnusableText', () => {
  it('names each bad value and key under the root, without the raw characters', () => {
    const issues = findUnusableText(
      { notes: 'a\u0000', list: ['ok', 'b\ud800'], ['k\u0000ey']: 'v', nested: { deep: [{ x: '\u0001' }] } },
      'release',
    );
    assert.deepEqual(
      issues.map((i) => i.issue),
      [
        'release: a key of release must not contain a NUL character (U+0000)',
        'release.notes: notes must not contain a NUL character (U+0000)',
        'release.list[1]: list[1] must not contain a lone surrogate (U+D800): it is not valid Unicode text',
        'release.nested.deep[0].x: x must not contain the control character U+0001',
      ],
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ['release', 'release.notes', 'release.list[1]', 'release.nested.deep[0].x'],
    );
  });

  it('walks a deeply nested value without overflowing the stack', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const issues = findUnusableText(deep, 'body');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.problem, 'must not contain a NUL character (U+0000)');
  });

  it('finds nothing in clean values and stops at the limit', () => {
    assert.deepEqual(findUnusableText({ a: ['x', 1, null, true, { b: 'y\n' }] }, 'body'), []);
    assert.equal(findUnusableText(Array(50).fill('\u0000'), 'body', 'text', 10).length, 10);
  });
});

describe('describePath', () => {
  it('quotes keys that are not plain words', () => {
    assert.equal(describePath('body', ['prompted', 'A B', 0, 'x-y']), 'body.prompted["A B"][0].x-y');
    assert.equal(describePath('body', ['a\u0000']), 'body["a\\u0000"]');
  });
});

describe('parseInput words every issue itself', () => {
  const schema = z.strictObject({
    text: z.string().max(3).optional(),
    list: z.array(z.string().min(1)).min(2).optional(),
    count: z.int().min(1).max(5).optional(),
    when: z.iso.datetime().optional(),
    pick: z.enum(['a', 'b']).optional(),
    tag: z.string().regex(/^x/).optional(),
    either: z.union([z.string(), z.number()]).optional(),
    needed: z.string(),
  });
  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing field', {}, 'thing.needed: needed is required'],
    ['a wrong type', { needed: 1 }, 'thing.needed: needed must be a string'],
    ['a string too long', { needed: '', text: 'abcd' }, 'thing.text: text must be at most 3 characters'],
    ['a list too short', { needed: '', list: ['a'] }, 'thing.list: list must be at least 2 items'],
    ['an empty item', { needed: '', list: ['a', ''] }, 'thing.list[1]: list[1] must not be empty'],
    ['a number out of range', { needed: '', count: 9 }, 'thing.count: count must be at most 5'],
    ['a fraction', { needed: '', count: 1.5 }, 'thing.count: count must be a whole number'],
    [
      'a bad date',
      { needed: '', when: 'yesterday' },
      'thing.when: when must be a date and time such as 2026-01-02T03:04:05Z',
    ],
    ['a value not listed', { needed: '', pick: 'c' }, 'thing.pick: pick must be one of "a", "b"'],
    ['a pattern', { needed: '', tag: 'y' }, 'thing.tag: tag does not have the required form'],
    ['a union', { needed: '', either: true }, 'thing.either: either is none of the forms it may take'],
    ['an unknown field', { needed: '', extra: 1 }, 'thing: unknown field "extra" in thing'],
  ];
  for (const [what, input, expected] of cases) {
    it(what, () => {
      assert.throws(
        () => parseInput(schema, input, 'thing'),
        (e: unknown) => {
          assert.ok(e instanceof SlipwayError);
          assert.deepEqual(e.data.issues, [expected]);
          assert.doesNotMatch(e.message, /Invalid input|expected|Too (big|small)|Unrecognized/);
          return true;
        },
      );
    });
  }
});
