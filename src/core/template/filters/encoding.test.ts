import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BUILTIN_FILTERS } from './index.js';

const context = { now: () => new Date('2024-03-05T14:07:09.123Z') };
function run(name: string, value: string | undefined, options: string[] = []): string | null | undefined {
  const filter = BUILTIN_FILTERS[name.toLowerCase()];
  assert.ok(filter, `no filter ${name}`);
  return filter.apply(value, options, context);
}

type Case = [filter: string, value: string, options: string[], expected: string | undefined];

const CASES: Case[] = [
  ['ToBase64', 'Hello, World!', [], 'SGVsbG8sIFdvcmxkIQ=='],
  ['ToBase64', 'Hello', ['utf8'], 'SGVsbG8='],
  ['ToBase64', 'Hello', ['UTF-8'], 'SGVsbG8='],
  ['ToBase64', 'Hello', ['unicode'], 'SABlAGwAbABvAA=='],
  ['ToBase64', 'é€😀', [], 'w6nigqzwn5iA'],
  ['ToBase64', '', [], ''],
  ['ToBase64', 'a', ['ascii'], undefined],
  ['ToBase64', 'a', ['utf8', 'x'], undefined],
  ['FromBase64', 'SGVsbG8sIFdvcmxkIQ==', [], 'Hello, World!'],
  ['FromBase64', 'SABlAGwAbABvAA==', ['unicode'], 'Hello'],
  ['FromBase64', 'SGVs\nbG8=', [], 'Hello'],
  ['FromBase64', 'SGVsbG8', [], undefined],
  ['FromBase64', 'not base64!', [], undefined],
  ['FromBase64', 'SGVsbG8=', ['latin1'], undefined],
  [
    'HtmlEscape',
    `<a href="x">'Tom' & /Jerry/</a>`,
    [],
    '&lt;a href=&quot;x&quot;&gt;&apos;Tom&apos; &amp; &#x2F;Jerry&#x2F;&lt;&#x2F;a&gt;',
  ],
  ['HtmlEscape', 'a', ['x'], undefined],
  ['XmlEscape', `<a b="c">'d' & e/f</a>`, [], '&lt;a b=&quot;c&quot;&gt;&apos;d&apos; &amp; e/f&lt;/a&gt;'],
  ['JsonEscape', 'say "hi"\\\n\r\t\u0001', [], 'say \\"hi\\"\\\\\\n\\r\\t\\u0001'],
  ['JsonEscape', 'é/', [], 'é/'],
  ['UriEscape', 'http://x.com/a b?q=ü&r=[1]#f%', [], 'http://x.com/a%20b?q=%C3%BC&r=[1]#f%25'],
  ['UriDataEscape', "a b&c=d/é!*'()~", [], 'a%20b%26c%3Dd%2F%C3%A9%21%2A%27%28%29~'],
  ['UriDataEscape', '😀', [], '%F0%9F%98%80'],
  ['YamlSingleQuoteEscape', "it's", [], "it''s"],
  ['YamlSingleQuoteEscape', 'a\nb', [], 'a\n\nb'],
  ['YamlSingleQuoteEscape', 'a\r\n\r\nb', [], 'a\r\n\r\n\r\nb'],
  ['YamlDoubleQuoteEscape', 'say "hi"\\\n\tü', [], 'say \\"hi\\"\\\\\\n\\t\\u00fc'],
  ['YamlDoubleQuoteEscape', '😀', [], '\\ud83d\\ude00'],
  ['PropertiesKeyEscape', 'a key:x=y\\\n', [], 'a\\ key\\:x\\=y\\\\\\n'],
  ['PropertiesKeyEscape', 'ü€', [], 'ü\\u20ac'],
  ['PropertiesValueEscape', ' a b:c=d\t', [], '\\ a b:c=d\\t'],
  ['PropertiesValueEscape', 'a', ['x'], undefined],
  ['Markdown', '**bold**', [], '<p><strong>bold</strong></p>\n'],
  [
    'MarkdownToHtml',
    '  # Title\n\n~~gone~~ https://example.com  ',
    [],
    '<h1>Title</h1>\n<p><del>gone</del> <a href="https://example.com">https://example.com</a></p>\n',
  ],
  [
    'MarkdownToHtml',
    '| a | b |\n|---|---|\n| 1 | 2 |',
    [],
    '<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody><tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody></table>\n',
  ],
  ['Markdown', 'x', ['y'], undefined],
];

describe('encoding filters', () => {
  for (const [name, value, options, expected] of CASES) {
    it(`${name} ${JSON.stringify(value)} ${JSON.stringify(options)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(run(name, value, options), expected);
    });
  }

  it('round-trips base64 in both encodings, including astral characters', () => {
    for (const text of ['', 'plain', 'Grüße, 世界 😀', 'a'.repeat(100_000) + '€']) {
      for (const encoding of ['utf8', 'unicode']) {
        const encoded = run('ToBase64', text, [encoding])!;
        assert.equal(encoded, Buffer.from(text, encoding === 'utf8' ? 'utf8' : 'utf16le').toString('base64'));
        assert.equal(run('FromBase64', encoded, [encoding]), text);
      }
    }
  });
});

const ABC: Record<string, string> = {
  Md5: '900150983cd24fb0d6963f7d28e17f72',
  Sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
  Sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  Sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  Sha512:
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
};

describe('hash filters', () => {
  for (const [name, digest] of Object.entries(ABC)) {
    it(`${name} of "abc" is the published vector`, () => assert.equal(run(name, 'abc'), digest));
    it(`${name} agrees with node:crypto on unicode input in both encodings`, () => {
      const text = 'Grüße 😀';
      const algorithm = name.toLowerCase();
      assert.equal(run(name, text), createHash(algorithm).update(text, 'utf8').digest('hex'));
      assert.equal(run(name, text, ['unicode']), createHash(algorithm).update(text, 'utf16le').digest('hex'));
    });
  }
  it('empty input', () => assert.equal(run('Md5', ''), 'd41d8cd98f00b204e9800998ecf8427e'));
  it('truncates to a byte size, in either option order', () => {
    assert.equal(run('Sha256', 'abc', ['4']), 'ba7816bf');
    assert.equal(run('Sha256', 'abc', ['4', 'utf8']), 'ba7816bf');
    assert.equal(run('Sha256', 'abc', ['UTF-8', '4']), 'ba7816bf');
    assert.equal(
      run('Sha256', 'abc', ['unicode', '2']),
      createHash('sha256').update('abc', 'utf16le').digest('hex').slice(0, 4),
    );
    assert.equal(run('Md5', 'abc', ['100']), ABC.Md5);
  });
  it('hashes base64 input as its bytes', () => assert.equal(run('Sha1', 'YWJj', ['base64']), ABC.Sha1));
  it('fails on bad options', () => {
    for (const options of [['0'], ['-1'], ['x'], ['4', 'x'], ['utf8', 'x'], ['1', '2', '3']]) {
      assert.equal(run('Sha256', 'abc', options), undefined, JSON.stringify(options));
    }
    assert.equal(run('Sha256', 'abc!', ['base64']), undefined);
  });
});

const VERSIONS: [string, Record<string, string>][] = [
  [
    '1.2.3-beta.4+abc',
    {
      Major: '1',
      Minor: '2',
      Patch: '3',
      Revision: '0',
      PreRelease: 'beta.4',
      PreReleasePrefix: 'beta',
      PreReleaseCounter: '4',
      Metadata: 'abc',
    },
  ],
  [
    'v10.20.30.40',
    {
      Major: '10',
      Minor: '20',
      Patch: '30',
      Revision: '40',
      PreRelease: '',
      PreReleasePrefix: '',
      PreReleaseCounter: '',
      Metadata: '',
    },
  ],
  ['2', { Major: '2', Minor: '0', Patch: '0', Revision: '0' }],
  ['1.0.0-rc-2', { PreRelease: 'rc-2', PreReleasePrefix: 'rc', PreReleaseCounter: '2' }],
  ['1.0.0-alpha', { PreReleasePrefix: 'alpha', PreReleaseCounter: '' }],
  // Octopus's parser: the prefix is the first run of letters and digits, the counter all after it
  ['1.0.0-alpha.1.2', { PreReleasePrefix: 'alpha', PreReleaseCounter: '1.2' }],
  ['1.0.0+build.7', { PreRelease: '', Metadata: 'build.7' }],
  ['01.002.0', { Major: '1', Minor: '2', Patch: '0' }],
];

describe('version filters', () => {
  for (const [version, parts] of VERSIONS) {
    for (const [part, expected] of Object.entries(parts)) {
      it(`Version${part} of ${version} → ${JSON.stringify(expected)}`, () =>
        assert.equal(run(`Version${part}`, version), expected));
    }
  }
  it('fails where the Octopus version parser throws, and on options', () => {
    for (const bad of ['', '  ', '1.2.3-hi there', '1.2.3-hi/there', '1.2.3-hithere +meta', '2147483648.1.1'])
      assert.equal(run('VersionMajor', bad), undefined, bad);
    assert.equal(run('VersionMajor', '1.2.3', ['x']), undefined);
  });
});
