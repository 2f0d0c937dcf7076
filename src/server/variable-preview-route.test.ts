/** GET .../projects/{project}/variables/preview: each variable resolved as a deployment would, and why. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  SPACE_URL,
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
} from '../../test/kits/server-resources.js';
import { EXAMPLE_TENANT_VARIABLES } from '../../test/kits/model-examples.js';

const VARS = `${SPACE_URL}/projects/web/variables`;
const PREVIEW = `${VARS}/preview`;
const SECRET = 'correct-horse-battery';

interface PreviewJson {
  context: Record<string, { name: string } | undefined>;
  variables: {
    name: string;
    value: string | null;
    sensitive: boolean;
    source?: { kind: string; setName?: string };
    reason: string;
    candidates: { id: string; value: string; matchedOn: string }[];
    prompt?: { label: string; required: boolean };
    rendered?: { value: string | null; missing: string[]; problem?: string };
  }[];
}

describe('the variable preview route', () => {
  let api: ApiUnderTest;
  const preview = async (query: string) => {
    const res = await api.call({ method: 'GET', url: `${PREVIEW}?${query}` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<PreviewJson>();
    assert.ok(!res.body.includes(SECRET), 'a sensitive value must never leave');
    return { body, get: (name: string) => body.variables.find((v) => v.name === name) };
  };

  before(async () => {
    api = await startApi();
    await createExamples(api);
    const read = await api.call({ method: 'GET', url: VARS });
    const put = await api.call({
      method: 'PUT',
      url: VARS,
      headers: { 'if-match': String(read.headers.etag) },
      payload: [
        { name: 'Colour', value: 'blue' },
        { name: 'Colour', value: 'green', scope: { environments: ['Prod'] } },
        { name: 'Url', value: 'https://dev', scope: { environments: ['Dev'] } },
        { name: 'Url', value: 'https://web-role', scope: { roles: ['web'] } },
        { name: 'DbPassword', type: 'sensitive', value: SECRET },
        { name: 'Conn', value: `pw=${SECRET}` },
        { name: 'GoldOnly', value: 'shiny', scope: { tenantTags: ['Tier/Gold'] } },
        { name: 'Link', value: '#{Url}/#{Octopus.Environment.Name | ToLower}?c=#{Colour}' },
        { name: 'LeakyLink', value: 'u=#{DbPassword | ToUpper}' },
        { name: 'Dangling', value: 'x-#{NoSuchVariable}' },
        {
          name: 'Approver',
          value: 'ops',
          prompt: { label: 'Who approves?', required: true, control: 'single-line' },
        },
      ],
    });
    assert.equal(put.statusCode, 200, put.body);
    const tv = await api.call({ method: 'GET', url: `${SPACE_URL}/tenants/Acme/variables` });
    const tenant = await api.call({
      method: 'PUT',
      url: `${SPACE_URL}/tenants/Acme/variables`,
      headers: { 'if-match': String(tv.headers.etag) },
      payload: EXAMPLE_TENANT_VARIABLES,
    });
    assert.equal(tenant.statusCode, 200, tenant.body);
  });
  after(() => api.close());

  it('answers the environment-scoped value for each environment, with the reason', async () => {
    const dev = await preview('environment=Dev');
    assert.equal(dev.body.context.environment?.name, 'Dev');
    assert.equal(dev.body.context.step?.name, 'Deploy', 'the first step by default');
    assert.equal(dev.get('Colour')?.value, 'blue');
    assert.match(dev.get('Colour')?.reason ?? '', /only value that matches \(unscoped\)/);
    const prod = await preview('environment=Prod');
    assert.equal(prod.get('Colour')?.value, 'green');
    assert.match(prod.get('Colour')?.reason ?? '', /more than the next value's none/);
    assert.deepEqual(
      prod.get('Colour')?.candidates.map((c) => c.value),
      ['green', 'blue'],
    );
    assert.equal(prod.get('Colour')?.source?.kind, 'project');
  });

  it('ranks a target role above the environment, and follows the step and target given', async () => {
    const noTarget = await preview('environment=Dev&step=Smoke%20test');
    assert.equal(noTarget.get('Url')?.value, 'https://dev');
    const onTarget = await preview('environment=Dev&step=Deploy&target=acme-prod');
    assert.equal(onTarget.body.context.target?.name, 'acme-prod');
    assert.equal(onTarget.get('Url')?.value, 'https://web-role');
    assert.match(onTarget.get('Url')?.reason ?? '', /step role ranks above environment/);
  });

  it('masks sensitive values and values holding them', async () => {
    const { get } = await preview('environment=Dev');
    assert.equal(get('DbPassword')?.value, '********');
    assert.equal(get('DbPassword')?.sensitive, true);
    assert.equal(get('Conn')?.value, 'pw=********');
  });

  it('layers the tenant values over the project and leaves tenant-scoped values out untenanted', async () => {
    const untenanted = await preview('environment=Dev');
    assert.equal(untenanted.get('GoldOnly')?.value, null);
    assert.match(untenanted.get('GoldOnly')?.reason ?? '', /untenanted/);
    const acme = await preview('environment=Dev&tenant=Acme');
    assert.equal(acme.get('GoldOnly')?.value, 'shiny');
    assert.equal(acme.get('Colour')?.value, 'orange');
    assert.equal(acme.get('Colour')?.source?.kind, 'tenant');
    assert.equal(acme.get('ApiToken')?.value, '********');
    assert.equal(acme.get('Region')?.value, 'eu-west-1');
    // Prod has no tenant value for Colour: the template has no default, so the project's value stands.
    const acmeProd = await preview('environment=Prod&tenant=Acme');
    assert.equal(acmeProd.get('Colour')?.value, 'green');
  });

  it('renders values holding #{...} as a step would, masking what derives from a secret', async () => {
    const dev = await preview('environment=Dev');
    assert.equal(dev.get('Link')?.value, '#{Url}/#{Octopus.Environment.Name | ToLower}?c=#{Colour}');
    // The step's role (web) ranks the role-scoped Url first, as in the deployment.
    assert.equal(dev.get('Url')?.value, 'https://web-role');
    assert.deepEqual(dev.get('Link')?.rendered, { value: 'https://web-role/dev?c=blue', missing: [] });
    const prod = await preview('environment=Prod');
    assert.equal(prod.get('Link')?.rendered?.value, 'https://web-role/prod?c=green');
    const leaky = dev.get('LeakyLink')?.rendered?.value ?? '';
    assert.ok(!leaky.includes(SECRET.toUpperCase()), leaky);
    assert.match(leaky, /^u=\*+$/);
    assert.deepEqual(dev.get('Dangling')?.rendered, {
      value: 'x-#{NoSuchVariable}',
      missing: ['#{NoSuchVariable}'],
    });
    assert.equal(dev.get('Colour')?.rendered, undefined, 'a plain value has nothing to render');
  });

  it('shows a prompted variable with its prompt', async () => {
    const { get } = await preview('environment=Dev');
    assert.deepEqual(get('Approver')?.prompt, { label: 'Who approves?', required: true });
  });

  it('refuses a missing environment and unknown names, naming them', async () => {
    expectError(
      await api.call({ method: 'GET', url: PREVIEW }),
      400,
      'INVALID_INPUT',
      /environment is required/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${PREVIEW}?environment=Nowhere` }),
      404,
      'NOT_FOUND',
      /Nowhere/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${PREVIEW}?environment=Dev&step=Nope` }),
      404,
      'NOT_FOUND',
      /no step "Nope".*"Deploy"/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${PREVIEW}?environment=Dev&colour=red` }),
      400,
      'INVALID_INPUT',
      /colour/,
    );
  });
});
