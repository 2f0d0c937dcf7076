/**
 * The admin API under /_sandbox/ (documented in docs/sandbox.md): seed accounts, roles, clusters
 * and container instances; inject faults; read call statistics; control time. JSON in and out;
 * errors are `{ "error": { "code", "message" } }` with status 400 or 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import { createAccount, seedDefaultAccount } from './accounts.js';
import { adminSchemas, describeIssues } from './admin-schemas.js';
import { MAX_SANDBOX_TIME } from './clock.js';
import {
  addContainerInstances,
  alarmStates,
  ensureCluster,
  hookOutcomes,
  setAlarmState,
  setHookOutcomes,
} from './ecs/admin.js';
import { createRole } from './iam/api.js';
import { trustPolicyFor } from './iam/trust.js';
import { readBody } from './protocol/body.js';
import type { SandboxRuntime } from './runtime.js';
import { defaultSettings, emptyWorld, type AccountState } from './world.js';

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    throw new AdminError(
      400,
      'INVALID_INPUT',
      `Invalid request body: ${describeIssues(r.error, body)}. Nothing was changed. See docs/sandbox.md.`,
    );
  }
  return r.data;
}

function accountOf(rt: SandboxRuntime, id: string): AccountState {
  const a = rt.world.accounts[id];
  if (!a) throw new AdminError(404, 'NOT_FOUND', `No account ${id}. Create it with POST /_sandbox/accounts.`);
  return a;
}

function describeAccount(a: AccountState) {
  return { id: a.id, name: a.name, accessKeys: a.accessKeys, roles: Object.keys(a.iam.roles) };
}

type Route = (rt: SandboxRuntime, body: unknown) => unknown;

const routes: Record<string, Route> = {
  'GET /_sandbox/health': (rt) => ({
    ok: true,
    endpoint: rt.endpoint,
    timeScale: rt.clock.timeScale,
    now: new Date(rt.now()).toISOString(),
  }),
  'POST /_sandbox/reset': (rt) => {
    rt.cloudformation.stop();
    rt.ecs.stop();
    rt.world = emptyWorld();
    seedDefaultAccount(rt.world);
    rt.limiter.clear();
    rt.stats.clear();
    rt.ecs.resume();
    rt.cloudformation.resume();
    rt.changed();
    return { ok: true };
  },
  'GET /_sandbox/accounts': (rt) => ({ accounts: Object.values(rt.world.accounts).map(describeAccount) }),
  'POST /_sandbox/accounts': (rt, body) => {
    const input = parse(adminSchemas.account, body);
    try {
      const a = createAccount(rt.world, input);
      rt.changed();
      return describeAccount(a);
    } catch (e) {
      if (e instanceof SlipwayError) throw new AdminError(400, e.code, e.message);
      throw e;
    }
  },
  'POST /_sandbox/roles': (rt, body) => {
    const input = parse(adminSchemas.role, body);
    const account = accountOf(rt, input.accountId);
    const role = createRole(account.iam.roles, account.id, rt.now(), {
      roleName: input.roleName,
      assumeRolePolicyDocument: trustPolicyFor(input.trustedAccountIds, input.externalId),
      maxSessionDuration: input.maxSessionDuration,
    });
    rt.changed();
    return { arn: role.arn, roleName: role.roleName, externalId: input.externalId };
  },
  'POST /_sandbox/clusters': (rt, body) => {
    const input = parse(adminSchemas.cluster, body);
    const account = accountOf(rt, input.accountId);
    const cluster = ensureCluster(rt, account, input.region, input.name);
    const instances = input.instances
      ? addContainerInstances(rt, account, input.region, input.name, input.instances)
      : [];
    rt.changed();
    return {
      clusterArn: cluster.clusterArn,
      containerInstanceArns: instances.map((i) => i.containerInstanceArn),
    };
  },
  'POST /_sandbox/container-instances': (rt, body) => {
    const input = parse(adminSchemas.instances, body);
    const account = accountOf(rt, input.accountId);
    const instances = addContainerInstances(rt, account, input.region, input.cluster, input);
    rt.changed();
    return { containerInstanceArns: instances.map((i) => i.containerInstanceArn) };
  },
  'GET /_sandbox/ecs/hook-outcomes': (rt) => hookOutcomes(rt),
  'POST /_sandbox/ecs/hook-outcomes': (rt, body) => {
    const input = parse(adminSchemas.hookOutcomes, body);
    const account = accountOf(rt, input.accountId);
    const script = setHookOutcomes(rt, account, input.region, input.functionArn, input.outcomes);
    return { functionArn: input.functionArn, ...script };
  },
  'GET /_sandbox/alarms': (rt) => ({ alarms: alarmStates(rt) }),
  'POST /_sandbox/alarms': (rt, body) => {
    const input = parse(adminSchemas.alarm, body);
    const account = accountOf(rt, input.accountId);
    setAlarmState(rt, account, input.region, input.alarmName, input.state);
    return { alarmName: input.alarmName, state: input.state };
  },
  'GET /_sandbox/settings': (rt) => rt.world.settings,
  'PUT /_sandbox/settings': (rt, body) => {
    const input = parse(adminSchemas.settings, body);
    const s = rt.world.settings;
    if (input.throttling !== undefined) {
      s.throttling = input.throttling;
      rt.limiter.clear();
    }
    if (input.strictPulls !== undefined) s.strictPulls = input.strictPulls;
    if (input.knownImages) s.knownImages = input.knownImages;
    if (input.timings) Object.assign(s.timings, input.timings);
    rt.changed();
    return s;
  },
  'POST /_sandbox/settings/reset': (rt) => {
    rt.world.settings = defaultSettings();
    rt.changed();
    return rt.world.settings;
  },
  'GET /_sandbox/faults': (rt) => ({
    images: rt.world.settings.imageFaults,
    api: rt.world.settings.apiFaults,
  }),
  'POST /_sandbox/faults/images': (rt, body) => {
    const input = parse(adminSchemas.imageFault, body);
    const faults = rt.world.settings.imageFaults.filter((f) => f.image !== input.image);
    faults.push(input);
    rt.world.settings.imageFaults = faults;
    rt.changed();
    return input;
  },
  'POST /_sandbox/faults/api': (rt, body) => {
    const input = parse(adminSchemas.apiFault, body);
    const fault = {
      id: rt.uuid(),
      service: input.service,
      action: input.action,
      accountId: input.accountId,
      errorCode: input.errorCode,
      message: input.message,
      httpStatus: input.httpStatus,
      remaining: input.count,
      ...(input.ratio === undefined ? {} : { ratio: input.ratio, matched: 0 }),
      untilMs: input.durationSeconds === undefined ? undefined : rt.now() + input.durationSeconds * 1000,
    };
    rt.world.settings.apiFaults.push(fault);
    rt.changed();
    return fault;
  },
  'DELETE /_sandbox/faults': (rt) => {
    rt.world.settings.imageFaults = [];
    rt.world.settings.apiFaults = [];
    rt.changed();
    return { ok: true };
  },
  'GET /_sandbox/stats': (rt) => ({ actions: Object.fromEntries(rt.stats) }),
  'DELETE /_sandbox/stats': (rt) => {
    rt.stats.clear();
    return { ok: true };
  },
  'GET /_sandbox/time': (rt) => ({ now: new Date(rt.now()).toISOString(), scale: rt.clock.timeScale }),
  'POST /_sandbox/time': (rt, body) => {
    const input = parse(adminSchemas.time, body);
    const target = rt.now() + (input.advanceSeconds ?? 0) * 1000;
    if (target > MAX_SANDBOX_TIME) {
      throw new AdminError(
        400,
        'INVALID_INPUT',
        `advanceSeconds would move the sandbox clock past ${new Date(MAX_SANDBOX_TIME).toISOString()}. ` +
          'Advance by less, or restart the sandbox with a new --state file to start from today.',
      );
    }
    if (input.scale !== undefined) rt.clock.setTimeScale(input.scale);
    if (input.advanceSeconds !== undefined) rt.clock.advance(input.advanceSeconds * 1000);
    rt.changed();
    return { now: new Date(rt.now()).toISOString(), scale: rt.clock.timeScale };
  },
};

/** The routes that take a JSON body; the others refuse one rather than ignore it. */
const ROUTES_WITH_BODY = new Set([
  'POST /_sandbox/accounts',
  'POST /_sandbox/roles',
  'POST /_sandbox/clusters',
  'POST /_sandbox/container-instances',
  'PUT /_sandbox/settings',
  'POST /_sandbox/faults/images',
  'POST /_sandbox/faults/api',
  'POST /_sandbox/time',
  'POST /_sandbox/ecs/hook-outcomes',
  'POST /_sandbox/alarms',
]);

/** The route names, for the index page and the docs test. */
export const ADMIN_ROUTES = Object.keys(routes);

/** The largest admin request body (the biggest, a settings body with many knownImages, is far smaller). */
const MAX_ADMIN_BODY = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(
    req,
    MAX_ADMIN_BODY,
    (max) => new AdminError(413, 'INVALID_INPUT', `The request body is larger than the ${max}-byte limit.`),
  );
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminError(400, 'INVALID_INPUT', 'The request body is not valid JSON.');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Serves one admin request. */
export async function handleAdmin(
  rt: SandboxRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '') || '/_sandbox';
  if (path === '/_sandbox') return send(res, 200, { routes: ADMIN_ROUTES, docs: 'docs/sandbox.md' });
  const route = routes[`${req.method ?? 'GET'} ${path}`];
  try {
    if (!route) {
      throw new AdminError(
        404,
        'NOT_FOUND',
        `No admin route ${req.method ?? ''} ${path}. GET /_sandbox lists them.`,
      );
    }
    const key = `${req.method ?? 'GET'} ${path}`;
    const body = await readJson(req);
    if (body !== undefined && !ROUTES_WITH_BODY.has(key)) {
      throw new AdminError(400, 'INVALID_INPUT', `${key} takes no body. Nothing was changed.`);
    }
    send(res, 200, route(rt, body) ?? { ok: true });
  } catch (e) {
    if (e instanceof AdminError) return send(res, e.status, { error: { code: e.code, message: e.message } });
    if (e instanceof Error && e.name !== 'Error' && 'code' in e && typeof e.code === 'string') {
      // AwsError from shared helpers (e.g. createRole validation).
      return send(res, 400, { error: { code: e.code, message: e.message } });
    }
    throw e;
  }
}
