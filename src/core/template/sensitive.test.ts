/** Values computed from sensitive variables are reported, whatever the way they were computed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate } from './index.js';

const SECRET = 'Hunter2-Secret';
const VARS: Record<string, string> = {
  Secret: SECRET,
  Pin: '4711',
  Plain: 'plain',
  Conn: 'Server=db;Password=#{Secret}',
  Config: '{"Db":{"Password":"db-Pass-word","Port":5432},"Hosts":["h1","h2"]}',
  List: 'alpha-one,beta-two',
  'Map[Hunter2-Secret]': 'mapped-value',
  Indirect: '#{Conn}',
  Creds: "{user: 'admin-user', password: 'pa55-word-x', inner: '{k: \\'deep-value\\'}'}",
  SelfSecret: '{a: "#{SelfSecret.b}-x", b: "inner-secret"}',
  Wrapper: '{pw: "#{Secret}"}',
  Mixed: '{a: "#{Mixed.b}", b: "#{Secret}"}',
  Big: '1,234',
  SecretVersion: '1.2.3-hidden.7',
  Url: 'https://example.com/x',
};
const SENSITIVE = new Set(['secret', 'pin', 'config', 'list', 'creds', 'selfsecret', 'big', 'secretversion']);
const sensitive = (name: string) => SENSITIVE.has(name.toLowerCase());

function derived(template: string, vars = VARS): string[] {
  const r = renderTemplate(template, vars, { sensitive });
  assert.equal(r.error, undefined);
  assert.ok(r.sensitiveValues, 'sensitiveValues is set when the option is given');
  return r.sensitiveValues;
}

describe('values derived from sensitive variables', () => {
  const cases: [template: string, mustInclude: string[]][] = [
    ['#{Secret | ToLower}', [SECRET.toLowerCase()]],
    ['#{Secret | Replace "(.)" "$1 "}', [[...SECRET].map((c) => `${c} `).join('')]],
    ['#{Secret | ToBase64 | ToUpper}', [btoa(SECRET).toUpperCase()]],
    ['#{Conn | ToBase64}', [btoa(`Server=db;Password=${SECRET}`)]],
    ['#{Indirect | ToUpper}', [`SERVER=DB;PASSWORD=${SECRET.toUpperCase()}`]],
    ['#{calc Pin * 3}', ['14133']],
    ['#{Config.Db.Password | ToUpper}', ['DB-PASS-WORD']],
    ['#{Config.Db.Port}', ['5432']],
    ['#{each h in Config.Hosts}#{h | Append "-x"}#{/each}', ['h1-x', 'h2-x']],
    ['#{each c in List}#{c | ToUpper}#{/each}', ['ALPHA-ONE', 'BETA-TWO']],
    ['#{each c in List}#{each d in c}#{d | Prepend ">"}#{/each}#{/each}', ['>alpha-one', '>beta-two']],
    ['#{Map[#{Secret}] | ToUpper}', ['MAPPED-VALUE']],
    ['#{Plain | Append #{Secret | Substring 7}}', [`plain${SECRET.slice(0, 7)}`]],
    ['#{Secret | Substring 2 5 | Md5}', []],
    // the Octostache-parity paths (issue 16)
    ['#{Creds.password | ToUpper}', ['PA55-WORD-X']],
    ['#{Creds[password]}', ['pa55-word-x']],
    ['#{Creds.inner.k}', ['deep-value']],
    ['#{each c in Creds}#{c}=#{c.Value};#{/each}', ['password', 'pa55-word-x', 'admin-user']],
    ['#{each c in Creds}#{c.Key | ToUpper}#{/each}', ['PASSWORD']],
    ['#{SelfSecret.a}', ['inner-secret-x']],
    ['#{Wrapper.pw | ToLower}', [SECRET.toLowerCase()]],
    ['#{Mixed.a}', [SECRET]],
    ['#{calc Big + 1}', ['1235']],
    ['#{SecretVersion | VersionPreRelease}', ['hidden.7']],
    ['#{Secret | Substring 3 99}', [SECRET.slice(3)]],
    ['#{Url | UriPart #{Secret}}', [`[UriPart ${SECRET} error: argument '${SECRET}' not supported]`]],
  ];
  for (const [template, mustInclude] of cases) {
    it(template, () => {
      const got = derived(template);
      for (const v of mustInclude) assert.ok(got.includes(v), `${v} in ${JSON.stringify(got)}`);
      assert.ok(got.length > 0);
    });
  }

  it('does not report values computed from nothing sensitive', () => {
    assert.deepEqual(derived('#{Plain | ToUpper} #{calc 2 * 3} #{each x in Plain}#{x}#{/each}'), []);
  });

  it('does not make text sensitive because a sensitive value chose the branch or the loop count', () => {
    const got = derived(
      '#{if Secret}chosen #{Plain}#{/if}#{each c in List}#{Octopus.Template.Each.Index}#{Plain}#{/each}',
    );
    assert.deepEqual(got, []);
  });

  it('knows a variable is derived when it was first read inside a condition', () => {
    // (the raw secret is listed too: Conn's own value substitutes it)
    assert.deepEqual(derived('#{if Conn}x#{/if}#{Conn | ToLower}'), [
      SECRET,
      `server=db;password=${SECRET.toLowerCase()}`,
    ]);
  });

  it('follows a chain of variables deeper than the evaluator recurses', () => {
    const vars: Record<string, string> = { V0: 'start-#{Secret}' };
    for (let i = 1; i <= 300; i++) vars[`V${i}`] = `#{V${i - 1}}.`;
    vars['Secret'] = SECRET;
    const got = derived('#{V300 | ToUpper}', vars);
    assert.ok(got.includes(`START-${SECRET.toUpperCase()}${'.'.repeat(300)}`));
  });

  it('leaves sensitiveValues out when the caller did not ask', () => {
    assert.equal(renderTemplate('#{Secret | ToLower}', VARS).sensitiveValues, undefined);
  });
});
