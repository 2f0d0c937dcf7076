/**
 * CloudWatch Logs conformance: a group and stream, PutLogEvents, GetLogEvents and FilterLogEvents.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import { clientConfig, errorName, operationDeclaresError, type Deviation, type Target } from './support.js';

const DEVIATIONS: readonly Deviation[] = [
  {
    call: 'DescribeLogGroups',
    path: 'logGroups[].logGroupClass',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason: 'LogGroup.logGroupClass is in the AWS model (STANDARD by default); moto omits it',
  },
];
const VALUE_BUGS: Readonly<Record<string, string>> = {};

async function roundTrip(r: Recorder): Promise<void> {
  const logs = new CloudWatchLogsClient(clientConfig(r.target));
  await r.record(
    'CreateLogGroup',
    'CreateLogGroup',
    logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' })),
  );
  await r.record(
    'CreateLogStream',
    'CreateLogStream',
    logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/app/1' })),
  );
  const groups = await r.record(
    'DescribeLogGroups',
    'DescribeLogGroups',
    logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' })),
  );
  r.expect(
    'group listed',
    groups.logGroups?.map((g) => g.logGroupName),
    ['/ecs/web'],
  );
  const now = Date.now();
  const put = await r.record(
    'PutLogEvents',
    'PutLogEvents',
    logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamName: 'ecs/app/1',
        logEvents: [
          { timestamp: now - 2000, message: 'starting server' },
          { timestamp: now - 1000, message: 'ERROR cannot connect' },
          { timestamp: now, message: 'listening on 80' },
        ],
      }),
    ),
  );
  r.expect('no rejected events', put.rejectedLogEventsInfo, undefined);
  await r.record(
    'DescribeLogStreams',
    'DescribeLogStreams',
    logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/web' })),
  );
  const events = await r.record(
    'GetLogEvents',
    'GetLogEvents',
    logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/app/1', startFromHead: true }),
    ),
  );
  r.expect(
    'events in order',
    events.events?.map((e) => e.message),
    ['starting server', 'ERROR cannot connect', 'listening on 80'],
  );
  const filtered = await r.record(
    'FilterLogEvents',
    'FilterLogEvents',
    logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/web', filterPattern: 'ERROR' })),
  );
  r.expect(
    'filter matches the term',
    filtered.events?.map((e) => e.message),
    ['ERROR cannot connect'],
  );
  r.expect('filtered event names its stream', filtered.events?.[0]?.logStreamName, 'ecs/app/1');
}

conformanceSuite({
  name: 'CloudWatch Logs: sandbox vs moto',
  service: 'logs',
  deviations: DEVIATIONS,
  valueBugs: VALUE_BUGS,
  scenarios: [{ title: 'round trip: group, stream, put, get, filter', run: roundTrip }],
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const logs = new CloudWatchLogsClient(clientConfig(target));
        return Promise.all([
          errorName(logs.send(new GetLogEventsCommand({ logGroupName: '/no/such', logStreamName: 's' }))),
          errorName(logs.send(new CreateLogStreamCommand({ logGroupName: '/no/such', logStreamName: 's' }))),
        ]);
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      const expected = ['ResourceNotFoundException', 'ResourceNotFoundException'];
      assert.deepEqual(sandbox, expected, 'sandbox');
      assert.deepEqual(moto, expected, 'moto');
      for (const operation of ['GetLogEvents', 'CreateLogStream']) {
        const declared = operationDeclaresError('logs', operation, 'ResourceNotFoundException');
        if (declared !== undefined)
          assert.ok(declared, `the AWS model lists ResourceNotFoundException for ${operation}`);
      }
    });
  },
});
