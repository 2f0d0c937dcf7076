/**
 * The engine runs a cloudformation-deploy step against the sandbox; a later step reads the
 * stack's outputs as `#{Octopus.Action[<step>].Output.AwsOutputs[<OutputKey>]}`. On PGlite only:
 * what is under test is the output variables, not the store.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AwsClients } from '../../aws/clients.js';
import { startSandbox } from '../../sandbox/index.js';
import { openStore, type Store } from '../../store/database.js';
import { CFN_SKIP } from '../../../test/kits/cloudformation.js';
import { sandboxClients } from '../../../test/kits/deploy.js';
import { fakeExecutor, openEngineModel, step, target } from '../../../test/kits/engine.js';
import { seedPgliteDataDir, tempDataDir, type Backend } from '../../../test/helpers/postgres.js';
import { createCloudformationDeployExecutor } from './cloudformation-deploy.js';

const stores: Store[] = [];
const pglite: Backend = {
  kind: 'pglite',
  async freshLocation() {
    const dataDir = tempDataDir();
    await seedPgliteDataDir(dataDir);
    return { dataDir };
  },
  async open(options = {}) {
    const store = await openStore({ ...(await pglite.freshLocation()), ...options });
    stores.push(store);
    return store;
  },
  postgres: () => Promise.reject(new Error('PGlite only')),
};

const TEMPLATE = JSON.stringify({
  Resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/ecs/outputs-web' } } },
  Outputs: {
    LogGroupName: { Value: { Ref: 'Logs' } },
    LogGroupArn: { Value: { 'Fn::GetAtt': ['Logs', 'Arn'] } },
  },
});

describe('cloudformation-deploy outputs feed later steps [pglite]', { skip: CFN_SKIP }, () => {
  let sb: Awaited<ReturnType<typeof startSandbox>>;
  let clients: AwsClients;
  let m: Awaited<ReturnType<typeof openEngineModel>>;

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 50 });
    clients = sandboxClients(sb);
    m = await openEngineModel(pglite);
  });
  afterEach(async () => {
    await m.stopAll();
  });
  after(async () => {
    await m.stopAll();
    clients.destroy();
    await sb.close();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('a later step gets AwsOutputs[StackId], StackName and every stack output', async () => {
    const seen: Record<string, unknown>[] = [];
    const { executor: reader } = fakeExecutor({
      read: async (ctx) => {
        seen.push({ ...ctx.action });
        return { outcome: 'success' };
      },
    });
    const engine = await m.engine([createCloudformationDeployExecutor({ pollSeconds: 0.05 }), reader], {
      deps: { aws: () => Promise.resolve(clients) },
    });
    const out = (name: string) => `#{Octopus.Action[Stack].Output.${name}}`;
    const d = await m.deployment(
      [
        step('Stack', {
          roles: ['web'],
          action: {
            type: 'cloudformation-deploy',
            packages: [],
            stackName: 'outputs-#{Octopus.Environment.Name}',
            template: TEMPLATE,
            parameters: [],
            capabilities: [],
            tags: [],
            disableRollback: false,
            wait: { mode: 'wait', timeoutMinutes: 5 },
          },
        }),
        step('Read', {
          action: {
            type: 'test',
            packages: [],
            behaviour: 'read',
            group: out('AwsOutputs[LogGroupName]'),
            arn: out('AwsOutputs[LogGroupArn]'),
            stackId: out('AwsOutputs[StackId]'),
            stackName: out('StackName'),
          },
        }),
      ],
      { targets: [target('T1', ['web'])] },
    );
    await engine.enqueue([d.id]);
    await engine.waitFor(d.id, 60_000);
    const done = await m.deployments.getById(d.id);
    assert.equal(done.state, 'success', done.error);
    assert.equal(seen.length, 1);
    const read = seen[0]!;
    assert.equal(read.group, '/ecs/outputs-web');
    assert.match(String(read.arn), /^arn:aws:logs:us-east-1:\d{12}:log-group:\/ecs\/outputs-web:\*$/);
    assert.match(
      String(read.stackId),
      /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/outputs-Production\//,
    );
    assert.equal(read.stackName, 'outputs-Production');
    const log = await m.deployments.log(d.id);
    assert.ok(
      log.some(
        (l) => l.code === 'cfn.stack-event' && /Logs - AWS::Logs::LogGroup - CREATE_COMPLETE/.test(l.message),
      ),
    );
  });
});
