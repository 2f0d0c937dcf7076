/**
 * A deployment's task log: pages of lines, and a live stream (Server-Sent Events) that polls the
 * store, so it works the same whichever node runs the deployment. Coded lines carry their event
 * code and data; `?code=` selects lines by code.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isFinalState, type Deployment } from '../../core/model/release.js';
import type { AccessScope } from '../../core/model/permissions.js';
import { unknownFields } from '../../core/model/parse.js';
import { header, type RouteSpec } from '../route.js';
import { logLineJson, logLineSchema, type ReleaseHttp } from './release-http.js';
import { parseQuery, SPACE_PARAM } from './resource-http.js';
import { publicError } from '../errors.js';

/** How often the stream reads the store for new lines and state changes. */
export const STREAM_POLL_MS = 250;
/** How often the stream sends a comment so proxies keep an idle connection open. */
export const STREAM_HEARTBEAT_MS = 15_000;

const ID_PARAMS = { ...SPACE_PARAM, id: 'The deployment id.' };
const BASE = '/api/spaces/{space}/deployments/{id}/log';

const seqSchema = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(0, { error: `${what} must be at least 0` });

const CODE = /^[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/;

/** `?code=deploy.deployments,task.*`: event codes, or prefixes ending in `.*`. */
const codeFilter = z
  .string()
  .transform((text) => text.split(',').map((c) => c.trim()))
  .pipe(
    z
      .array(
        z.string().regex(CODE, {
          error: 'code must list event codes (deploy.deployments) or prefixes (deploy.*), comma-separated',
        }),
      )
      .max(50, { error: 'code lists at most 50 codes' }),
  )
  .optional()
  .meta({
    description:
      'Only coded lines with one of these event codes (comma-separated; `deploy.*` matches a prefix). Default: every line.',
  });

const pageQuery = z.strictObject(
  {
    code: codeFilter,
    after: seqSchema('after')
      .optional()
      .meta({ description: 'Only lines after this seq (default: from the start).' }),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int({ error: 'limit must be a whole number' })
      .min(1, { error: 'limit must be at least 1' })
      .max(1000, { error: 'limit must be at most 1000' })
      .default(1000),
  },
  { error: unknownFields('the query') },
);

const streamQuery = z.strictObject(
  {
    code: codeFilter,
    after: seqSchema('after')
      .optional()
      .meta({ description: 'Resume after this seq (Last-Event-ID wins when sent).' }),
  },
  { error: unknownFields('the query') },
);

const LOG_PAGE = {
  name: 'TaskLogPage',
  schema: z.object({
    items: z.array(logLineSchema),
    nextAfter: z
      .int()
      .meta({ description: 'Pass as `after` for the next lines (the last seq, or `after` when none).' }),
  }),
};

/** One Server-Sent Event. */
function sse(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function stateData(d: Deployment) {
  return {
    state: d.state,
    ...(d.error === undefined ? {} : { error: d.error }),
    ...(d.startedAt === undefined ? {} : { startedAt: d.startedAt.toISOString() }),
    ...(d.finishedAt === undefined ? {} : { finishedAt: d.finishedAt.toISOString() }),
  };
}

/** The routes under /api/spaces/{space}/deployments/{id}/log. */
export function taskLogRoutes(http: ReleaseHttp): RouteSpec[] {
  const { deployments } = http;
  const projectScope = async (request: FastifyRequest): Promise<AccessScope> => ({
    projectId: (await http.deployment(request)).projectId,
  });

  async function stream(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const q = parseQuery(streamQuery, request);
    const first = await http.deployment(request);
    const lastEventId = Number(header(request, 'last-event-id'));
    let after = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (q.after ?? 0);
    const filter = q.code ? { codes: q.code } : {};

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let open = true;
    let wake: () => void = () => {};
    const onClose = () => {
      open = false;
      wake();
    };
    // The response closes when the client goes away (or when we end it).
    res.on('close', onClose);
    const pause = (ms: number) =>
      new Promise<void>((done) => {
        const timer = setTimeout(done, ms);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });

    let lastState: string | undefined;
    let lastBeat = Date.now();
    try {
      while (open) {
        const lines = await deployments.log(first.id, after, 1000, filter);
        for (const line of lines) {
          res.write(sse('line', logLineJson(line), line.seq));
          after = line.seq;
        }
        // Read the state after the lines: a final state seen here means every line is already stored.
        const current = await deployments.getById(first.id);
        if (current.state !== lastState) {
          lastState = current.state;
          res.write(sse('state', stateData(current)));
        }
        if (lines.length === 1000) continue;
        if (isFinalState(current.state)) {
          const rest = await deployments.log(first.id, after, 1000, filter);
          for (const line of rest) {
            res.write(sse('line', logLineJson(line), line.seq));
            after = line.seq;
          }
          if (rest.length === 0) {
            res.write(sse('end', stateData(current)));
            break;
          }
          continue;
        }
        if (Date.now() - lastBeat >= STREAM_HEARTBEAT_MS) {
          res.write(': heartbeat\n\n');
          lastBeat = Date.now();
        }
        await pause(STREAM_POLL_MS);
      }
    } catch (e) {
      // Headers are sent: the error can only travel as an event.
      if (open) res.write(sse('error', publicError(e, request.id)));
      request.log.error({ err: e }, 'task log stream failed');
    } finally {
      res.off('close', onClose);
      res.end();
    }
  }

  return [
    {
      method: 'GET',
      path: BASE,
      operationId: 'getTaskLog',
      summary: 'Lines of a deployment’s task log, in order, after `after`.',
      tag: 'deployments',
      params: ID_PARAMS,
      query: pageQuery,
      auth: { permission: 'project.view', scope: projectScope },
      responses: {
        200: { description: 'The lines (masked) and where to continue.', body: LOG_PAGE },
        400: { description: 'A bad query parameter.' },
        404: { description: 'No such space or deployment.' },
      },
      handler: async (request) => {
        const q = parseQuery(pageQuery, request);
        const d = await http.deployment(request);
        const items = await deployments.log(d.id, q.after, q.limit, q.code ? { codes: q.code } : {});
        return { items: items.map(logLineJson), nextAfter: items.at(-1)?.seq ?? q.after ?? 0 };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/stream`,
      operationId: 'streamTaskLog',
      summary:
        'The task log live, as Server-Sent Events: `line` (a log line, id = seq), `state` (on each state change), ' +
        '`end` (final state; the stream closes); a comment every 15 s keeps it open.',
      tag: 'deployments',
      params: ID_PARAMS,
      query: streamQuery,
      headers: [
        { name: 'Last-Event-ID', description: 'The last seq received; the stream resumes after it.' },
      ],
      auth: { permission: 'project.view', scope: projectScope },
      responses: {
        200: { description: 'A `text/event-stream`.' },
        404: { description: 'No such space or deployment.' },
      },
      handler: async (request, reply) => {
        await stream(request, reply);
        return undefined;
      },
    },
  ];
}
