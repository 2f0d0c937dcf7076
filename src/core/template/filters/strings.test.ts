import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_FILTERS } from './index.js';

const context = { now: () => new Date('2024-03-05T14:07:09.123Z') };
function run(name: string, value: string | undefined, options: string[] = []): string | null | undefined {
  const filter = BUILTIN_FILTERS[name.toLowerCase()];
  assert.ok(filter, `no filter ${name}`);
  return filter.apply(value, options, context);
}

type Case = [
  filter: string,
  value: string | undefined,
  options: string[],
  expected: string | null | undefined,
];

const CASES: Case[] = [
  ['ToUpper', 'abc Ä', [], 'ABC Ä'],
  ['ToLower', 'ABC Ä', [], 'abc ä'],
  ['ToLower', 'A', ['x'], undefined],
  ['Match', 'release-1.2', ['^release-\\d'], 'true'],
  ['Match', 'hotfix', ['^release'], 'false'],
  ['Match', 'ABC', ['(?i)^abc$'], 'true'],
  ['Match', 'abc\n', ['abc\\Z'], 'true'],
  ['Match', 'abc\n', ['abc\\z'], 'false'],
  ['Match', 'x', ['('], undefined],
  ['Match', 'x', [], undefined],
  ['Match', 'x', ['a', 'b'], undefined],
  // Patterns that backtrack catastrophically elsewhere run in linear time and give .NET's answer.
  ['Match', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', ['^(a+)+$'], 'false'],
  ['Match', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ['^(a+)+$'], 'true'],
  ['Match', 'a_b', ['(?<=a)_'], 'true'],
  ['Match', 'c_b', ['(?<!c)_'], 'false'],
  ['Match', 'A', ['\\u0041'], 'true'],
  ['Match', 'xAb', ['x(?i)a(?-i)b'], 'true'],
  ['Match', 'xAB', ['x(?i)a(?-i)b'], 'false'],
  ['Match', 'ab', ['a(?#a comment)b'], 'true'],
  ['Match', ']', ['[]a]'], 'true'],
  ['Match', 'x1', ["(?'n'x)\\d"], 'true'],
  ['StartsWith', 'Production', ['Prod'], 'true'],
  ['StartsWith', 'Production', ['prod'], 'false'],
  ['EndsWith', 'Production', ['tion'], 'true'],
  ['EndsWith', 'Production', ['TION'], 'false'],
  ['Contains', 'Production', ['duct'], 'true'],
  ['Contains', 'Production', ['x'], 'false'],
  ['Contains', 'Production', [], undefined],
  ['Replace', 'a-b-c', ['-'], 'abc'],
  ['Replace', 'a-b-c', ['-', '_'], 'a_b_c'],
  ['Replace', 'John Smith', ['(\\w+) (\\w+)', '$2, $1'], 'Smith, John'],
  ['Replace', 'John Smith', ['(?<first>\\w+) (?<last>\\w+)', '${last} ${first}'], 'Smith John'],
  ['Replace', 'abc', ['b', '[$&]'], 'a[b]c'],
  ['Replace', 'abc', ['b', '$$'], 'a$c'],
  ['Replace', 'abc', ['b', "$`|$'"], 'aa|cc'],
  ['Replace', 'abc', ['b', '($_)'], 'a(abc)c'],
  ['Replace', 'abc', ['(b)', '$10'], 'ab0c'],
  ['Replace', 'abc', ['(b)', '$2'], 'a$2c'],
  ['Replace', 'abc', ['(b)', '${1}1'], 'ab1c'],
  ['Replace', 'ab', ['(a)(b)', '$+'], 'b'],
  ['Replace', 'abc', ['['], undefined],
  ['Replace', 'abc', ['x*', '-'], '-a-b-c-'],
  ['Replace', 'key=value', ["(?'k'\\w+)=(?<v>\\w+)", '${v}=${k}'], 'value=key'],
  ['Replace', 'abc\n', ['c\\Z', 'C'], 'abC'],
  ['Replace', 'secret', ['(.)', '$1 '], 's e c r e t '],
  ['Replace', 'abc', [], undefined],
  ['Replace', 'abc', ['a', 'b', 'c'], undefined],
  ['Substring', 'Octopus', ['3'], 'Oct'],
  ['Substring', 'Octopus', ['2', '3'], 'top'],
  ['Substring', 'Octopus', ['7'], 'Octopus'],
  // Octostache clamps a length past the end, and fails only when the start is past the end
  ['Substring', 'Octopus', ['8'], 'Octopus'],
  ['Substring', 'Octopus', ['5', '3'], 'us'],
  ['Substring', 'Octopus', ['7', '1'], ''],
  ['Substring', 'Octopus', ['8', '1'], undefined],
  ['Substring', 'Octopus', ['-1'], undefined],
  ['Substring', 'Octopus', ['x'], undefined],
  ['Substring', 'Octopus', [], undefined],
  ['Substring', 'Octopus', ['1', '2', '3'], undefined],
  ['Truncate', 'Octopus Deploy', ['7'], 'Octopus...'],
  ['Truncate', 'Octopus Deploy', ['7', '~'], 'Octopus~'],
  ['Truncate', 'Octopus', ['7'], 'Octopus'],
  ['Truncate', 'Octopus', ['0'], '...'],
  ['Truncate', 'Octopus', ['-2'], undefined],
  ['Truncate', 'Octopus', [], undefined],
  ['Truncate', 'Octopus', ['a'], undefined],
  ['Trim', '  a b  ', [], 'a b'],
  ['Trim', '  a b  ', ['start'], 'a b  '],
  ['Trim', '  a b  ', ['End'], '  a b'],
  ['Trim', ' a ', ['middle'], undefined],
  ['Trim', ' a ', ['start', 'end'], undefined],
  ['Indent', 'a\nb', [], '    a\n    b'],
  ['Indent', 'a\nb', ['2'], '  a\n  b'],
  ['Indent', 'a\nb', ['2/4'], '  a\n    b'],
  ['Indent', 'a\nb', ['/4'], 'a\n    b'],
  ['Indent', 'a\nb', ['0'], 'a\nb'],
  ['Indent', 'a\nb', ['256'], '256a\n256b'],
  ['Indent', 'a\nb', ['--'], '--a\n--b'],
  ['Indent', 'a\nb', ['# ', '  '], '# a\n  b'],
  ['Indent', 'a\r\nb', ['2'], '  a\r\n  b'],
  ['Indent', '', ['2'], ''],
  ['Indent', 'a', ['1', '2', '3'], undefined],
  ['Append', 'a', ['b'], 'ab'],
  ['Append', 'a', ['b', 'c'], 'abc'],
  ['Append', undefined, ['b'], 'b'],
  ['Append', 'a', [], undefined],
  ['Prepend', 'a', ['b'], 'ba'],
  ['Prepend', undefined, ['b'], 'b'],
  ['Prepend', 'a', [], undefined],
  ['Null', 'a', [], null],
  ['Null', 'a', ['x'], undefined],
];

describe('string filters', () => {
  for (const [name, value, options, expected] of CASES) {
    it(`${name} ${JSON.stringify(value)} ${JSON.stringify(options)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(run(name, value, options), expected);
    });
  }

  it('marks which filters run on missing names', () => {
    const accepting = Object.entries(BUILTIN_FILTERS)
      .filter(([, f]) => f.acceptsMissing)
      .map(([n]) => n)
      .sort();
    assert.deepEqual(accepting, ['append', 'nowdate', 'nowdateutc', 'prepend']);
  });
});

const URI = 'https://user:pw@Example.com:8443/a%20b/c?x=1&y=2#top';
const URI_CASES: [string, string, string | undefined][] = [
  [URI, 'Scheme', 'https'],
  [URI, 'Host', 'example.com'],
  [URI, 'Port', '8443'],
  [URI, 'Path', '/a b/c'],
  [URI, 'AbsolutePath', '/a%20b/c'],
  [URI, 'Query', '?x=1&y=2'],
  [URI, 'Fragment', '#top'],
  [URI, 'Authority', 'example.com:8443'],
  [URI, 'PathAndQuery', '/a%20b/c?x=1&y=2'],
  [URI, 'HostAndPort', 'example.com:8443'],
  [URI, 'SchemeAndServer', 'https://example.com:8443'],
  [URI, 'UserInfo', 'user:pw'],
  [URI, 'IsDefaultPort', 'false'],
  [URI, 'absoluteuri', 'https://user:pw@example.com:8443/a%20b/c?x=1&y=2#top'],
  ['https://example.com', 'Port', '443'],
  ['https://example.com', 'Authority', 'example.com'],
  ['https://example.com', 'HostAndPort', 'example.com:443'],
  ['https://example.com', 'SchemeAndServer', 'https://example.com'],
  ['https://example.com', 'AbsolutePath', '/'],
  ['https://example.com', 'Query', ''],
  ['http://127.0.0.1/', 'IsLoopback', 'true'],
  ['http://127.0.0.1/', 'HostNameType', 'IPv4'],
  ['http://[::1]:81/', 'Host', '[::1]'],
  ['http://[::1]:81/', 'DnsSafeHost', '::1'],
  // used wrongly, UriPart renders Octostache's inline error text
  ['http://example.com', 'Nope', "[UriPart Nope error: argument 'Nope' not supported]"],
  ['/relative/path', 'Path', '[UriPart Path error: This operation is not supported for a relative URI.]'],
  ['not a uri', 'Host', '[UriPart Host error: This operation is not supported for a relative URI.]'],
  ['/relative/path', 'IsAbsoluteUri', 'false'],
  ['http://', 'Host', 'http://'],
];

describe('UriPart', () => {
  for (const [uri, part, expected] of URI_CASES) {
    it(`${uri} ${part} → ${String(expected)}`, () => assert.equal(run('UriPart', uri, [part]), expected));
  }
  it('needs exactly one part name', () => {
    assert.equal(run('UriPart', URI, []), '[UriPart error: no argument given]');
    assert.equal(run('UriPart', URI, ['Host', 'Port']), undefined);
  });
});
