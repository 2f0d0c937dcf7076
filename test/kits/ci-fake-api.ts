/**
 * A small HTTP server that speaks the release/deployment API contract (docs/api.md) for the CI
 * commands' tests while the real routes are young: names resolve, releases are stored, deployments
 * run on timers and write a log, and the log is served both as pages and as Server-Sent Events.
 * A release whose version contains "bad" fails; Prod is refused until Dev has a success.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Dep {
  id: string;
  releaseId: string;
  projectId: string;
  environmentId: string;
  tenantId?: string;
  state: string;
  error?: string;
  createdAt: string;
  log: { seq: number; path: string[]; level: string; at: string; message: string }[];
  listeners: Set<() => void>;
}

/** The fake and what it saw. */
export interface FakeApi {
  url: string;
  /** Authorization headers received. */
  authorizations: string[];
  /** Last-Event-ID headers received on the stream. */
  lastEventIds: string[];
  /** Drop the first stream connection of each deployment after one line. */
  dropFirstStream: boolean;
  /** Answer 404 on the stream route (an older server): the client polls. */
  noStream: boolean;
  /** Deployments stay queued until canceled. */
  holdQueued: boolean;
  deployments: Map<string, Dep>;
  close(): Promise<void>;
}

const ENVS = [
  { id: 'Environments-1', name: 'Dev' },
  { id: 'Environments-2', name: 'Prod' },
];
const PROJECTS = [{ id: 'Projects-1', name: 'web' }];
const TENANTS = [
  { id: 'Tenants-1', name: 'Acme' },
  { id: 'Tenants-2', name: 'Globex' },
];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Starts the fake on a free loopback port. */
export async function startFakeApi(): Promise<FakeApi> {
  const releases: {
    id: string;
    projectId: string;
    version: string;
    packages: unknown[];
    createdAt: string;
  }[] = [];
  const deployments = new Map<string, Dep>();
  const streamsSeen = new Set<string>();
  let n = 0;
  const fake: FakeApi = {
    url: '',
    authorizations: [],
    lastEventIds: [],
    dropFirstStream: false,
    noStream: false,
    holdQueued: false,
    deployments,
    close: async () => {},
  };

  const write = (d: Dep, path: string[], level: string, message: string) => {
    d.log.push({ seq: d.log.length + 1, path, level, at: new Date().toISOString(), message });
    for (const l of d.listeners) l();
  };
  const setState = (d: Dep, state: string, error?: string) => {
    d.state = state;
    if (error) d.error = error;
    for (const l of d.listeners) l();
  };
  const run = (d: Dep, version: string) => {
    const tick = (f: () => void) => setTimeout(f, 5);
    tick(() => {
      if (d.state !== 'queued') return;
      setState(d, 'executing');
      write(d, [], 'info', 'Deploying');
      tick(() => {
        write(d, ['Deploy', 'hello-dev'], 'info', `Updating service to web:${version}`);
        tick(() => {
          if (d.state !== 'executing') return;
          if (version.includes('bad')) {
            write(d, ['Deploy', 'hello-dev'], 'error', 'Tasks failed to start');
            setState(d, 'failed', 'Step Deploy failed on hello-dev');
          } else {
            write(d, ['Deploy', 'hello-dev'], 'info', 'Rollout completed');
            setState(d, 'success');
          }
        });
      });
    });
  };
  const find = <T extends { id: string; name: string }>(list: T[], key: string) =>
    list.find((x) => x.id === key || x.name.toLowerCase() === key.toLowerCase());
  const noProject = (res: ServerResponse, name: string) =>
    send(res, 404, {
      code: 'NOT_FOUND',
      message: `There is no project "${name}" in this space; check the name or id.`,
      details: { entity: 'project', name },
    });
  /** Creates and runs the deployments of `r` to `env` (Prod is refused until Dev has a success). */
  const deploy = (
    res: ServerResponse,
    r: (typeof releases)[number],
    env: { id: string; name: string },
    tenants: ({ id: string } | undefined)[],
  ) => {
    const devOk = [...deployments.values()].some(
      (d) => d.releaseId === r.id && d.environmentId === 'Environments-1' && d.state === 'success',
    );
    if (env.name === 'Prod' && !devOk) {
      return send(res, 400, {
        code: 'LIFECYCLE_REFUSED',
        message: `Release ${r.version} cannot be deployed to Prod yet: deploy it to Dev first.`,
      });
    }
    const items = (tenants.length ? tenants : [undefined]).map((t) => {
      const d: Dep = {
        id: `Deployments-${++n}`,
        releaseId: r.id,
        projectId: r.projectId,
        environmentId: env.id,
        ...(t ? { tenantId: t.id } : {}),
        state: 'queued',
        createdAt: new Date(Date.now() + n).toISOString(),
        log: [],
        listeners: new Set(),
      };
      deployments.set(d.id, d);
      if (!fake.holdQueued) run(d, r.version);
      return d;
    });
    return send(res, 201, { items: items.map(view) });
  };

  const server = createServer((req, res) => {
    void (async () => {
      fake.authorizations.push(req.headers.authorization ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      // /api/spaces/Default/<kind>/...
      const [, , , kind, id, sub, sub2] = parts;
      const q = url.searchParams;
      const named = { projects: PROJECTS, environments: ENVS, tenants: TENANTS } as const;
      if (req.method === 'GET' && (kind === 'projects' || kind === 'environments' || kind === 'tenants')) {
        const list: { id: string; name: string }[] = named[kind];
        if (id) {
          const one = find(list, id);
          return one ? send(res, 200, one) : send(res, 404, { code: 'NOT_FOUND', message: `no ${id}` });
        }
        const name = q.get('name')?.toLowerCase() ?? '';
        return send(res, 200, { items: list.filter((x) => x.name.toLowerCase().includes(name)) });
      }
      if (kind === 'releases') {
        if (req.method === 'POST') {
          const b = await bodyOf(req);
          const project = find(PROJECTS, String(b.project));
          if (!project)
            return send(res, 404, {
              code: 'NOT_FOUND',
              message: `There is no project ${String(b.project)}.`,
            });
          const version = typeof b.version === 'string' ? b.version : '0.0.1';
          const pkgs = (b.packages as string[]).map((p) => {
            const [pkg = '', ver = ''] = p.split(':');
            return { step: 'Deploy', package: pkg, feedId: 'Feeds-1', image: pkg, version: ver };
          });
          const r = {
            id: `Releases-${++n}`,
            projectId: project.id,
            version,
            packages: pkgs,
            createdAt: new Date().toISOString(),
          };
          releases.unshift(r);
          return send(res, 201, r);
        }
        if (id) {
          const r = releases.find((x) => x.id === id);
          return r ? send(res, 200, r) : send(res, 404, { code: 'NOT_FOUND', message: 'no release' });
        }
        const p = find(PROJECTS, q.get('project') ?? '');
        if (!p) return noProject(res, q.get('project') ?? '');
        const version = q.get('version')?.toLowerCase();
        const items = releases.filter(
          (r) => r.projectId === p.id && (version === undefined || r.version.toLowerCase() === version),
        );
        if (version !== undefined && items.length === 0) {
          return send(res, 404, {
            code: 'NOT_FOUND',
            message: `Project "${p.name}" has no release "${q.get('version')}".`,
            details: { entity: 'release', project: p.id, version: q.get('version') },
          });
        }
        return send(res, 200, { items });
      }
      if (kind === 'deployments') {
        if (req.method === 'POST' && !id) {
          const b = await bodyOf(req);
          const r = releases.find((x) => x.id === b.release);
          const env = find(ENVS, String(b.environment));
          if (!r || !env)
            return send(res, 400, { code: 'INVALID_INPUT', message: 'bad release or environment' });
          const tenants = (b.tenants as string[]).flatMap((t) => (t === '*' ? TENANTS : [find(TENANTS, t)]));
          return deploy(res, r, env, tenants);
        }
        // The server's promotion rule: the release the untenanted deployments (or each tenant
        // named) last ran successfully in `from`.
        if (req.method === 'POST' && id === 'promote') {
          const b = await bodyOf(req);
          const p = find(PROJECTS, String(b.project));
          if (!p) return noProject(res, String(b.project));
          const from = find(ENVS, String(b.from));
          const to = find(ENVS, String(b.to));
          if (!from || !to) return send(res, 404, { code: 'NOT_FOUND', message: 'no such environment' });
          const named = (b.tenants as string[] | undefined) ?? [];
          const wanted = named.flatMap((t) => (t === '*' ? TENANTS : [find(TENANTS, t)]));
          const latest = (tenantId: string | undefined) =>
            [...deployments.values()]
              .reverse()
              .find(
                (d) =>
                  d.projectId === p.id &&
                  d.environmentId === from.id &&
                  d.state === 'success' &&
                  d.tenantId === tenantId,
              );
          const current = (wanted.length === 0 ? [undefined] : wanted).map((t) => latest(t?.id));
          const first = current[0];
          if (!first || current.some((d) => d === undefined)) {
            return send(res, 400, {
              code: 'INVALID_INPUT',
              message: `Nothing to promote: project "${p.name}" has no successful deployment in ${from.name}.`,
            });
          }
          if (current.some((d) => d?.releaseId !== first.releaseId)) {
            return send(res, 501, {
              code: 'NOT_IMPLEMENTED',
              message: 'the fake promotes one release at a time',
            });
          }
          const r = releases.find((x) => x.id === first.releaseId)!;
          return deploy(res, r, to, wanted);
        }
        if (!id) {
          const items = [...deployments.values()]
            .filter(
              (d) =>
                (!q.get('project') || d.projectId === q.get('project')) &&
                (!q.get('release') || d.releaseId === q.get('release')) &&
                (!q.get('environment') || d.environmentId === q.get('environment')) &&
                (!q.get('state') || d.state === q.get('state')),
            )
            .reverse()
            .slice(0, Number(q.get('limit') ?? 50));
          return send(res, 200, { items: items.map(view) });
        }
        const d = deployments.get(id);
        if (!d) return send(res, 404, { code: 'NOT_FOUND', message: `There is no deployment ${id}.` });
        if (req.method === 'POST' && sub === 'cancel') {
          setState(d, 'canceled', 'Canceled by admin');
          return send(res, 202, view(d));
        }
        if (sub === 'log' && sub2 === 'stream') return stream(req, res, d, q);
        if (sub === 'log') {
          const after = Number(q.get('after') ?? 0);
          const items = d.log.filter((l) => l.seq > after);
          return send(res, 200, { items, nextAfter: items.at(-1)?.seq ?? after });
        }
        return send(res, 200, view(d));
      }
      return send(res, 404, { code: 'NOT_FOUND', message: `no route ${url.pathname}` });
    })();
  });

  const view = (d: Dep) => {
    const { log: _log, listeners: _l, ...rest } = d;
    return rest;
  };

  const stream = (req: IncomingMessage, res: ServerResponse, d: Dep, q: URLSearchParams) => {
    if (fake.noStream) return send(res, 404, { code: 'NOT_FOUND', message: 'no stream here' });
    const lastId = req.headers['last-event-id'];
    if (typeof lastId === 'string') fake.lastEventIds.push(lastId);
    let sent = Number(lastId ?? q.get('after') ?? 0);
    const drop = fake.dropFirstStream && !streamsSeen.has(d.id);
    streamsSeen.add(d.id);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let lastState = '';
    const pump = () => {
      for (const l of d.log.filter((x) => x.seq > sent)) {
        res.write(`event: line\nid: ${l.seq}\ndata: ${JSON.stringify(l)}\n\n`);
        sent = l.seq;
        if (drop) {
          d.listeners.delete(pump);
          // Closed without `event: end`: to the client, a dropped connection.
          res.end();
          return;
        }
      }
      if (d.state !== lastState) {
        lastState = d.state;
        res.write(`event: state\ndata: ${JSON.stringify({ state: d.state })}\n\n`);
      }
      if (['success', 'failed', 'canceled', 'timed-out'].includes(d.state)) {
        res.write('event: end\ndata: {}\n\n');
        d.listeners.delete(pump);
        res.end();
      }
    };
    d.listeners.add(pump);
    req.on('close', () => d.listeners.delete(pump));
    pump();
  };

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return fake;
}
