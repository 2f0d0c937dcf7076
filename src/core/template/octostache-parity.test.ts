/**
 * Octostache parity for what users write (issue 16), one table per behaviour. Expected outputs are
 * the facts Octostache's own tests state (JsonFixture, FiltersFixture, VersionFixture,
 * CalculationFixture) and those of Octopus's version parser (Octopus.Versioning's tests).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate, TemplateError } from './index.js';

type Row = [template: string, output: string, missing?: string[]];

function table(rows: Row[], vars: Record<string, string>): void {
  for (const [t, output, missing = []] of rows) {
    it(`${t} → ${JSON.stringify(output)}`, () => {
      const r = renderTemplate(t, vars);
      assert.equal(r.error, undefined, r.error);
      assert.equal(r.output, output);
      assert.deepEqual(r.missing, missing);
    });
  }
}

describe('JSON values read leniently, as Octopus reads them', () => {
  // [the variable's JSON, template, output]
  const cases: [string, string, string][] = [
    ['{"Hello": "World"}', '#{Test[Hello]}', 'World'],
    ['{"Hello": "World"}', '#{Test.Hello}', 'World'],
    ['{"Hello": {"World": {"Foo": {"Bar": 12 }}}}', '#{Test[Hello][World][Foo][Bar]}', '12'],
    ['{"Items": [{"Name": "Toast"}, {"Name": "Bread"}]}', '#{Test.Items[1].Name}', 'Bread'],
    ['{"Items": [{"Name": "Toast"}, {"Name": "Bread"}]}', '#{Test.Items[0].Name}', 'Toast'],
    ['{"Foo": {"Bar":"11"}}', '#{Test.Foo}', '{"Bar":"11"}'],
    ['{"@type": "Widget"}', '#{Test.@type}', 'Widget'],
    ['{"@type": "Widget"}', '#{Test[@type]}', 'Widget'],
    ['{Bar: null}', 'Alpha#{Test.Bar}bet', 'Alphabet'],
    ['{Bar: "ABC"}', 'Alpha#{Test.NotBar}bet', 'Alphabet'],
    ['[2,3,5,8]', 'Alpha#{Test[4]}bet', 'Alphabet'],
    // the lenient grammar
    ["{Name: 'single quoted', $id: 1, _x: 2}", '#{Test.Name}/#{Test[$id]}/#{Test._x}', 'single quoted/1/2'],
    ["{a: 'it\\'s'}", '#{Test.a}', "it's"],
    ['{a: 1, /* a comment */ b: 2 // another\n}', '#{Test.b}', '2'],
    ['{a: [1, 2, ], b: 3, }', '#{Test.a}|#{Test.b}', '[1,2]|3'],
    ['{x: [1,,3]}', '#{Test.x}|#{Test.x[1]}|#{Test.x[2]}', '[1,null,3]||3'],
    ['{a: undefined, b: true, c: false}', '[#{Test.a}] #{Test.b} #{Test.c}', '[] true false'],
    [
      '{x: {a: 0x1F, b: 017, c: .5, d: 1.50, e: 1e3, f: -0}}',
      '#{Test.x}',
      '{"a":31,"b":15,"c":0.5,"d":1.5,"e":1000,"f":0}',
    ],
    ['{a: 123456789012345678901234567890}', '#{Test.a}', '123456789012345678901234567890'],
    [
      '{x: {a: NaN, b: -Infinity}}',
      '#{Test.x.a} #{Test.x.b} #{Test.x}',
      'NaN -Infinity {"a":"NaN","b":"-Infinity"}',
    ],
    ['{"a": "line\nbreak"}', '#{Test.a}', 'line\nbreak'],
    ['{"a": "\\ud83d\\ude00 \\ud83d!"}', '#{Test.a}', '\u{1f600} \ufffd!'],
    ['{x: {"b": 1, "1": 2, "a": 3}}', '#{Test.x}', '{"b":1,"1":2,"a":3}'],
    ['{"__proto__": {"x": 1}}', '#{Test.__proto__.x}', '1'],
    ['{"Inner": "{\\"Deep\\": 42}"}', '#{Test.Inner.Deep}', '42'],
    // not JSON: the reference is missing
    ['{Name: NoComma}', '#{Test.Name}', '#{Test.Name}'],
    ['{a-b: 1}', '#{Test.a}', '#{Test.a}'],
    ['{a: 1} extra', '#{Test.a}', '#{Test.a}'],
    ['{a: 08}', '#{Test.a}', '#{Test.a}'],
    ['{a: truex}', '#{Test.a}', '#{Test.a}'],
    ['{"a": "\\x"}', '#{Test.a}', '#{Test.a}'],
    ['{"a": /* unclosed }', '#{Test.a}', '#{Test.a}'],
  ];
  for (const [json, t, output] of cases) {
    it(`${json} ${t} → ${JSON.stringify(output)}`, () => {
      const r = renderTemplate(t, { Test: json });
      assert.equal(r.output, output);
      assert.deepEqual(r.missing, output === t ? [t] : []);
    });
  }

  it('nests containers up to 64 deep, as Json.NET allows; deeper is not JSON', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}7${']'.repeat(depth)}`;
    const path = (depth: number) => `#{Test${'[0]'.repeat(depth)}}`;
    assert.equal(renderTemplate(path(64), { Test: nested(64) }).output, '7');
    assert.equal(renderTemplate(path(65), { Test: nested(65) }).output, path(65));
    assert.equal(renderTemplate(path(2), { Test: nested(100_000) }).output, path(2));
  });

  it('a real variable still beats the JSON path', () => {
    const vars = {
      'Test.Hello': 'Go Away',
      Test: '{"Hello": "World", "Foo": "Bar", "Donkey" : {"Kong": 12}}',
      'Test[Foo]': 'Nope',
      'Test.Donkey.Kong': 'MARIO',
    };
    assert.equal(
      renderTemplate('#{Test.Hello} #{Test[Foo]} #{Test.Donkey.Kong}', vars).output,
      'Go Away Nope MARIO',
    );
  });
});

describe('JSON values that refer to other variables', () => {
  table(
    [
      ['#{Test[Foo]}', 'Bar'],
      ['#{Test.Foo}', 'Bar'],
      ['#{Test[#{Prop}]}', 'Bar'],
      ['#{Self.Name}', '12'],
      ['#{Self.Desc}', 'Monkey'],
      ['#{Self}', '{Name: "12", Desc: "Monkey", Value: 12}'],
      ['#{Chain.a}', '3'],
      ['#{Via.Url}', 'https://web/api'],
      ['#{each s in Servers}#{s.Host};#{/each}', 'web;db;'],
    ],
    {
      Prop: 'Foo',
      Val: 'Bar',
      Test: '{#{Prop}: "#{Val}"}',
      Self: '{Name: "#{Self.Value}", Desc: "Monkey", Value: 12}',
      Chain: '{a: "#{Chain.b}", b: "#{Chain.c}", c: 3}',
      Host: 'web',
      Via: "{Url: 'https://#{Host}/api'}",
      Servers: "[{Host: '#{Host}'}, {Host: 'db'}]",
    },
  );

  it('a JSON value whose properties refer to each other in a loop is a cycle, named', () => {
    assert.throws(
      () => renderTemplate('#{Loop.a}', { Loop: '{a: "#{Loop.b}", b: "#{Loop.a}"}' }),
      (e: unknown) => e instanceof TemplateError && e.cycle.join(' → ') === 'Loop.b → Loop.a → Loop.b',
    );
  });
});

describe('#{each} over JSON objects and arrays', () => {
  table(
    [
      ['#{each size in Octopus.Sizes}#{size}:#{size.Value},#{/each}', 'Small:11.5,Large:15.21,'],
      ['#{each size in Octopus.Sizes}#{size.Key}=#{size.value};#{/each}', 'Small=11.5;Large=15.21;'],
      ['#{each size in Stock}#{size.Key} - #{size.Value.Error}#{/each}', 'X-Large - Not Stocked'],
      ['#{each size in Stock}#{size.Value.Nope}|#{/each}', '|'],
      ['#{each size in Stock}#{size.Other}#{/each}', '#{size.Other}', ['#{size.Other}']],
      ['#{each size in Stock}#{each e in size.Value}#{e}=#{e.Value}#{/each}#{/each}', 'Error=Not Stocked'],
      [
        '#{each number in Numbers}#{number}#{if Octopus.Template.Each.Last == "False"}-#{/if}#{/each}',
        '2-3-5-8',
      ],
      ['Before:#{each number in Blah.Blah}#{number}#{/each}:After', 'Before::After'],
      ['#{each x in Nested}#{each y in x}#{y}.#{/each}|#{/each}', 'a.b.|c.|'],
      ['#{each x in Strings}#{x.k}#{/each}', '12'],
    ],
    {
      'Octopus.Sizes': '{"Small": "11.5",  Large: 15.21}',
      Stock: '{"X-Large": {"Error": "Not Stocked"}}',
      Numbers: '[2,3,5,8]',
      Blah: '{Blah: null}',
      Nested: "[['a','b'],['c']]",
      Strings: '["{k: 1}", "{k: 2}"]',
    },
  );
});

describe('Substring clamps as Octopus does', () => {
  table(
    [
      ['#{foo | Substring 7}', 'Octopus'],
      ['#{foo | Substring 8 6}', 'Deploy'],
      ['#{foo | Substring 20}', 'Octopus Deploy'],
      ['#{foo | Substring 14 5}', ''],
      ['#{foo | Substring 8 7}', 'Deploy'],
      ['#{foo | Substring 0 0}', ''],
      ['#{foo | Substring}', '#{foo | Substring}', ['#{foo | Substring}']],
      ['#{foo | Substring 1 2 3}', '#{foo | Substring "1" "2" "3"}', ['#{foo | Substring "1" "2" "3"}']],
      ['#{foo | Substring a}', '#{foo | Substring "a"}', ['#{foo | Substring "a"}']],
      ['#{foo | Substring 0 a}', '#{foo | Substring "0" "a"}', ['#{foo | Substring "0" "a"}']],
      ['#{foo | Substring -1}', '#{foo | Substring "-1"}', ['#{foo | Substring "-1"}']],
      ['#{foo | Substring 0 -1}', '#{foo | Substring "0" "-1"}', ['#{foo | Substring "0" "-1"}']],
      ['#{foo | Substring 20 5}', '#{foo | Substring "20" "5"}', ['#{foo | Substring "20" "5"}']],
      ['#{foo | Substring 8 | Trim}', 'Octopus'],
    ],
    { foo: 'Octopus Deploy' },
  );
});

describe('Version filters read versions as Octopus does', () => {
  // version → major minor patch revision prerelease prefix counter metadata
  const cases: [string, ...string[]][] = [
    ['1', '1', '0', '0', '0', '', '', '', ''],
    ['1.2', '1', '2', '0', '0', '', '', '', ''],
    ['1.2.3', '1', '2', '3', '0', '', '', '', ''],
    ['1.2.3.4', '1', '2', '3', '4', '', '', '', ''],
    ['1.2.3.4-branch.1', '1', '2', '3', '4', 'branch.1', 'branch', '1', ''],
    ['1.2.3.4-branch.1+meta', '1', '2', '3', '4', 'branch.1', 'branch', '1', 'meta'],
    ['v1.2.3.4-branch.1+meta', '1', '2', '3', '4', 'branch.1', 'branch', '1', 'meta'],
    ['V1.2.3.4-branch.1+meta', '1', '2', '3', '4', 'branch.1', 'branch', '1', 'meta'],
    ['V1.2.3.4-branch.hithere+meta', '1', '2', '3', '4', 'branch.hithere', 'branch', 'hithere', 'meta'],
    ['V1.2.3.4-branch-hithere+meta', '1', '2', '3', '4', 'branch-hithere', 'branch', 'hithere', 'meta'],
    ['V1.2.3.4-branch_hithere+meta', '1', '2', '3', '4', 'branch_hithere', 'branch', 'hithere', 'meta'],
    ['19.0.0.Final', '19', '0', '0', '0', 'Final', 'Final', '', ''],
    [
      '284.0.0-debian_component_based',
      '284',
      '0',
      '0',
      '0',
      'debian_component_based',
      'debian',
      'component_based',
      '',
    ],
    ['latest', '0', '0', '0', '0', 'latest', 'latest', '', ''],
    ['v1', '1', '0', '0', '0', '', '', '', ''],
    ['v1.2.3', '1', '2', '3', '0', '', '', '', ''],
    // Octopus.Versioning's own cases
    [
      '1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay',
      '1',
      '0',
      '0',
      '0',
      'alpha-a.b-c-somethinglong',
      'alpha',
      'a.b-c-somethinglong',
      'build.1-aef.1-its-okay',
    ],
    [
      '1.2.3----RC-SNAPSHOT.12.9.1--.12+788',
      '1',
      '2',
      '3',
      '0',
      '---RC-SNAPSHOT.12.9.1--.12',
      '',
      '--RC-SNAPSHOT.12.9.1--.12',
      '788',
    ],
    ['1.0.0+0.build.1-rc.10000aaa-kk-0.1', '1', '0', '0', '0', '', '', '', '0.build.1-rc.10000aaa-kk-0.1'],
    [
      '1.1.01-9999999999999999999999999+meta ',
      '1',
      '1',
      '1',
      '0',
      '9999999999999999999999999',
      '9999999999999999999999999',
      '',
      'meta',
    ],
    [' 1 .1.01-9', '1', '1', '1', '0', '9', '9', '', ''],
    ['1.1.01. 1 -9', '1', '1', '1', '1', '9', '9', '', ''],
    ['1-0-alpha', '1', '0', '0', '0', '0-alpha', '0', 'alpha', ''],
    ['1_0alpha', '1', '0', '0', '0', '0alpha', '0alpha', '', ''],
    ['1.0a1-SNAPSHOT', '1', '0', '0', '0', 'a1-SNAPSHOT', 'a1', 'SNAPSHOT', ''],
    ['1-2.3-SNAPSHOT', '1', '0', '0', '0', '2.3-SNAPSHOT', '2', '3-SNAPSHOT', ''],
    ['1.0.2.3-rc1', '1', '0', '2', '3', 'rc1', 'rc1', '', ''],
    ['1.0.0-beta.', '1', '0', '0', '0', 'beta.', 'beta', '', ''],
    ['1.1.2+.123', '1', '1', '2', '0', '', '', '', '.123'],
    ['+invalid', '0', '0', '0', '0', '', '', '', 'invalid'],
    ['-invalid.01', '0', '0', '0', '0', 'invalid.01', 'invalid', '01', ''],
    ['alpha..', '0', '0', '0', '0', 'alpha..', 'alpha', '.', ''],
    [
      ' stable-\\hi_there.how-are+you+today ',
      '0',
      '0',
      '0',
      '0',
      'stable-\\hi_there.how-are',
      'stable',
      '\\hi_there.how-are',
      'you+today',
    ],
    ['99999999.99999999.99999999', '99999999', '99999999', '99999999', '0', '', '', '', ''],
  ];
  const filters = [
    'Major',
    'Minor',
    'Patch',
    'Revision',
    'PreRelease',
    'PreReleasePrefix',
    'PreReleaseCounter',
    'Metadata',
  ];
  for (const [version, ...parts] of cases) {
    it(JSON.stringify(version), () => {
      const t = filters.map((f) => `#{V | Version${f}}`).join('|');
      assert.equal(renderTemplate(t, { V: version }).output, parts.join('|'));
    });
  }

  it('fails (the reference is missing) where Octopus’s parser throws', () => {
    for (const bad of [
      '',
      ' ',
      '1.2.3-hi there',
      '1.2.3-hi/there',
      '1.2.3- hithere+meta',
      '1.2.3-hithere+ meta',
      '1.1.2147483648',
    ]) {
      assert.deepEqual(
        renderTemplate('#{V | VersionMajor}', { V: bad }).missing,
        ['#{V | VersionMajor}'],
        bad,
      );
    }
  });
});

describe('a filter used wrongly renders Octopus’s inline error text', () => {
  table(
    [
      ['#{Rel | UriPart Host}', '[UriPart Host error: This operation is not supported for a relative URI.]'],
      ['#{Url | UriPart}', '[UriPart error: no argument given]'],
      ['#{Url | UriPart bar}', "[UriPart bar error: argument 'bar' not supported]"],
      ['#{Url | UriPart AbsolutePath}', '/docs'],
      ['#{Url | UriPart AbsoluteUri}', 'https://octopus.com/docs'],
      ['#{Url | UriPart Authority}', 'octopus.com'],
      ['#{Url | UriPart DnsSafeHost}', 'octopus.com'],
      ['#{Frag | UriPart Fragment}', '#filters'],
      ['#{Url | UriPart Host}', 'octopus.com'],
      ['#{Url | UriPart HostAndPort}', 'octopus.com:443'],
      ['#{Url | UriPart HostNameType}', 'Dns'],
      ['#{Url | UriPart IsAbsoluteUri}', 'true'],
      ['#{Url | UriPart IsDefaultPort}', 'true'],
      ['#{Url | UriPart IsFile}', 'false'],
      ['#{Url | UriPart IsLoopback}', 'false'],
      ['#{Url | UriPart IsUnc}', 'false'],
      ['#{Url | UriPart Path}', '/docs'],
      ['#{Query | UriPart PathAndQuery}', '/docs?filter=faq'],
      ['#{Url | UriPart Port}', '443'],
      ['#{Query | UriPart Query}', '?filter=faq'],
      ['#{Url | UriPart Scheme}', 'https'],
      ['#{Url | UriPart SchemeAndServer}', 'https://octopus.com'],
      ['#{User | UriPart UserInfo}', 'username:password'],
      ['#{Rel | UriPart IsAbsoluteUri}', 'false'],
      ['#{Rel | UriPart bar}', "[UriPart bar error: argument 'bar' not supported]"],
    ],
    {
      Url: 'https://octopus.com/docs',
      Rel: '/docs',
      Frag: 'https://octopus.com/docs#filters',
      Query: 'https://octopus.com/docs?filter=faq',
      User: 'https://username:password@octopus.com',
    },
  );
});

describe('#{calc} on variables whose values are expressions', () => {
  table(
    [
      ['#{calc 3+2}', '5'],
      ['#{calc 3/2}', '1.5'],
      ['#{calc 3*(2+2)*4}', '48'],
      ['#{calc A+B}', '12'],
      ['#{calc C+2}', '#{C + 2}', ['#{C + 2}']],
      ['#{calc {B}-2}', '5'],
      ['#{calc 2-B}', '-5'],
      ['#{calc 2-(B*2)}', '-12'],
      ['#{calc 0.2*B}', '1.4000000000000001'],
      ['#{calc {Another-Var}-2}', '9'],
      ['#{calc {The/Var}-2}', '7'],
      ['#{calc Ref + 1}', '8'],
      ['#{calc Doubled + 1}', '15'],
      ['#{calc Nested * 2}', '30'],
      ['#{calc Formatted + 1}', '1235'],
      ['#{calc Padded * 2}', '14'],
      ['#{calc Exp / 10}', '100'],
      ['#{calc Sum * 2}', '#{Sum * 2}', ['#{Sum * 2}']],
      ['#{calc Unresolved + 1}', '#{Unresolved + 1}', ['#{Nope}', '#{Unresolved + 1}']],
    ],
    {
      A: '5',
      B: '7',
      'The/Var': '9',
      'Another-Var': '11',
      Ref: '#{B}',
      Doubled: '#{calc B * 2}',
      Nested: '#{calc Doubled + 1}',
      N: '1234',
      Formatted: '#{N | Format N0}',
      Padded: ' 7 ',
      Exp: '1e3',
      Sum: '2+3',
      Unresolved: '#{Nope}',
    },
  );
});
