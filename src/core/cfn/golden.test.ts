/**
 * Parity with Octopus's own goldens (Calamari's EcsDeployTemplateGeneratorTests, spec C.1): each
 * case's inputs translated into our model render to Octopus's document, after the listed
 * differences (what our model cannot express, and what we add) are applied to it. Compared as
 * JToken.DeepEquals does: object key order ignored, array order significant.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ecsDeployServiceActionSchema } from '../model/kinds/deploy-service.js';
import type { EvaluatedDeployService } from './evaluated.js';
import { renderServiceStack, type ServiceStackInputs } from './service-stack.js';

interface Difference {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
  why: string;
}

interface GoldenCase {
  notes: string[];
  validByModel: boolean;
  action: EvaluatedDeployService;
  inputs: ServiceStackInputs;
  differences: Difference[];
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/cfn/${name}`, import.meta.url), 'utf8')) as unknown;

/** Applies an RFC 6902 add/replace/remove to `doc` (objects only, as the differences need). */
function apply(doc: unknown, d: Difference): void {
  const parts = d.path.split('/').slice(1);
  const last = parts.pop()!;
  let node = doc as Record<string, unknown>;
  for (const p of parts) node = node[p] as Record<string, unknown>;
  if (d.op !== 'add') assert.ok(last in node, `${d.path} must exist in the golden to ${d.op} it`);
  else assert.ok(!(last in node), `${d.path} must not exist in the golden to add it`);
  if (d.op === 'remove') delete node[last];
  else node[last] = d.value;
}

for (const name of ['simple', 'multiContainer', 'complex']) {
  describe(`golden parity with Octopus: ${name}`, () => {
    const c = fixture(`${name}.inputs.json`) as GoldenCase;
    const expected = fixture(`${name}.expected.json`);
    for (const d of c.differences) apply(expected, d);

    it('renders the golden document (with the listed differences)', () => {
      const { template } = renderServiceStack(c.action, c.inputs);
      assert.deepEqual(JSON.parse(JSON.stringify(template)), expected);
    });

    it(c.validByModel ? 'has inputs the model accepts as they are' : 'has inputs the model refuses', () => {
      const parsed = ecsDeployServiceActionSchema.safeParse(c.action);
      assert.equal(parsed.success, c.validByModel);
      if (parsed.success) assert.deepEqual(parsed.data, c.action);
    });
  });
}
