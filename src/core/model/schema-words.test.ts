/**
 * Every rule of the model's schemas speaks for itself. A type-level message (`z.string({ error:
 * 'notes must be a string' })`) is also what zod reports for every check of that schema without a
 * message of its own, so "notes must be a string" came back for a note that was too long. This
 * walks every schema of the model and names each check a type-level message would mask.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { auditQuerySchema } from './audit.js';
import { environmentCreateSchema, environmentPatchSchema } from './environment.js';
import { RESOURCE_KINDS } from './kinds/index.js';
import { listQuerySchema } from './page.js';
import { parseInput } from './parse.js';
import { deploymentCreateSchema, interruptionAnswerSchema, releaseCreateSchema } from './release.js';
import { tenantVariableSetInputSchema, variableSetInputSchema } from './variable.js';
import { SlipwayError } from '../errors.js';

interface Def {
  type: string;
  error?: unknown;
  checks?: { _zod: { def: { check: string; error?: unknown } } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  items?: z.ZodType[];
}

/** `path <check>` for every check (refinements aside: they word their own issues) a type-level message masks. */
function maskedChecks(schema: z.ZodType, path: string, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Def;
  const out: string[] = [];
  if (def.error !== undefined) {
    for (const c of def.checks ?? []) {
      if (c._zod.def.error === undefined && c._zod.def.check !== 'custom')
        out.push(`${path} <${c._zod.def.check}>`);
    }
  }
  const walk = (s: z.ZodType | undefined, p: string) => {
    if (s !== undefined) out.push(...maskedChecks(s, p, seen));
  };
  Object.entries(def.shape ?? {}).forEach(([k, s]) => walk(s, `${path}.${k}`));
  walk(def.element, `${path}[]`);
  def.options?.forEach((s, i) => walk(s, `${path}(form ${i + 1})`));
  def.items?.forEach((s, i) => walk(s, `${path}[${i}]`));
  for (const s of [def.innerType, def.in, def.out, def.left, def.right, def.getter?.()]) walk(s, path);
  walk(def.keyType, `${path}{key}`);
  walk(def.valueType, `${path}{}`);
  return out;
}

const SCHEMAS: Record<string, z.ZodType> = {
  ...Object.fromEntries(Object.values(RESOURCE_KINDS).map((k) => [k.name, k.schema])),
  environmentCreate: environmentCreateSchema,
  environmentPatch: environmentPatchSchema,
  listQuery: listQuerySchema,
  auditQuery: auditQuerySchema,
  releaseCreate: releaseCreateSchema,
  deploymentCreate: deploymentCreateSchema,
  interruptionAnswer: interruptionAnswerSchema,
  variables: variableSetInputSchema,
  tenantVariables: tenantVariableSetInputSchema,
};

describe('model schemas word each rule', () => {
  it('masks no check behind a type-level message', () => {
    const masked = Object.entries(SCHEMAS).flatMap(([name, schema]) => maskedChecks(schema, name));
    assert.deepEqual(masked, []);
  });

  it('says a too-long note is too long, not that it is not a string', () => {
    assert.throws(
      () => parseInput(releaseCreateSchema, { project: 'web', notes: 'x'.repeat(100_001) }, 'release'),
      (e: unknown) =>
        e instanceof SlipwayError &&
        e.message === 'Invalid release: release.notes: notes must be at most 100000 characters',
    );
    assert.throws(
      () =>
        parseInput(deploymentCreateSchema, { release: 'R', environment: 'Dev', tenants: [''] }, 'deployment'),
      (e: unknown) =>
        e instanceof SlipwayError &&
        e.message === 'Invalid deployment: deployment.tenants[0]: tenants[0] must not be empty',
    );
  });
});
