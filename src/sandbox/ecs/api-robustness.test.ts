import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AwsError } from '../errors.js';
import type { CallContext } from '../service.js';
import { regionOf } from '../world.js';
import { ecsService } from './api.js';
import { rawEcs, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';

let env: EcsTestEnv;

before(async () => {
  env = await startEcsEnv();
  await rawEcs(env.sb, 'CreateCluster', { clusterName: 'default' });
  await rawEcs(env.sb, 'RegisterTaskDefinition', {
    family: 'f',
    containerDefinitions: [{ name: 'a', image: 'i', memory: 64 }],
  });
});
after(() => env.close());

/** Values of every JSON type, wrong for most fields. */
const WRONG = [
  null,
  7,
  -1,
  'x',
  '',
  true,
  [],
  ['x'],
  [7],
  {},
  { a: 1 },
  'arn:aws:ecs:us-east-1:000000000000:bogus/x',
];
const FIELDS = [
  'cluster',
  'clusterName',
  'clusters',
  'service',
  'services',
  'serviceName',
  'taskDefinition',
  'taskDefinitions',
  'family',
  'containerDefinitions',
  'desiredCount',
  'count',
  'tasks',
  'task',
  'include',
  'maxResults',
  'nextToken',
  'launchType',
  'networkConfiguration',
  'deploymentConfiguration',
  'loadBalancers',
  'tags',
  'tagKeys',
  'resourceArn',
  'status',
  'sort',
  'familyPrefix',
  'containerInstance',
  'containerInstances',
  'clientToken',
  'force',
  'forceNewDeployment',
  'healthCheckGracePeriodSeconds',
  'overrides',
  'startedBy',
  'desiredStatus',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'networkMode',
  'capacityProviderStrategy',
];

it('answers every malformed request with an AWS error, never a 500', async () => {
  // Through HTTP once, to see the server's mapping...
  const r = await rawEcs(env.sb, 'CreateService', { cluster: 7 });
  assert.equal(r.status, 400);
  assert.equal(r.json.__type, 'InvalidParameterException');
  // ...then the handlers directly (thousands of calls): anything but an AwsError would be a 500.
  const { sb, account } = env;
  const ctx: CallContext = {
    account,
    regionState: regionOf(account, sb.region),
    region: sb.region,
    accessKeyId: sb.credentials.accessKeyId,
    callerArn: `arn:aws:iam::${account.id}:root`,
    requestId: 'fuzz',
    now: sb.runtime.now(),
    sandbox: sb.runtime,
  };
  const actions = Object.entries(ecsService.actions);
  assert.ok(actions.length >= 24);
  const base: Record<string, unknown> = {
    cluster: 'default',
    family: 'f',
    taskDefinition: 'f',
    serviceName: 'fz',
  };
  for (const [action, handler] of actions) {
    const bodies: Record<string, unknown>[] = [{}, base];
    for (const field of FIELDS) for (const v of WRONG) bodies.push({ ...base, [field]: v });
    for (const body of bodies) {
      try {
        await handler(structuredClone(body), ctx);
      } catch (e) {
        assert.ok(e instanceof AwsError, `${action} ${JSON.stringify(body)} threw ${String(e)}`);
        assert.ok(e.status < 500);
      }
    }
  }
});
