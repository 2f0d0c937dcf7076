/** GET .../process/steps/{step}/cloudformation: the export of a Deploy Amazon ECS Service step. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../test/kits/model-deploy-service.js';
import {
  SPACE_URL,
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
} from '../../test/kits/server-resources.js';
import { parseCfnYaml } from '../core/cfn/yaml.js';

const PROCESS = `${SPACE_URL}/projects/web/process`;
const EXPORT = `${PROCESS}/steps/Deploy%20service/cloudformation`;
const SECRET = 'correct-horse-battery';

type Json = Record<string, unknown>;
interface Template {
  Parameters: Record<string, { Type: string; Default?: unknown }>;
  Resources: Record<string, { Properties: Json }>;
}
const containers = (t: Template): Json[] =>
  t.Resources.TaskDefinitionweb!.Properties.ContainerDefinitions as Json[];

describe('the CloudFormation export route', () => {
  let api: ApiUnderTest;

  before(async () => {
    api = await startApi();
    await createExamples(api);
    // The example deploy-service step, its container's COLOUR from #{Colour} and a secret from #{DbPassword}.
    const process = structuredClone(EXAMPLE_DEPLOY_SERVICE_PROCESS) as { steps: Json[] };
    const action = process.steps[0]!.action as Json;
    const web = (action.containers as Json[])[0]!;
    web.environment = [
      { name: 'COLOUR', value: '#{Colour}' },
      { name: 'DB', value: 'pw=#{DbPassword | ToUpper}' },
      { name: 'RELEASE', value: '#{Octopus.Release.Number}' },
    ];
    const read = await api.call({ method: 'GET', url: PROCESS });
    const put = await api.call({
      method: 'PUT',
      url: PROCESS,
      headers: { 'if-match': String(read.headers.etag) },
      payload: {
        steps: [
          ...process.steps,
          { name: 'Approve', action: { type: 'manual-intervention', instructions: 'ok' } },
        ],
      },
    });
    assert.equal(put.statusCode, 200, put.body);
    const vars = await api.call({ method: 'GET', url: `${SPACE_URL}/projects/web/variables` });
    const res = await api.call({
      method: 'PUT',
      url: `${SPACE_URL}/projects/web/variables`,
      headers: { 'if-match': String(vars.headers.etag) },
      payload: [
        { name: 'Colour', value: 'blue' },
        { name: 'Colour', value: 'green', scope: { environments: ['Prod'] } },
        { name: 'DbPassword', type: 'sensitive', value: SECRET },
        { name: 'TaskMemory', value: '2048' },
        { name: 'Subnet', value: 'subnet-89abcdef' },
        { name: 'StartTimeout', value: '60' },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const tv = await api.call({ method: 'GET', url: `${SPACE_URL}/tenants/Acme/variables` });
    const tenant = await api.call({
      method: 'PUT',
      url: `${SPACE_URL}/tenants/Acme/variables`,
      headers: { 'if-match': String(tv.headers.etag) },
      payload: [{ project: 'web', environment: 'Dev', template: 'Colour', value: 'orange' }],
    });
    assert.equal(tenant.statusCode, 200, tenant.body);
  });
  after(() => api.close());

  it('answers YAML by default, with images as package expressions and values as written', async () => {
    const res = await api.call({ method: 'GET', url: EXPORT });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/yaml/);
    const doc = parseCfnYaml(res.body) as Template;
    assert.equal(containers(doc)[0]!.Image, '#{Octopus.Action.Package[web].Image}');
    assert.deepEqual(doc.Parameters.TaskDefinitionMemory, { Type: 'String', Default: '#{TaskMemory}' });
    assert.deepEqual(doc.Parameters.ClusterName, { Type: 'String' });
  });

  it("evaluates the step's values for an environment, keeping sensitive and unknown ones as expressions", async () => {
    const res = await api.call({ method: 'GET', url: `${EXPORT}?format=json&environment=Prod` });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(
      !res.body.includes(SECRET) && !res.body.includes(SECRET.toUpperCase()),
      'no secret in the export',
    );
    const doc = res.json<Template>();
    assert.deepEqual(doc.Parameters.TaskDefinitionMemory, { Type: 'String', Default: '2048' });
    assert.equal(doc.Resources.Serviceweb!.Properties.ServiceName, 'web-Prod');
    const web = containers(doc)[0]!;
    assert.equal(web.StartTimeout, 60);
    assert.deepEqual(web.Environment, [
      { Name: 'COLOUR', Value: 'green' },
      { Name: 'DB', Value: 'pw=#{DbPassword | ToUpper}' },
      { Name: 'RELEASE', Value: '#{Octopus.Release.Number}' },
    ]);
  });

  it("uses the tenant's values with a tenant", async () => {
    const res = await api.call({ method: 'GET', url: `${EXPORT}?format=json&environment=Dev&tenant=Acme` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(containers(res.json<Template>())[0]!.Environment, [
      { Name: 'COLOUR', Value: 'orange' },
      { Name: 'DB', Value: 'pw=#{DbPassword | ToUpper}' },
      { Name: 'RELEASE', Value: '#{Octopus.Release.Number}' },
    ]);
  });

  it('refuses what it cannot export, saying why', async () => {
    expectError(
      await api.call({ method: 'GET', url: `${PROCESS}/steps/Nope/cloudformation` }),
      404,
      'NOT_FOUND',
      /no step "Nope"/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${PROCESS}/steps/approve/cloudformation` }),
      400,
      'INVALID_INPUT',
      /"manual-intervention" step/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${EXPORT}?tenant=Acme` }),
      400,
      'INVALID_INPUT',
      /needs query\.environment/,
    );
    expectError(
      await api.call({ method: 'GET', url: `${EXPORT}?format=xml` }),
      400,
      'INVALID_INPUT',
      /format must be/,
    );
    expectError(await api.call({ method: 'GET', url: `${EXPORT}?environment=Nowhere` }), 404, 'NOT_FOUND');
  });
});
