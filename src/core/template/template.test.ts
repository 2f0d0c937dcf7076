/** The `#{...}` language, construct by construct (docs/template.md), table-driven. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate, TemplateError, type RenderOptions, type RenderResult } from './index.js';

const VARS: Record<string, string> = {
  Foo: 'bar',
  'Octopus.Action[Deploy web].Output.Url': 'https://web',
  'Location[Europe]': 'eu-value',
  'Location[Europe].City': 'Paris',
  'Location[Asia].City': 'Tokyo',
  'Location[Asia].Zone[a]': 'za',
  'Package[containers[0].container].Registry': 'ecr',
  Continent: 'Asia',
  Nowhere: 'Atlantis',
  Config: '{"Db":{"Port":5432,"Host":null,"Tls":true},"Servers":["a","b"],"Name":"svc"}',
  'Config.Name': 'real variable',
  Greeting: 'Hello #{Foo}',
  Outer: '[#{Greeting}]',
  Broken: 'x #{unclosed',
  Escaped: '##{Foo}',
  WithMissing: 'a #{Nope} b',
  Empty: '',
  Zero: '0',
  FalseWord: ' FALSE ',
  NoWord: 'No',
  Yes: 'yes',
  List: 'a,b , c',
  Two: '2',
  Half: '0.5',
  'Some-Name': '10',
  Word: 'ten',
  'A-b/c': '4',
  Spaced: '  padded  ',
};

const FILTERS: RenderOptions['filters'] = {
  Up: (v) => v?.toUpperCase(),
  Wrap: (v, o) => (o.length === 2 ? `${o[0]}${v ?? ''}${o[1]}` : undefined),
  Fail: () => undefined,
  Boom: () => {
    throw new Error('bad regex');
  },
  Opts: (_v, o) => o.join('|'),
};

function render(t: string, vars = VARS, options: RenderOptions = {}): RenderResult {
  return renderTemplate(t, vars, { filters: FILTERS, ...options });
}

type Row = [template: string, output: string | null, missing?: string[]];

function table(rows: Row[], vars = VARS): void {
  for (const [t, output, missing = []] of rows) {
    it(JSON.stringify(t), () => {
      const r = render(t, vars);
      assert.equal(r.error, undefined, r.error);
      assert.equal(r.output, output);
      assert.deepEqual(r.missing, missing);
    });
  }
}

describe('substitution and names', () => {
  table([
    ['#{Foo}', 'bar'],
    ['#{foo} #{FOO}', 'bar bar'],
    ['#{  Foo }', 'bar'],
    ['#{Octopus.Action[Deploy web].Output.Url}', 'https://web'],
    ['#{octopus . action[ deploy web ].output.url}', 'https://web'],
    ['#{Location[Europe].City}', 'Paris'],
    ['#{Location[#{Continent}].City}', 'Tokyo'],
    ['#{Location[#{Nowhere}].City}', '#{Location[#{Nowhere}].City}', ['#{Location[#{Nowhere}].City}']],
    ['#{Location[#{NoSuch}].City}', '#{Location[#{NoSuch}].City}', ['#{Location[#{NoSuch}].City}']],
    ['#{Location[*].City}', 'Paris'],
    ['#{Package[containers[0].container].Registry}', 'ecr'],
    ['#{Some-Name}', '10'],
    ['#{A-b/c}', '4'],
    ['#{Missing}', '#{Missing}', ['#{Missing}']],
    ['#{  Missing  }', '#{Missing}', ['#{Missing}']],
    [
      '#{Missing}#{missing}#{Other}',
      '#{Missing}#{missing}#{Other}',
      ['#{Missing}', '#{missing}', '#{Other}'],
    ],
    ['#{Missing} #{Missing}', '#{Missing} #{Missing}', ['#{Missing}']],
    ['#{Empty}|', '|'],
    ['#{Spaced}', '  padded  '],
  ]);
});

describe('text and escapes', () => {
  table([
    ['plain text', 'plain text'],
    ['##{Foo}', '#{Foo}'],
    ['###{Foo}', '#bar'],
    ['a # b #', 'a # b #'],
    ['#', '#'],
    ['##', '##'],
    ['#x#{Foo}', '#xbar'],
    ['{Foo} }', '{Foo} }'],
    ['#{Foo}}', 'bar}'],
  ]);
});

describe('recursive evaluation', () => {
  table([
    ['#{Greeting}', 'Hello bar'],
    ['#{Outer}', '[Hello bar]'],
    ['#{Broken}', 'x #{unclosed'],
    ['#{Escaped}', '#{Foo}'],
    ['#{WithMissing}', 'a #{Nope} b', ['#{Nope}']],
  ]);

  it('detects a cycle and names it', () => {
    const vars = { A: '#{B}', B: 'x #{c}', C: '#{A}' };
    assert.throws(
      () => render('#{A}', vars),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.code === 'TEMPLATE_CYCLE' &&
        e.message.includes('A → B → C → A') &&
        e.cycle.join(',') === 'A,B,C,A',
    );
    assert.throws(() => render('#{Self}', { Self: 'x#{self}' }), /Self → Self/);
  });

  it('a cycle through an index substitution or a condition is still a cycle', () => {
    assert.throws(() => render('#{A}', { A: '#{L[#{A}]}' }), TemplateError);
    assert.throws(() => render('#{A}', { A: '#{if A}x#{/if}' }), TemplateError);
  });

  it('a reference only inside an untaken branch is not a cycle', () => {
    assert.equal(render('#{A}', { A: '#{if Off}#{B}#{/if}ok', B: '#{A}', Off: 'false' }).output, 'ok');
  });

  it('evaluates very deep chains without exhausting the stack', () => {
    const vars: Record<string, string> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) vars[`V${i}`] = `#{V${i + 1}}`;
    vars[`V${n}`] = 'bottom';
    // Depth, not time, is under test: a clock that never moves keeps a loaded machine from tripping the time budget.
    const still = { budget: { clock: () => 0 } };
    assert.equal(render('#{V0}', vars, still).output, 'bottom');
    vars[`V${n}`] = '#{V0}';
    assert.throws(() => render('#{V0}', vars, still), TemplateError);
  });

  it('custom filters work in nested evaluation', () => {
    assert.equal(render('#{A}', { A: '#{B | up}', B: 'x' }).output, 'X');
  });
});

describe('JSON traversal', () => {
  table(
    [
      ['#{Config.Db.Port}', '5432'],
      ['#{config.db.port}', '5432'],
      ['#{Config.Db.Host}', ''],
      ['#{Config.Db.Tls}', 'true'],
      ['#{Config.Db}', '{"Port":5432,"Host":null,"Tls":true}'],
      ['#{Config.Servers}', '["a","b"]'],
      ['#{Config.Servers[1]}', 'b'],
      ['#{Config.Servers[5]}', ''],
      ['#{Config.Db.Nope.Deeper}', ''],
      ['#{Config.Name}', 'real variable'],
      ['#{Foo.Bar}', '#{Foo.Bar}', ['#{Foo.Bar}']],
      ['#{Bad.X}', '#{Bad.X}', ['#{Bad.X}']],
    ],
    { ...VARS, Bad: '{not json' },
  );
});

describe('filters', () => {
  table([
    ['#{Foo | Up}', 'BAR'],
    ['#{Foo|up|wrap < >}', '<BAR>'],
    ['#{Foo | Wrap "[ " " ]"}', '[ bar ]'],
    ['#{Foo | Wrap \\"a"#\\" \\"}\\"}', 'a"#bar}'],
    ['#{Foo | Wrap #{Two} #{Foo | Up}}', '2barBAR'],
    ['#{Foo | Opts a "" b-c}', 'a||b-c'],
    ['#{Foo | Nope}', '#{Foo | Nope}', ['#{Foo | Nope}']],
    ['#{ Foo  |  Nope   x  "y" }', '#{Foo | Nope "x" "y"}', ['#{Foo | Nope "x" "y"}']],
    ['#{Foo | Wrap x}', '#{Foo | Wrap "x"}', ['#{Foo | Wrap "x"}']],
    ['#{Foo | Fail}', '#{Foo | Fail}', ['#{Foo | Fail}']],
    ['#{Foo | Boom}', '#{Foo | Boom}', ['#{Foo | Boom}']],
    ['#{Missing | Up}', '#{Missing | Up}', ['#{Missing | Up}']],
    ['#{Foo | Wrap \\"#\\" "x"}', '#barx'],
    ['#{Foo | Wrap #{Nope} x}', '#{Nope}barx', ['#{Nope}']],
    ['#{Foo | Constructor}', '#{Foo | Constructor}', ['#{Foo | Constructor}']],
  ]);

  it('custom filters beat built-ins, names case-insensitive', () => {
    const r = renderTemplate('#{Foo | toupper}', VARS, { filters: { ToUpper: () => 'mine' } });
    assert.equal(r.output, 'mine');
  });

  it('filters that accept a missing value, and chains without a name', () => {
    const now = () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(renderTemplate('#{Missing | Append x}', {}).output, 'x');
    assert.equal(renderTemplate('#{Missing | Prepend x | ToUpper}', {}).output, 'X');
    assert.equal(renderTemplate('#{ | NowDateUtc yyyy}', {}, { now }).output, '2024');
    assert.deepEqual(renderTemplate('#{ | ToUpper}', {}).missing, ['#{ | ToUpper}']);
  });

  it('the Null filter makes the output null', () => {
    const r = renderTemplate('a #{Foo | Null} b', VARS);
    assert.equal(r.output, null);
    assert.equal(renderTemplate('#{A}', { A: '#{B | Null}', B: 'x' }).output, null);
  });
});

describe('conditionals', () => {
  table([
    ['#{if Foo}yes#{/if}', 'yes'],
    ['#{if Missing}yes#{/if}', ''],
    ['#{if Empty}y#{else}n#{/if}', 'n'],
    ['#{if Zero}y#{else}n#{/if}', 'n'],
    ['#{if FalseWord}y#{else}n#{/if}', 'n'],
    ['#{if NoWord}y#{else}n#{/if}', 'n'],
    ['#{if Yes}y#{else}n#{/if}', 'y'],
    ['#{IF Foo}y#{/if}', 'y'],
    ['#{ if  Foo  }y#{/if}', 'y'],
    ['#{if Foo == "bar"}eq#{/if}', 'eq'],
    ['#{if Foo == "BAR"}eq#{else}ordinal#{/if}', 'ordinal'],
    ['#{if Foo != "bar"}ne#{else}same#{/if}', 'same'],
    ['#{if "bar" == Foo}eq#{/if}', 'eq'],
    ['#{if Foo == Greeting}eq#{else}ne#{/if}', 'ne'],
    ['#{if Missing == Other}both missing#{/if}', 'both missing'],
    ['#{if Missing == ""}empty#{/if}', 'empty'],
    ['#{if Foo | Up == "BAR"}chain#{/if}', 'chain'],
    ['#{if Foo == Foo | Up}eq#{else}ne#{/if}', 'ne'],
    ['#{if Foo == \\"bar\\"}esc#{/if}', 'esc'],
    ['#{if Missing}1#{elseif Zero}2#{elseif Foo}3#{else}4#{/if}', '3'],
    ['#{if Missing}1#{elseif Zero}2#{else}4#{/if}', '4'],
    ['#{unless Foo}u#{else}e#{/unless}', 'e'],
    ['#{unless Missing}u#{/unless}', 'u'],
    ['#{if Foo}#{if Yes}nested#{/if}#{/if}', 'nested'],
    ['#{if Foo}#{Missing}#{/if}', '#{Missing}', ['#{Missing}']],
    [
      '#{if Foo | Nope}a#{else}b#{/if}',
      '#{if Foo | Nope}a#{else}b#{/if}',
      ['#{if Foo | Nope}a#{else}b#{/if}'],
    ],
    ['#{if Foo == Foo | Fail}a#{/if}', '#{if Foo == Foo | Fail}a#{/if}', ['#{if Foo == Foo | Fail}a#{/if}']],
    ['#{if Missing | Up}a#{/if}', '#{if Missing | Up}a#{/if}', ['#{if Missing | Up}a#{/if}']],
  ]);
});

describe('repetition', () => {
  table([
    ['#{each l in Location}#{l}:#{l.City};#{/each}', 'Europe:Paris;Asia:Tokyo;'],
    ['#{each l in location}#{l.Zone[a]}#{/each}', '#{l.Zone[a]}za', ['#{l.Zone[a]}']],
    [
      '#{each l in Location}#{Octopus.Template.Each.Index}#{Octopus.Template.Each.First}#{Octopus.Template.Each.Last} #{/each}',
      '0TrueFalse 1FalseTrue ',
    ],
    ['#{each s in Config.Servers}[#{s}]#{/each}', '[a][b]'],
    ['#{each s in Config.Db}#{s.Key}=#{s.Value},#{/each}', 'Port=5432,Host=,Tls=true,'],
    ['#{each x in List}<#{x}>#{/each}', '<a><b ><c>'.replace('<c>', '< c>')],
    ['#{each x in Missing}never#{/each}', ''],
    ['#{each Foo in List}#{Foo}#{/each}', 'ab  c'],
    ['#{each x in List}#{each y in Config.Servers}#{x}#{y} #{/each}#{/each}', 'aa ab b a b b  ca  cb '],
    [
      '#{each x in List}#{Octopus.Template.Each.Index}#{each y in Config.Servers}#{Octopus.Template.Each.Index}#{/each}|#{/each}',
      '001|101|201|',
    ],
    ['#{each x in List}#{x.Nope}#{/each}', '#{x.Nope}#{x.Nope}#{x.Nope}', ['#{x.Nope}']],
  ]);

  it('loop items read JSON elements', () => {
    const vars = { Apps: '[{"Name":"web","Port":80},{"Name":"api","Port":81}]' };
    assert.equal(render('#{each a in Apps}#{a.Name}:#{a.Port} #{/each}', vars).output, 'web:80 api:81 ');
  });
});

describe('calc', () => {
  table([
    ['#{calc 1 + 2 * 3}', '7'],
    ['#{calc (1 + 2) * 3}', '9'],
    ['#{calc 10 / 4}', '2.5'],
    ['#{calc Two * Half}', '1'],
    ['#{calc {Some-Name} - 3}', '7'],
    ['#{calc -Two + 5}', '3'],
    ['#{calc 1.5+1.25}', '2.75'],
    ['#{calc Missing + 1}', '#{Missing + 1}', ['#{Missing + 1}']],
    ['#{calc Word * 2}', '#{Word * 2}', ['#{Word * 2}']],
    ['#{calc  ( Two+{Some-Name} )/0}', '#{(Two + {Some-Name}) / 0}', ['#{(Two + {Some-Name}) / 0}']],
  ]);
});

describe('parse errors', () => {
  const bad = [
    '#{Foo',
    '#{}',
    '#{ }',
    '#{Foo | }',
    '#{Foo "x"}',
    '#{Foo | F a.b}',
    '#{Foo | F "unclosed}',
    '#{if Foo}no end',
    '#{if Foo}a#{/each}',
    '#{each x}#{/each}',
    '#{each x in}#{/each}',
    '#{/if}',
    '#{calc 1 +}',
    '#{Foo.}',
    '#{Foo[x}',
    'ok #{Foo} then #{bad',
  ];
  for (const t of bad) {
    it(`strict: ${JSON.stringify(t)} comes back unchanged with an error`, () => {
      const r = render(t);
      assert.equal(r.output, t);
      assert.deepEqual(r.missing, []);
      assert.ok(r.error && r.error.length > 0);
    });
  }

  it('lenient keeps bad fragments as text and evaluates the rest', () => {
    const r = render('#{Foo} #{bad #{Foo} #{/if} #{if Foo}x', VARS, { lenient: true });
    assert.equal(r.output, 'bar #{bad bar #{/if} #{if Foo}x');
    assert.ok(r.error);
    assert.deepEqual(render('#{Foo}', VARS, { lenient: true }), { output: 'bar', missing: [] });
  });

  it('error messages say where', () => {
    assert.match(render('line one\n  #{Foo').error ?? '', /line 2, column 8/);
  });
});
