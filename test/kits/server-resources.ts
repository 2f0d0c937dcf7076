/**
 * Test helpers for the resource and variable routes: the API over a fresh store with the
 * administrator's key, every response kept (to scan for secrets), the example resources created
 * through the API, and their URLs.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { tempDataDir } from '../helpers/postgres.js';
import { EXAMPLES, EXAMPLE_ENVIRONMENTS, EXAMPLE_ORDER, EXAMPLE_USER } from './model-examples.js';
import { RESOURCE_KINDS } from '../../src/core/model/kinds/index.js';
import type { ResourceKind, ResourceKindName, SecretPath } from '../../src/core/model/resource.js';
import { apiKeysRepository, ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { testSecrets } from './secrets.js';
import { buildServer } from '../../src/server/app.js';
import type { ServerDeps } from '../../src/server/deps.js';

/** The default space, by name. */
export const SPACE_URL = '/api/spaces/Default';

/** A resource as the API returns it. */
export interface ResourceBody {
  id: string;
  spaceId: string;
  projectId?: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

/** An error body. */
export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** The API under test. */
export interface ApiUnderTest {
  store: Store;
  deps: ServerDeps;
  app: FastifyInstance;
  /** Injects with the administrator's key; the response is kept in `responses`. */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Every response `call` received, in order. */
  responses: LightMyRequestResponse[];
  close(): Promise<void>;
}

/** The API over a fresh PGlite store, authenticated as the first administrator; `logStream` turns the log on. */
export async function startApi(options: { logStream?: NodeJS.WritableStream } = {}): Promise<ApiUnderTest> {
  const dataDir = tempDataDir();
  const store = await openStore({ dataDir });
  const { key } = await ensureAdministrator(store, { dataDir });
  assert.ok(key, 'a fresh store creates the administrator and its key');
  const deps: ServerDeps = {
    store,
    secrets: testSecrets(),
    // No AWS here: routes that call AWS (an account's test, a target's check) meet a closed local
    // port at once, instead of the SDK's credential chain probing instance metadata for minutes.
    aws: {
      endpoint: 'http://127.0.0.1:9',
      credentials: { kind: 'static', accessKeyId: 'AKIDNOAWSHERE', secretAccessKey: 'not-a-secret' },
    },
    ...(options.logStream ? { logger: true, logStream: options.logStream } : {}),
  };
  const app = buildServer(deps);
  await app.ready();
  const responses: LightMyRequestResponse[] = [];
  return {
    store,
    deps,
    app,
    responses,
    async call(options) {
      const res = await app.inject({
        ...options,
        headers: { ...options.headers, authorization: `Bearer ${key}` },
      });
      responses.push(res);
      return res;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Asserts an error response and returns its body. */
export function expectError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  pattern?: RegExp,
): ErrorBody {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<ErrorBody>();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'message']);
  assert.equal(body.code, code, body.message);
  if (pattern) assert.match(body.message, pattern);
  return body;
}

/** The collection URL of `kind` (nested kinds under `project`, by id or name). */
export function collectionUrl(kind: ResourceKind, project = 'web'): string {
  const under = kind.parent === 'project' ? `/projects/${encodeURIComponent(project)}` : '';
  return `${SPACE_URL}${under}/${kind.plural}`;
}

/** The URL of one resource (for the singleton, of its project's one). */
export function itemUrl(kind: ResourceKind, idOrName: string, project = 'web'): string {
  if (kind.singleton) return collectionUrl(kind, project);
  return `${collectionUrl(kind, project)}/${encodeURIComponent(idOrName)}`;
}

/** The value at a secret path (`*` for every array element); each leaf value found. */
export function valuesAt(doc: unknown, path: SecretPath): unknown[] {
  if (path.length === 0) return [doc];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(doc) ? doc.flatMap((d) => valuesAt(d, rest)) : [];
  if (typeof doc !== 'object' || doc === null || head === undefined) return [];
  const value = (doc as Record<string, unknown>)[head];
  return value === undefined ? [] : valuesAt(value, rest);
}

/** Every secret string value in the example documents. */
export function exampleSecrets(): string[] {
  return Object.values(RESOURCE_KINDS).flatMap((kind) =>
    kind.secretFields.flatMap((path) =>
      valuesAt(EXAMPLES[kind.name], path).filter((v): v is string => typeof v === 'string'),
    ),
  );
}

/**
 * Creates environments Dev and Prod, the user alice, and the example of every kind in
 * EXAMPLE_ORDER (the process is replaced on the project, which created it). Returns them by kind.
 */
export async function createExamples(api: ApiUnderTest): Promise<Record<ResourceKindName, ResourceBody>> {
  for (const name of EXAMPLE_ENVIRONMENTS) {
    const res = await api.call({ method: 'POST', url: `${SPACE_URL}/environments`, payload: { name } });
    assert.equal(res.statusCode, 201, res.body);
  }
  await apiKeysRepository(api.store.db).createUser({ name: EXAMPLE_USER }, { actor: 'test' });
  const created: Partial<Record<ResourceKindName, ResourceBody>> = {};
  for (const name of EXAMPLE_ORDER) {
    const kind = RESOURCE_KINDS[name];
    created[name] = await createExample(api, kind);
  }
  return created as Record<ResourceKindName, ResourceBody>;
}

async function createExample(api: ApiUnderTest, kind: ResourceKind): Promise<ResourceBody> {
  const payload = EXAMPLES[kind.name];
  if (kind.singleton) {
    const read = await api.call({ method: 'GET', url: itemUrl(kind, '') });
    assert.equal(read.statusCode, 200, read.body);
    const res = await api.call({
      method: 'PUT',
      url: itemUrl(kind, ''),
      headers: { 'if-match': String(read.headers.etag) },
      payload,
    });
    assert.equal(res.statusCode, 200, `${kind.name}: ${res.body}`);
    return res.json<ResourceBody>();
  }
  const res = await api.call({ method: 'POST', url: collectionUrl(kind), payload });
  assert.equal(res.statusCode, 201, `${kind.name}: ${res.body}`);
  return res.json<ResourceBody>();
}

/** Asserts that none of `secrets` appears in any body or header of `responses`. */
export function assertNoSecretShown(
  responses: readonly LightMyRequestResponse[],
  secrets: readonly string[],
): void {
  assert.ok(secrets.length > 0, 'there are secrets to look for');
  for (const res of responses) {
    const headers = JSON.stringify(res.headers);
    for (const secret of secrets) {
      // JSON escapes "/" nowhere, but may escape other characters: look for both spellings.
      for (const spelling of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
        assert.ok(!res.body.includes(spelling), `a response body shows the secret ${secret}: ${res.body}`);
        assert.ok(!headers.includes(spelling), `a response header shows the secret ${secret}: ${headers}`);
      }
    }
  }
}
