/**
 * Limits on one evaluation of a template (docs/template.md, "Budgets"): steps, text built, regular-
 * expression work and time. A template is user input that runs on the server's only thread, so no
 * template may run unbounded; the defaults are far above what any real deployment uses.
 */
import { SlipwayError } from '../errors.js';

/** Limits on one renderTemplate call; every field is optional and has a default. */
export interface TemplateBudget {
  /**
   * Most evaluation steps: loop iterations, substitutions, filter calls, `calc` expressions and
   * expansions of variables whose values hold references (default 1,000,000).
   */
  maxSteps?: number;
  /**
   * Most characters of text built, counting the output and every value computed on the way (a
   * variable's value, a filter's result, a filter option) together (default 10,000,000).
   */
  maxTextLength?: number;
  /**
   * Most regular-expression work: for each Match or Replace, the pattern's compiled size times the
   * characters it searches, summed over the evaluation (default 50,000,000: a second or two at worst).
   */
  maxRegexWork?: number;
  /**
   * Most characters of values computed from sensitive variables (the raw secrets not counted), all
   * together (default 100,000): each is taught to the masker, whose build time grows with their length.
   */
  maxSensitiveLength?: number;
  /** Most milliseconds the evaluation may take by `clock` (default 2,000). */
  maxMilliseconds?: number;
  /**
   * When to stop instead, by `clock` (default: `maxMilliseconds` after the evaluation starts): lets
   * several evaluations that make up one task (every property of a step) share one time budget.
   */
  deadline?: number;
  /** The clock of `maxMilliseconds` and `deadline`, in milliseconds (default Date.now). */
  clock?: () => number;
}

/** The defaults of TemplateBudget. */
export const DEFAULT_TEMPLATE_BUDGET = Object.freeze({
  maxSteps: 1_000_000,
  maxTextLength: 10_000_000,
  maxRegexWork: 50_000_000,
  maxSensitiveLength: 100_000,
  maxMilliseconds: 10_000,
});

/** Which limit of TemplateBudget an evaluation ran into. */
export type TemplateBudgetName =
  'maxSteps' | 'maxTextLength' | 'maxRegexWork' | 'maxSensitiveLength' | 'maxMilliseconds' | 'depth';

const WHAT: Record<TemplateBudgetName, string> = {
  maxSteps:
    'it took more than {limit} steps (loop iterations, substitutions, filters, calc expressions, expansions of variables that refer to variables), most likely through nested #{each} loops over large collections',
  maxTextLength:
    'it built more than {limit} characters of text (the output and the values computed on the way), most likely through variables that each repeat another several times, or a loop over a large collection',
  maxRegexWork:
    'its regular expressions would do more than {limit} units of work (the size of a Match or Replace pattern times the length of the text it searches)',
  maxSensitiveLength:
    'the values it computed from sensitive variables are more than {limit} characters long, too long to mask',
  maxMilliseconds: 'it ran for more than {limit} milliseconds',
  depth: 'its references or filter options are nested too deeply to evaluate',
};

const CHANGE: Record<TemplateBudgetName, string> = {
  maxSteps: 'Loop over smaller collections or nest fewer loops',
  maxTextLength: 'Make the output smaller (fewer repetitions, smaller values)',
  maxRegexWork: 'Use a simpler pattern, or apply it to a shorter value',
  maxSensitiveLength: 'Apply fewer filters to long sensitive values, or make them shorter',
  maxMilliseconds: 'Make the template do less work',
  depth: 'Nest fewer references inside one another',
};

/** The evaluation went over a budget; `code` TEMPLATE_TOO_EXPENSIVE, `budget` names which. */
export class TemplateTooExpensiveError extends SlipwayError {
  constructor(
    readonly budget: TemplateBudgetName,
    readonly limit: number | undefined,
  ) {
    const count = limit === undefined ? '' : limit.toLocaleString('en-US');
    const raise =
      budget === 'depth'
        ? ''
        : ` or, if the template really needs it, raise the budget's ${budget} (${count}).`;
    super(
      'TEMPLATE_TOO_EXPENSIVE',
      `The template was stopped: ${WHAT[budget].replace('{limit}', count)}. ${CHANGE[budget]}${raise || '.'}`,
      { data: { budget, ...(limit === undefined ? {} : { limit }) } },
    );
    this.name = 'TemplateTooExpensiveError';
  }
}

/** How often (in steps) the clock is read: often enough to stop promptly, rarely enough to cost nothing. */
const CLOCK_EVERY = 64;

/** The running account of one evaluation against its budget. Throws TemplateTooExpensiveError past a limit. */
export class BudgetMeter {
  private readonly maxSteps: number;
  /** The text budget in force (for messages). */
  readonly textLimit: number;
  private readonly maxText: number;
  private readonly maxRegex: number;
  private readonly maxSensitive: number;
  private readonly maxMs: number;
  private readonly clock: () => number;
  private readonly deadline: number;
  private steps = 0;
  private untilClock = CLOCK_EVERY;
  private text = 0;
  private regex = 0;
  private sensitive = 0;

  constructor(budget: TemplateBudget = {}) {
    this.maxSteps = limit(budget.maxSteps, DEFAULT_TEMPLATE_BUDGET.maxSteps);
    this.maxText = limit(budget.maxTextLength, DEFAULT_TEMPLATE_BUDGET.maxTextLength);
    this.textLimit = this.maxText;
    this.maxRegex = limit(budget.maxRegexWork, DEFAULT_TEMPLATE_BUDGET.maxRegexWork);
    this.maxSensitive = limit(budget.maxSensitiveLength, DEFAULT_TEMPLATE_BUDGET.maxSensitiveLength);
    this.maxMs = limit(budget.maxMilliseconds, DEFAULT_TEMPLATE_BUDGET.maxMilliseconds);
    this.clock = budget.clock ?? Date.now;
    this.deadline = budget.deadline ?? this.clock() + this.maxMs;
  }

  /** Counts a step, and reads the clock every CLOCK_EVERY steps. */
  step(): void {
    if (++this.steps > this.maxSteps) throw new TemplateTooExpensiveError('maxSteps', this.maxSteps);
    if (--this.untilClock === 0) {
      this.untilClock = CLOCK_EVERY;
      this.checkTime();
    }
  }

  /** Throws when `count` more steps would go over the step budget (a collection checked before its items are made). */
  wouldStep(count: number): void {
    if (this.steps + count > this.maxSteps) throw new TemplateTooExpensiveError('maxSteps', this.maxSteps);
  }

  /** Throws when the deadline has passed. */
  checkTime(): void {
    if (this.clock() > this.deadline) throw new TemplateTooExpensiveError('maxMilliseconds', this.maxMs);
  }

  /** Counts text built (a value joined, a filter's result). */
  built(length: number): void {
    this.text += length;
    if (this.text > this.maxText) throw new TemplateTooExpensiveError('maxTextLength', this.maxText);
  }

  /** Throws when `pending` more characters would go over the text budget (checked while text grows). */
  wouldBuild(pending: number): void {
    if (this.text + pending > this.maxText)
      throw new TemplateTooExpensiveError('maxTextLength', this.maxText);
  }

  /** Counts the length of a value computed from a sensitive variable. */
  derivedSecret(length: number): void {
    this.sensitive += length;
    if (this.sensitive > this.maxSensitive) {
      throw new TemplateTooExpensiveError('maxSensitiveLength', this.maxSensitive);
    }
  }

  /** Counts regular-expression work (pattern size × characters searched) before it is done. */
  regexWork(work: number): void {
    this.regex += work;
    if (this.regex > this.maxRegex) throw new TemplateTooExpensiveError('maxRegexWork', this.maxRegex);
    this.checkTime();
  }
}

function limit(value: number | undefined, fallback: number): number {
  return value === undefined || Number.isNaN(value) || value < 0 ? fallback : value;
}
