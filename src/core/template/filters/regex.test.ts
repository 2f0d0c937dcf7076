/** Match and Replace run user regexes in linear time (RE2), refuse what RE2 cannot run, and charge the budget. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate, TemplateRegexError, TemplateTooExpensiveError } from '../index.js';
import { dotNetMatch, dotNetReplace, translatePattern } from './regex.js';

/** Inputs long enough that a backtracking engine would not finish these in any test run. */
const A = 'a'.repeat(20_000);

describe('regex filters', () => {
  // The test's own timeout is the guard: a backtracking engine hangs here, never a timing assertion.
  it('runs patterns that backtrack catastrophically elsewhere, on long inputs', { timeout: 60_000 }, () => {
    assert.equal(dotNetMatch(`${A}!`, '(a|aa)+$'), false);
    assert.equal(dotNetMatch(A, '(a|a)*b'), false);
    assert.equal(dotNetMatch('a'.repeat(30), '^(a?){30}a{30}$'), true);
    assert.equal(dotNetMatch(`${'a'.repeat(29)}`, '^(a?){30}a{30}$'), false);
    assert.equal(dotNetMatch(`${A}!`, '^(a+)+$'), false);
    assert.equal(dotNetMatch(`${A}!`, '(\\w+\\s?)+!$'), true);
    assert.equal(dotNetMatch(`${A}!`, '^(\\w+\\s?)+$'), false);
    assert.equal(dotNetReplace(`${A}!`, '(a|aa)+$', 'x'), `${A}!`);
    assert.equal(dotNetReplace(`${A}!`, '(a+)+!', 'x'), 'x');
  });

  it('runs them through the template engine too', { timeout: 60_000 }, () => {
    const vars = { Long: `${A}!` };
    const r = renderTemplate(
      '#{Long | Match "(a|aa)+$"} #{Long | Replace "(a|a)*b" "x" | Substring 3}',
      vars,
    );
    assert.equal(r.output, 'false aaa');
  });

  for (const [pattern, construct] of [
    ['(a)\\1', 'a backreference (\\1)'],
    ['(?<n>a)\\k<n>', 'a named backreference (\\k<name>)'],
    ['a(?=b)', 'a lookahead ((?=...))'],
    ['a(?!b)', 'a lookahead ((?!...))'],
    ['(?>a+)b', 'an atomic group ((?>...))'],
    ['(?(a)b|c)', 'a conditional ((?(...)...))'],
    ['(?<a-b>x)', 'a balancing group ((?<name-other>...))'],
    ['\\Ga', '\\G (where the previous match ended)'],
    ['(?x) a b', 'the inline option x ((?x))'],
    ['(?<=(a))b', 'a capturing group inside a lookbehind (use (?:...) there)'],
  ] as const) {
    it(`refuses ${pattern}, naming the filter and ${construct}`, () => {
      for (const filter of ['Match', 'Replace'] as const) {
        assert.throws(
          () =>
            renderTemplate(`#{V | ${filter} "${pattern}"${filter === 'Replace' ? ' "y"' : ''}}`, { V: 'ab' }),
          (e: unknown) => {
            assert.ok(e instanceof TemplateRegexError);
            assert.equal(e.code, 'INVALID_INPUT');
            assert.match(e.message, new RegExp(`^The ${filter} filter's regular expression uses `));
            assert.ok(e.message.includes(construct), e.message);
            assert.equal(e.data['construct'], construct);
            return true;
          },
        );
      }
    });
  }

  it('keeps backslashes, classes and escapes that are not constructs', () => {
    assert.deepEqual(translatePattern('[\\1](?:x)\\\\1'), { source: '[\\1](?:x)\\\\1' });
    assert.deepEqual(translatePattern('\\u00e9\\A\\z'), { source: '\\x{00e9}\\A\\z' });
    assert.deepEqual(translatePattern('[(?=]'), { source: '[(?=]' });
  });

  it('leaves an invalid pattern missing, as before', () => {
    const r = renderTemplate('#{V | Match "("}', { V: 'x' });
    assert.deepEqual(r.missing, ['#{V | Match "("}']);
  });

  it('charges regex work to the budget before searching', () => {
    assert.throws(
      () =>
        renderTemplate(
          '#{V | Replace "(a|b)*c" "x"}',
          { V: 'ab'.repeat(1000) },
          { budget: { maxRegexWork: 1000 } },
        ),
      (e: unknown) => e instanceof TemplateTooExpensiveError && e.budget === 'maxRegexWork',
    );
    assert.equal(
      renderTemplate(
        '#{V | Replace "b" "x"}',
        { V: 'ab'.repeat(10) },
        { budget: { maxRegexWork: 1_000_000 } },
      ).output,
      'ax'.repeat(10),
    );
  });

  it('stops a replacement that outgrows the text budget while it is built', () => {
    assert.throws(
      () => renderTemplate('#{V | Replace "." "$_"}', { V: 'x'.repeat(10_000) }),
      (e: unknown) => e instanceof TemplateTooExpensiveError && e.budget === 'maxTextLength',
    );
  });
});
