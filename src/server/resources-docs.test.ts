import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { startApi, type ApiUnderTest } from '../../test/kits/server-resources.js';

interface Operation {
  operationId: string;
  tags: string[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

// The operations the kinds must produce, written out: [singular, plural] in PascalCase.
const CRUD_KINDS = [
  ['TagSet', 'TagSets'],
  ['Feed', 'Feeds'],
  ['AwsAccount', 'AwsAccounts'],
  ['Lifecycle', 'Lifecycles'],
  ['LibrarySet', 'LibrarySets'],
  ['Project', 'Projects'],
  ['Channel', 'Channels'],
  ['Tenant', 'Tenants'],
  ['EcsTarget', 'EcsTargets'],
  ['Team', 'Teams'],
] as const;
const EXPECTED_OPERATIONS = [
  ...CRUD_KINDS.flatMap(([one, many]) => [
    `list${many}`,
    `create${one}`,
    `get${one}`,
    `replace${one}`,
    `delete${one}`,
  ]),
  'getProcess',
  'replaceProcess',
  ...['Project', 'LibrarySet', 'Tenant'].flatMap((o) => [`get${o}Variables`, `replace${o}Variables`]),
  'getApiDocs',
];

describe('resource routes in the API documents', () => {
  let api: ApiUnderTest;
  let doc: OpenApi;
  let operations: Map<string, Operation & { key: string }>;

  before(async () => {
    api = await startApi();
    const res = await api.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    doc = res.json<OpenApi>();
    operations = new Map(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => [
          op.operationId,
          { ...op, key: `${method.toUpperCase()} ${path}` },
        ]),
      ),
    );
  });
  after(() => api.close());

  it('lists every generated operation, at its path', () => {
    for (const id of EXPECTED_OPERATIONS) assert.ok(operations.has(id), `missing ${id}`);
    const at = (id: string) => operations.get(id)?.key;
    assert.equal(at('listTagSets'), 'GET /api/spaces/{space}/tag-sets');
    assert.equal(at('replaceProject'), 'PUT /api/spaces/{space}/projects/{id}');
    assert.equal(at('getChannel'), 'GET /api/spaces/{space}/projects/{project}/channels/{id}');
    assert.equal(at('createChannel'), 'POST /api/spaces/{space}/projects/{project}/channels');
    assert.equal(at('replaceProcess'), 'PUT /api/spaces/{space}/projects/{project}/process');
    assert.equal(at('getProjectVariables'), 'GET /api/spaces/{space}/projects/{project}/variables');
    assert.equal(at('replaceLibrarySetVariables'), 'PUT /api/spaces/{space}/library-sets/{id}/variables');
    assert.equal(at('getTenantVariables'), 'GET /api/spaces/{space}/tenants/{id}/variables');
    assert.equal(at('getApiDocs'), 'GET /api/docs');
    assert.ok(
      !operations.has('listProcesses') &&
        !operations.has('deleteProcess') &&
        !operations.has('createProcess'),
    );
  });

  it('documents queries, headers, bodies and responses with named schemas', () => {
    const params = (id: string) => operations.get(id)!.parameters!.map((p) => `${p.in}:${p.name}`);
    assert.deepEqual(params('listTenants'), [
      'path:space',
      'query:limit',
      'query:cursor',
      'query:name',
      'query:tag',
      'query:project',
    ]);
    assert.ok(params('listEcsTargets').includes('query:role'));
    assert.ok(params('listProjects').includes('query:lifecycle'));
    for (const [id, op] of operations) {
      if (!id.startsWith('replace')) continue;
      assert.ok(
        op.parameters?.some((p) => p.in === 'header' && p.name === 'If-Match' && p.required),
        id,
      );
      assert.ok(
        op.parameters?.some((p) => p.in === 'query' && p.name === 'dryRun'),
        id,
      );
      for (const status of ['200', '400', '404', '412', '428'])
        assert.ok(op.responses[status], `${id} ${status}`);
    }
    const schema = (id: string, part: 'body' | '200' | '201') => {
      const op = operations.get(id)!;
      const content = part === 'body' ? op.requestBody?.content : op.responses[part]?.content;
      return content?.['application/json']?.schema.$ref?.replace('#/components/schemas/', '');
    };
    assert.equal(schema('createProject', 'body'), 'ProjectInput');
    assert.equal(schema('createProject', '201'), 'Project');
    assert.equal(schema('listProjects', '200'), 'ProjectPage');
    assert.equal(schema('replaceAwsAccount', '200'), 'AwsAccountReplaced');
    assert.equal(schema('replaceProjectVariables', 'body'), 'VariableSetInput');
    assert.equal(schema('replaceTenantVariables', 'body'), 'TenantVariableSetInput');
    assert.equal(schema('getTenantVariables', '200'), 'TenantVariablePage');
    assert.equal(schema('replaceTenantVariables', '200'), 'VariableSetChange');
    const project = doc.components.schemas.Project as {
      properties: Record<string, unknown>;
      required: string[];
    };
    assert.deepEqual(project.required.sort(), ['createdAt', 'id', 'name', 'spaceId', 'updatedAt', 'version']);
    const channel = doc.components.schemas.Channel as { required: string[] };
    assert.ok(channel.required.includes('projectId'));
    const input = doc.components.schemas.LifecycleInput as { properties: Record<string, unknown> };
    assert.ok(input.properties.phases, 'the kind’s own schema is the input');
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
      assert.ok(doc.components.schemas[name!], `missing schema ${name}`);
    }
  });

  it('serves browsable docs without a key, self-contained, listing every operation', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/docs' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const page = res.body;
    assert.doesNotMatch(page, /https?:\/\/|<script src|<link /, 'nothing is loaded from elsewhere');
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1];
    const style = /<style>([\s\S]*)<\/style>/.exec(page)?.[1];
    assert.ok(script && style);
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const csp = String(res.headers['content-security-policy']);
    assert.ok(csp.includes(`script-src ${hash(script)}`), csp);
    assert.ok(csp.includes(`style-src ${hash(style)}`), csp);

    // Run the page's script against the real document, with just enough of a DOM.
    const app = { innerHTML: '', textContent: '', querySelectorAll: () => [] };
    const fetched: string[] = [];
    const context = {
      document: { getElementById: (id: string) => (id === 'app' ? app : null) },
      fetch: async (url: string) => {
        fetched.push(url);
        return { ok: true, status: 200, json: async () => JSON.parse(JSON.stringify(doc)) as unknown };
      },
    };
    runInNewContext(script, context);
    for (let i = 0; i < 100 && app.innerHTML === '' && app.textContent === ''; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(app.textContent, '', 'the script reported no error');
    assert.deepEqual(fetched, ['openapi.json']);
    const html = app.innerHTML;
    for (const [id, op] of operations) {
      assert.ok(html.includes(`id="${id}"`), `the page lists ${id}`);
      assert.ok(html.includes(`id="tag-${op.tags[0]}"`), `the page has a section ${op.tags[0]}`);
    }
    assert.ok(html.includes('<code>If-Match</code>'), 'headers are listed');
    assert.ok(html.includes('<code>dryRun</code>'), 'query parameters are listed');
    assert.ok(html.includes('Request body <code>ProjectInput</code>'), 'bodies are named');
    assert.ok(html.includes('<code>lifecycle</code>'), 'body fields are listed');
    assert.ok(html.includes('>412</td>'), 'responses are listed');
    assert.doesNotMatch(html, /<script|onerror=/i, 'document text is escaped');
  });
});
