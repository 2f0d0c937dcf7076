/**
 * The variable preview's renderings: each non-sensitive value holding #{...} rendered in a template
 * thread by the step's own rules (core/deployments renderValues), what it derives from secrets
 * masked like them.
 */
import { createMasker } from '../../core/variables/mask.js';
import { evaluationThreads } from '../../jobs/evaluation-thread.js';

/** A preview row, as far as rendering is concerned. */
interface RenderableRow {
  name: string;
  value: string | null;
  sensitive: boolean;
  rendered?: { value: string | null; missing: string[]; problem?: string };
}

/** Sets `rendered` on each row whose value holds #{...}; `step` is the step's variables. */
export async function addRenderings(
  rows: RenderableRow[],
  step: { values: Record<string, string>; sensitive: readonly string[] },
): Promise<void> {
  const names = rows.filter((v) => !v.sensitive && v.value?.includes('#{')).map((v) => v.name);
  if (names.length === 0) return;
  const variables = { values: step.values, sensitive: [...step.sensitive] };
  const rendered = await evaluationThreads.renderValues(names, variables);
  const masker = createMasker(variables.sensitive);
  for (const row of rows) {
    const r = Object.hasOwn(rendered, row.name) ? rendered[row.name] : undefined;
    if (!r) continue;
    row.rendered = {
      value: r.output === undefined ? null : masker.mask(r.output),
      missing: r.missing,
      ...(r.problem === undefined ? {} : { problem: masker.mask(r.problem) }),
    };
  }
}
