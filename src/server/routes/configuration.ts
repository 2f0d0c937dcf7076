/**
 * Configuration as code from the web UI (docs/config.md): the space's export as `slipway export`
 * writes it (secrets as `{ env: NAME }` references, never values), and a file's plan and apply as
 * `slipway apply` makes them. The planner runs here over this server's own routes with the caller's
 * credentials (configuration-api.ts), so every write is checked and audited as the CLI's would be.
 * Secrets a file refers to come from the request (`secrets`), never from the server's environment;
 * one left without a value keeps what is stored.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { exportCounts, exportedYaml, exportSpace } from '../../core/config/export-space.js';
import { parseConfigText } from '../../core/config/parse-text.js';
import { summarise, type PlanEntry } from '../../core/config/plan.js';
import { planApply, type Plan } from '../../core/config/planner.js';
import { renderApplyResult, renderEntry } from '../../core/config/render-plan.js';
import { executePlan } from '../../core/config/run-plan.js';
import { keepStoredSecrets, secretReferences } from '../../core/config/secret-refs.js';
import { SlipwayError } from '../../core/errors.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { param, type BodySpec, type NamedSchema, type RouteSpec } from '../route.js';
import { injectedConfigApi } from './configuration-api.js';
import type { FastifyRequest } from 'fastify';

/** The largest configuration text the routes read (the body limit is 1 MiB anyway). */
const MAX_TEXT = 900_000;

const exportQuerySchema = z.strictObject(
  { format: z.enum(['yaml', 'json'], { error: 'format must be yaml or json' }).default('yaml') },
  { error: unknownFields('configuration query') },
);

const fileSchema = z.strictObject(
  {
    text: z
      .string({ error: 'text must be the file, as a string' })
      .min(1, { error: 'text must not be empty: paste or upload a configuration file' })
      .max(MAX_TEXT, { error: `text must be at most ${MAX_TEXT} characters` }),
    secrets: z
      .record(z.string(), z.string({ error: 'each secret must be a string' }), {
        error: 'secrets must map environment variable names to values',
      })
      .default({})
      .meta({
        description:
          'Values for the file’s `{ env: NAME }` secrets, by NAME. A secret without a value keeps the stored one.',
      }),
    planId: z
      .string({ error: 'planId must be a string' })
      .optional()
      .meta({ description: 'Apply only if the plan is still the one previewed (else 412).' }),
  },
  { error: unknownFields('configuration file') },
);
type FileInput = z.output<typeof fileSchema>;

const entrySchema = z.object({
  action: z.enum(['create', 'update', 'unchanged']),
  kind: z.string(),
  what: z.string(),
  name: z.string().optional(),
  owner: z.string().optional(),
  path: z.string(),
  changedFields: z.array(z.string()),
  counts: z.object({ added: z.number(), updated: z.number(), removed: z.number() }).optional(),
  note: z.string().optional(),
  outcome: z.enum(['applied', 'unchanged', 'failed', 'not-applied']).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  line: z.string().meta({ description: 'The entry as `slipway apply` prints it.' }),
});
const summarySchema = z.object({ create: z.number(), update: z.number(), unchanged: z.number() });
const secretRefSchema = z.object({ name: z.string(), path: z.string() });

const exportSchema = z.object({
  space: z.string(),
  format: z.enum(['yaml', 'json']),
  text: z.string().meta({ description: 'The file, as `slipway export` prints it.' }),
  secrets: z
    .array(z.string())
    .meta({ description: 'The environment variables the file’s secrets refer to.' }),
  summary: z.string(),
});
const planSchema = z.object({
  space: z.string(),
  planId: z.string().meta({ description: 'Names this plan; pass it to apply to apply exactly it.' }),
  entries: z.array(entrySchema),
  summary: summarySchema,
  warnings: z.array(z.string()),
  secrets: z.array(secretRefSchema),
  text: z.string().meta({ description: 'The plan as `slipway apply --dry-run` prints it.' }),
});
const applySchema = planSchema.extend({
  ok: z.boolean().meta({ description: 'False when a change failed (it and the rest were not applied).' }),
  result: z.string().meta({ description: 'What was done, in one line.' }),
});

const EXPORT: NamedSchema = { name: 'ConfigurationExport', schema: exportSchema };
// A file may touch every project: the permission must be held unrestricted, checked before the body.
const FILE: BodySpec = { name: 'ConfigurationFile', schema: fileSchema, root: 'file', validateFirst: false };
const WHOLE_SPACE = { permission: 'project.edit' as const, scope: () => Promise.resolve({}) };
const PLAN: NamedSchema = { name: 'ConfigurationPlan', schema: planSchema };
const APPLIED: NamedSchema = { name: 'ConfigurationApplied', schema: applySchema };
const SPACE_PARAM = { space: 'The space, by id or name.' };

type EntryJson = z.output<typeof entrySchema>;

function entriesJson(entries: readonly PlanEntry[]): EntryJson[] {
  return entries.map((e) => ({ ...e, kind: String(e.kind), line: renderEntry(e) }));
}

/** A name for what a plan would do (never a value): equal plans, equal ids. */
export function planIdOf(entries: readonly PlanEntry[]): string {
  const facts = entries.map((e) => [e.action, e.kind, e.path, e.name, e.owner, e.changedFields, e.counts]);
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 16);
}

/** GET/POST /api/spaces/{space}/configuration[...]. */
export function configurationRoutes(deps: ServerDeps): RouteSpec[] {
  const spaces = spacesRepository(deps.store.db);

  /** The file's plan against the request's space, as the caller. */
  async function plan(request: FastifyRequest, input: FileInput) {
    const space = await spaces.get(param(request, 'space'));
    const desired = parseConfigText(input.text, 'the file');
    const named = desired.space.toLowerCase();
    if (named !== space.name.toLowerCase() && named !== space.id.toLowerCase()) {
      throw new SlipwayError(
        'INVALID_INPUT',
        `The file is for space "${desired.space}" (its space: field), but you are applying it to space "${space.name}". ` +
          `Change space: to "${space.name}", or open space "${desired.space}" and apply it there.`,
        { data: { issues: [`file.text: the file is for space "${desired.space}", not "${space.name}"`] } },
      );
    }
    const api = injectedConfigApi(request, space.name);
    const planned: Plan = await planApply(api, keepStoredSecrets(desired, input.secrets), input.secrets);
    const entries = planned.steps.map((s) => s.entry);
    return { space, planned, entries, secrets: secretReferences(desired) };
  }

  function planJson(spaceName: string, p: Awaited<ReturnType<typeof plan>>) {
    return {
      space: spaceName,
      planId: planIdOf(p.entries),
      entries: entriesJson(p.entries),
      summary: summarise(p.entries),
      warnings: p.planned.warnings,
      secrets: p.secrets,
      text: p.entries.map(renderEntry).join('\n'),
    };
  }

  return [
    {
      method: 'GET',
      path: '/api/spaces/{space}/configuration',
      operationId: 'exportConfiguration',
      summary:
        'The space as a configuration file, as `slipway export` writes it: references as names, secrets as `{ env: NAME }`, never values.',
      tag: 'configuration',
      params: SPACE_PARAM,
      query: exportQuerySchema,
      auth: { permission: 'project.view' },
      responses: {
        200: { description: 'The file.', body: EXPORT },
        400: { description: 'A bad query (named).' },
        403: { description: 'The caller may not read something the space holds (named).' },
        404: { description: 'No such space.' },
      },
      handler: async (request) => {
        const q = parseInput(exportQuerySchema, request.query, 'configuration query');
        const space = await spaces.get(param(request, 'space'));
        const { doc, secrets } = await exportSpace(injectedConfigApi(request, space.name));
        const server = `${request.protocol}://${request.host}`;
        return {
          space: space.name,
          format: q.format,
          text:
            q.format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : exportedYaml(doc, space.name, server),
          secrets,
          summary: exportCounts(doc),
        };
      },
    },
    {
      method: 'POST',
      path: '/api/spaces/{space}/configuration/plan',
      operationId: 'planConfiguration',
      summary:
        'What applying a configuration file would change (the plan of `slipway apply --dry-run`); changes nothing.',
      tag: 'configuration',
      params: SPACE_PARAM,
      body: FILE,
      auth: WHOLE_SPACE,
      responses: {
        200: { description: 'The plan.', body: PLAN },
        400: {
          description:
            'The file is not valid (each place named with its line), refers to things that do not exist, or is for another space.',
        },
        403: { description: 'The caller may not change something the file lists (named).' },
        404: { description: 'No such space.' },
      },
      handler: async (request) => {
        const input = parseInput(fileSchema, request.body, 'file');
        const p = await plan(request, input);
        return planJson(p.space.name, p);
      },
    },
    {
      method: 'POST',
      path: '/api/spaces/{space}/configuration/apply',
      operationId: 'applyConfiguration',
      summary:
        'Applies a configuration file as `slipway apply` does: creates and updates in dependency order, stops at the first failure, never deletes.',
      tag: 'configuration',
      params: SPACE_PARAM,
      body: FILE,
      auth: WHOLE_SPACE,
      responses: {
        200: {
          description:
            'What was done, entry by entry (`ok` false when a change failed; the rest was not applied).',
          body: APPLIED,
        },
        400: { description: 'As for the plan: nothing was applied.' },
        403: {
          description: 'The caller may not change something the file lists (named); nothing was applied.',
        },
        404: { description: 'No such space.' },
        412: { description: 'The plan is no longer the one previewed (`planId`): nothing was applied.' },
      },
      handler: async (request) => {
        const input = parseInput(fileSchema, request.body, 'file');
        const p = await plan(request, input);
        const planId = planIdOf(p.entries);
        if (input.planId !== undefined && input.planId !== planId) {
          throw new SlipwayError(
            'PRECONDITION_FAILED',
            'The space changed since you previewed this plan, so it would now do something else. ' +
              'Nothing was applied: preview again, check the new plan, then apply.',
            { data: { planId } },
          );
        }
        const failed = await executePlan(p.planned.steps);
        return { ...planJson(p.space.name, p), planId, ok: !failed, result: renderApplyResult(p.entries) };
      },
    },
  ];
}
