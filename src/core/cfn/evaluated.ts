/**
 * The "ecs-deploy-service" action after its `#{...}` templates were evaluated: every number is a
 * number and every identifier matches its rule. The model accepts `"#{Count}"` where a number goes
 * (the value is only known at deployment); evaluateAction turns it into the string `"3"`;
 * checkEvaluatedDeployService turns that into 3 and runs the model's own rules again (spec B1).
 */
import type { z } from 'zod';
import { isSlipwayError, UserInputError } from '../errors.js';
import { ecsDeployServiceActionSchema as schema } from '../model/kinds/deploy-service.js';
import { parseInput } from '../model/parse.js';

/** The action as the model validates it: numbers may still be `#{...}` templates. */
export type DeployServiceAction = z.output<typeof schema>;

/** `T` with every `number | string` (a templatable number) narrowed to `number`, at any depth. */
export type Evaluated<T> = [T] extends [string | number | boolean | null | undefined]
  ? [number] extends [T]
    ? Exclude<T, string>
    : T
  : T extends readonly (infer U)[]
    ? Evaluated<U>[]
    : T extends object
      ? { [K in keyof T]: Evaluated<T[K]> }
      : T;

/** The action once evaluated and checked: numbers are numbers (what renderServiceStack takes). */
export type EvaluatedDeployService = Evaluated<DeployServiceAction>;

/** A container of the evaluated action. */
export type EvaluatedContainer = EvaluatedDeployService['containers'][number];

// Where the model lets a number be written as a template (`templatable(...)` in the schemas).
const ACTION_NUMBERS = ['cpu', 'memory', 'desiredCount', 'minimumHealthyPercent', 'maximumPercent'];
const CONTAINER_NUMBERS = ['cpu', 'memory', 'memoryReservation', 'stopTimeout', 'startTimeout'];
const HEALTH_NUMBERS = ['interval', 'timeout', 'retries', 'startPeriod'];

// Identifiers whose rule the model skips while they hold a template: one left after evaluation
// (a `##{` escape, or a value that itself holds `#{`) must not reach AWS.
const ACTION_IDS = ['service', 'taskFamily', 'taskRole', 'executionRole'];

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Turns the whole-number strings at `keys` of `obj` into numbers; other strings become problems. */
function numbers(obj: Json, keys: readonly string[], at: string, problems: string[]): void {
  for (const key of keys) {
    const value = obj[key];
    if (typeof value !== 'string') continue;
    const text = value.trim();
    if (/^[+-]?\d+$/.test(text)) obj[key] = Number(text);
    else if (text === '') problems.push(`${at}.${key} is empty after evaluation (a number is required)`);
    else problems.push(`${at}.${key} is "${value}" after evaluation, not a whole number`);
  }
}

function noTemplate(value: unknown, at: string, problems: string[]): void {
  if (typeof value === 'string' && value.includes('#{')) {
    problems.push(`${at} still holds a #{...} template after evaluation ("${value}")`);
  }
}

/** A deep copy with the numbers of the action (and its containers) converted; problems collected. */
function withNumbers(action: unknown, problems: string[]): unknown {
  if (!isObject(action)) return action;
  const copy = structuredClone(action);
  numbers(copy, ACTION_NUMBERS, 'action', problems);
  if (isObject(copy.wait)) numbers(copy.wait, ['timeoutMinutes'], 'action.wait', problems);
  objects(copy.loadBalancers).forEach((lb, i) => {
    numbers(lb, ['containerPort'], `action.loadBalancers[${i}]`, problems);
    noTemplate(lb.targetGroupArn, `action.loadBalancers[${i}].targetGroupArn`, problems);
  });
  for (const key of ACTION_IDS) noTemplate(copy[key], `action.${key}`, problems);
  for (const key of ['subnets', 'securityGroups']) {
    if (Array.isArray(copy[key])) copy[key].forEach((v, i) => noTemplate(v, `action.${key}[${i}]`, problems));
  }
  objects(copy.volumes).forEach((v, i) =>
    noTemplate(v.fileSystemId, `action.volumes[${i}].fileSystemId`, problems),
  );
  objects(copy.containers).forEach((c, i) => {
    const at = `action.containers[${i}]`;
    numbers(c, CONTAINER_NUMBERS, at, problems);
    objects(c.portMappings).forEach((p, j) =>
      numbers(p, ['containerPort'], `${at}.portMappings[${j}]`, problems),
    );
    if (isObject(c.healthCheck)) numbers(c.healthCheck, HEALTH_NUMBERS, `${at}.healthCheck`, problems);
    noTemplate(c.repositoryCredentials, `${at}.repositoryCredentials`, problems);
    objects(c.environmentFiles).forEach((f, j) =>
      noTemplate(f.value, `${at}.environmentFiles[${j}].value`, problems),
    );
  });
  return copy;
}

/**
 * `action` (evaluated, possibly in part) with each templatable number that evaluated to a whole
 * number written as a number; everything else as it was (for exports, which keep expressions).
 */
export function withEvaluatedNumbers(action: unknown): unknown {
  return withNumbers(action, []);
}

/**
 * Checks an evaluated "ecs-deploy-service" action again (evaluateAction's output) and returns it
 * typed with numbers as numbers; INVALID_INPUT naming the step and every bad field (`action.cpu is
 * "abc" after evaluation`, `action.service: service must not be empty`) before anything is deployed.
 */
export function checkEvaluatedDeployService(action: unknown, stepName: string): EvaluatedDeployService {
  const problems: string[] = [];
  const converted = withNumbers(action, problems);
  let parsed: DeployServiceAction | undefined;
  try {
    parsed = parseInput(schema, converted, 'action');
  } catch (e) {
    if (!isSlipwayError(e) || e.code !== 'INVALID_INPUT') throw e;
    const issues = Array.isArray(e.data?.issues) ? (e.data.issues as string[]) : [e.message];
    problems.push(...issues);
  }
  if (problems.length > 0 || parsed === undefined) {
    throw new UserInputError(
      `Step "${stepName}" cannot be deployed: after its #{...} templates were evaluated, ${problems.join('; ')}. ` +
        'Fix the variables these properties use (scoped to match this environment and tenant), or the step.',
      { data: { step: stepName, issues: problems } },
    );
  }
  // Every templatable number was converted above or refused: what parsed holds numbers only there.
  return parsed as EvaluatedDeployService;
}
