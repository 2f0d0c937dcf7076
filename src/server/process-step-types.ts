/**
 * A process is saved only when this server can run each of its steps: a step whose action type
 * the engine has no executor for is refused when the process is saved (400, naming the step and
 * the type), not at deployment time, when the release holding it fails.
 */
import { UserInputError } from '../core/errors.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Throws INVALID_INPUT naming every step (name and type) of the process document `body` that no
 * executor in `runnable` runs. `known`: the types the model accepts (others are left to the
 * schema's own message). Nothing is checked when `runnable` is undefined (no engine told us).
 */
export function refuseUnrunnableSteps(
  body: unknown,
  runnable: readonly string[] | undefined,
  known: readonly string[],
): void {
  if (runnable === undefined || !isObject(body) || !Array.isArray(body.steps)) return;
  const can = new Set(runnable);
  const refused: { step: string; type: string }[] = [];
  body.steps.forEach((step: unknown, i) => {
    if (!isObject(step) || !isObject(step.action)) return;
    const type = step.action.type;
    if (typeof type !== 'string' || !known.includes(type) || can.has(type)) return;
    refused.push({ step: typeof step.name === 'string' ? step.name : `#${i + 1}`, type });
  });
  if (refused.length === 0) return;
  const list = refused.map((r) => `step "${r.step}" (type "${r.type}")`).join(', ');
  throw new UserInputError(
    `This server cannot run ${list}: its engine runs only ${[...can].map((t) => `"${t}"`).join(', ')}. ` +
      'Remove or change the step, or save the process on a server version that has this step type.',
    { data: { steps: refused, runnable: [...can] } },
  );
}
