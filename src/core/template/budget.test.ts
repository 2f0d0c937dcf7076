/** Budgets: no template runs unbounded, and going over one is TEMPLATE_TOO_EXPENSIVE, never "does not parse". */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  renderTemplate,
  TemplateTooExpensiveError,
  type TemplateBudget,
  type TemplateBudgetName,
} from './index.js';

/** A clock that never moves: these tests count steps and characters, never time. */
const STILL: TemplateBudget = { clock: () => 0 };

const THOUSAND = Array.from({ length: 1000 }, (_, i) => i).join(',');

function tooExpensive(budget: TemplateBudgetName) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof TemplateTooExpensiveError, String(e));
    assert.equal(e.code, 'TEMPLATE_TOO_EXPENSIVE');
    assert.equal(e.budget, budget);
    assert.equal(e.data['budget'], budget);
    return true;
  };
}

/** A chain of variables each repeating the one before twice: 10 characters × 2^n. */
function laughs(n: number): Record<string, string> {
  const vars: Record<string, string> = { L0: 'lol-lol-lo' };
  for (let i = 1; i <= n; i++) vars[`L${i}`] = `#{L${i - 1}}#{L${i - 1}}`;
  return vars;
}

describe('template budgets', () => {
  // The test runner's timeout guards against a hang; nothing here measures time.
  it(
    'stops three nested loops over 1,000 items with maxSteps, not a parse error',
    { timeout: 60_000 },
    () => {
      const template = '#{each a in L}#{each b in L}#{each c in L}#{a}#{b}#{c} #{/each}#{/each}#{/each}';
      assert.throws(
        () => renderTemplate(template, { L: THOUSAND }, { budget: STILL }),
        (e: unknown) => {
          tooExpensive('maxSteps')(e);
          const message = (e as Error).message;
          assert.match(message, /more than 1,000,000 steps/);
          assert.match(message, /nested #\{each\} loops/);
          assert.match(message, /maxSteps/);
          assert.doesNotMatch(message, /parse/);
          return true;
        },
      );
    },
  );

  it('stops a JSON value whose properties each repeat the next twice (own references are not cached)', () => {
    // {p0: "#{J.p1}#{J.p1}", p1: "#{J.p2}#{J.p2}", ...}: 2^40 property reads if nothing stopped it
    const props = Array.from({ length: 40 }, (_, i) => `p${i}: "#{J.p${i + 1}}#{J.p${i + 1}}"`);
    const vars = { J: `{${props.join(', ')}, p40: "x"}` };
    assert.throws(
      () => renderTemplate('#{J.p0}', vars, { budget: { ...STILL, maxSteps: 50_000 } }),
      tooExpensive('maxSteps'),
    );
  });

  it('stops a "billion laughs" chain of variables with maxTextLength', { timeout: 60_000 }, () => {
    // 10 × 2^30 characters if nothing stopped it.
    assert.throws(
      () => renderTemplate('#{L30}', laughs(30), { budget: STILL }),
      (e: unknown) => {
        tooExpensive('maxTextLength')(e);
        assert.match((e as Error).message, /more than 10,000,000 characters/);
        return true;
      },
    );
  });

  it('counts the values computed on the way, not only the output', () => {
    // Each of 20 variables holds a fresh 1 MB value; the output is only their lengths' worth of nothing.
    const vars: Record<string, string> = { ...laughs(17) };
    let template = '';
    for (let i = 0; i < 20; i++) {
      vars[`Copy${i}`] = `${i}#{L17}`;
      template += `#{Copy${i} | Substring 1}`;
    }
    assert.throws(
      () => renderTemplate(template, vars, { budget: { ...STILL, maxTextLength: 5_000_000 } }),
      tooExpensive('maxTextLength'),
    );
  });

  it('stops a filter that would multiply its input before it builds the result', () => {
    const vars = { Lines: '\n'.repeat(100_000), Pad: 'x'.repeat(1000) };
    assert.throws(
      () => renderTemplate('#{Lines | Indent #{Pad} #{Pad}}', vars, { budget: STILL }),
      tooExpensive('maxTextLength'),
    );
  });

  it('refuses a collection larger than the steps left before making its items', { timeout: 60_000 }, () => {
    assert.throws(
      () => renderTemplate('#{each x in Many}.#{/each}', { Many: ','.repeat(2_000_000) }, { budget: STILL }),
      tooExpensive('maxSteps'),
    );
  });

  it('stops at the deadline of an injected clock', () => {
    let now = 0;
    const clock = () => (now += 10);
    const template = '#{each a in L}#{each b in L}#{a}#{/each}#{/each}';
    assert.throws(
      () => renderTemplate(template, { L: THOUSAND }, { budget: { maxMilliseconds: 1000, clock } }),
      (e: unknown) => {
        tooExpensive('maxMilliseconds')(e);
        assert.match((e as Error).message, /more than 1,000 milliseconds/);
        return true;
      },
    );
  });

  it('stops at a deadline shared by several evaluations', () => {
    let now = 0;
    const budget: TemplateBudget = { deadline: 500, clock: () => now };
    const template = '#{each a in L}#{a}#{/each}';
    assert.equal(renderTemplate(template, { L: THOUSAND }, { budget }).missing.length, 0);
    now = 501;
    assert.throws(
      () => renderTemplate(template, { L: THOUSAND }, { budget }),
      tooExpensive('maxMilliseconds'),
    );
  });

  it('counts calc expressions and filters as steps', () => {
    const vars = { L: THOUSAND, N: '2' };
    assert.throws(
      () =>
        renderTemplate('#{each a in L}#{calc N * N}#{/each}', vars, { budget: { ...STILL, maxSteps: 1500 } }),
      tooExpensive('maxSteps'),
    );
    assert.throws(
      () =>
        renderTemplate('#{each a in L}#{a | ToUpper | ToLower}#{/each}', vars, {
          budget: { ...STILL, maxSteps: 2500 },
        }),
      tooExpensive('maxSteps'),
    );
  });

  it('holds the values derived from secrets to maxSensitiveLength (each is taught to the masker)', () => {
    const vars = { Secret: 's'.repeat(20_000), Big: 'b'.repeat(200_000) };
    const sensitive = (name: string) => name === 'Secret' || name === 'Big';
    assert.throws(
      () => renderTemplate('#{Secret | Replace "" "0123456789"}', vars, { sensitive, budget: STILL }),
      tooExpensive('maxSensitiveLength'),
    );
    // A raw secret substituted as it is adds nothing new to mask.
    assert.equal(renderTemplate('#{Big}', vars, { sensitive }).sensitiveValues?.[0]?.length, 200_000);
    // Nothing is tracked, so nothing is held, without the option.
    assert.equal(renderTemplate('#{Secret | Replace "" "0123456789"}', vars).output?.length, 220_010);
  });

  it('stops references nested too deeply for the stack as too expensive, not as a parse error', () => {
    // Index substitutions are not plain references, so the chain is evaluated recursively.
    const vars: Record<string, string> = { 'M[x]': 'x', V20000: 'x' };
    for (let i = 0; i < 20_000; i++) vars[`V${i}`] = `#{M[#{V${i + 1}}]}`;
    assert.throws(
      () => renderTemplate('#{V0}', vars, { budget: STILL }),
      (e: unknown) => {
        tooExpensive('depth')(e);
        assert.match((e as Error).message, /nested too deeply/);
        return true;
      },
    );
  });

  it('lets options raise or lower each limit', () => {
    const template = '#{each a in L}#{each b in L}#{a}#{/each}#{/each}';
    const vars = { L: Array.from({ length: 100 }, (_, i) => i).join(',') };
    assert.equal(renderTemplate(template, vars).output?.length, 19_000);
    assert.throws(
      () => renderTemplate(template, vars, { budget: { ...STILL, maxSteps: 5_000 } }),
      tooExpensive('maxSteps'),
    );
    assert.throws(
      () => renderTemplate(template, vars, { budget: { ...STILL, maxTextLength: 10_000 } }),
      tooExpensive('maxTextLength'),
    );
    assert.equal(
      renderTemplate('#{L20}', laughs(20), { budget: { ...STILL, maxTextLength: 50_000_000 } }).output
        ?.length,
      10 * 2 ** 20,
    );
  });

  it('leaves ordinary large templates well inside the defaults', () => {
    const vars: Record<string, string> = {};
    let template = '';
    for (let i = 0; i < 5000; i++) {
      vars[`Octopus.Action[Step ${i % 50}].Output.Value${i}`] = `value-${i}`;
      template += `  Image${i}: "#{Octopus.Action[Step ${i % 50}].Output.Value${i} | ToUpper}"\n${'#'.repeat(180)}\n`;
    }
    const r = renderTemplate(template, vars);
    assert.equal(r.missing.length, 0);
    assert.ok((r.output ?? '').length > 1_000_000);
  });
});
