import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type SandboxHandle } from '../index.js';
import { regionOf } from '../world.js';
import { appendLogLines } from './write.js';
import { compilePattern } from './pattern.js';

async function rejects(p: Promise<unknown>, name: string, message?: string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (message) assert.equal(err.message, message);
    return true;
  });
}

describe('CloudWatch Logs', () => {
  let sb: SandboxHandle;
  let logs: CloudWatchLogsClient;
  let t0: number;

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 1, throttling: false });
    logs = new CloudWatchLogsClient({
      endpoint: sb.endpoint,
      region: sb.region,
      credentials: sb.credentials,
    });
    t0 = Math.floor(sb.runtime.now()) - 60_000;
  });
  after(() => sb.close());

  it('creates, describes and deletes log groups', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/web', tags: { team: 'web' } }));
    await rejects(
      logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' })),
      'ResourceAlreadyExistsException',
      'The specified log group already exists',
    );
    await rejects(
      logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name' })),
      'InvalidParameterException',
    );
    for (let i = 0; i < 5; i++) await logs.send(new CreateLogGroupCommand({ logGroupName: `/page/g${i}` }));
    const d = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    assert.equal(d.logGroups?.length, 1);
    const g = d.logGroups?.[0];
    assert.equal(g?.logGroupName, '/ecs/web');
    assert.equal(g?.arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*');
    assert.equal(g?.logGroupArn, 'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web');
    assert.equal(typeof g?.creationTime, 'number');
    const names: string[] = [];
    let pages = 0;
    for await (const p of paginateDescribeLogGroups(
      { client: logs, pageSize: 2 },
      { logGroupNamePrefix: '/page/' },
    )) {
      pages++;
      names.push(...(p.logGroups ?? []).map((x) => x.logGroupName ?? ''));
    }
    assert.equal(pages, 3);
    assert.deepEqual(names, ['/page/g0', '/page/g1', '/page/g2', '/page/g3', '/page/g4']);
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/page/g0' }));
    await rejects(
      logs.send(new DeleteLogGroupCommand({ logGroupName: '/page/g0' })),
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    );
  });

  it('creates and describes streams in order', async () => {
    for (const s of ['b', 'a', 'c']) {
      await logs.send(
        new CreateLogStreamCommand({ logGroupName: '/ecs/web', logStreamName: `web/app/${s}` }),
      );
    }
    await rejects(
      logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/web', logStreamName: 'web/app/a' })),
      'ResourceAlreadyExistsException',
      'The specified log stream already exists',
    );
    await rejects(
      logs.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 'x' })),
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    );
    const byName = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/ecs/web', descending: true }),
    );
    assert.deepEqual(
      byName.logStreams?.map((s) => s.logStreamName),
      ['web/app/c', 'web/app/b', 'web/app/a'],
    );
    assert.equal(
      byName.logStreams?.[0]?.arn,
      'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:log-stream:web/app/c',
    );
    const page = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/web', limit: 2 }));
    assert.equal(page.logStreams?.length, 2);
    const rest = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/ecs/web', limit: 2, nextToken: page.nextToken }),
    );
    assert.deepEqual(
      rest.logStreams?.map((s) => s.logStreamName),
      ['web/app/c'],
    );
    assert.equal(rest.nextToken, undefined);
    await rejects(
      logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: '/ecs/web',
          orderBy: 'LastEventTime',
          logStreamNamePrefix: 'w',
        }),
      ),
      'InvalidParameterException',
    );
  });

  it('puts events and reads them back with tokens', async () => {
    const events = Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + i * 1000, message: `line ${i}` }));
    const put = await logs.send(
      new PutLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'web/app/a', logEvents: events }),
    );
    assert.ok(put.nextSequenceToken);
    assert.equal(put.rejectedLogEventsInfo, undefined);
    await rejects(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: '/ecs/web',
          logStreamName: 'web/app/a',
          logEvents: [
            { timestamp: t0 + 5, message: 'late' },
            { timestamp: t0, message: 'early' },
          ],
        }),
      ),
      'InvalidParameterException',
      'Log events in a single PutLogEvents request must be in chronological order.',
    );
    await rejects(
      logs.send(
        new PutLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'nope', logEvents: events }),
      ),
      'ResourceNotFoundException',
      'The specified log stream does not exist.',
    );
    await rejects(
      logs.send(new PutLogEventsCommand({ logGroupName: '/nope', logStreamName: 'a', logEvents: events })),
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    );
    const old = await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamName: 'web/app/b',
        logEvents: [
          { timestamp: t0 - 20 * 86400_000, message: 'ancient' },
          { timestamp: t0, message: 'fine' },
          { timestamp: t0 + 5 * 3600_000, message: 'future' },
        ],
      }),
    );
    assert.deepEqual(old.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });

    // From the head, 4 at a time, until the forward token comes back unchanged.
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await logs.send(
        new GetLogEventsCommand({
          logGroupName: '/ecs/web',
          logStreamName: 'web/app/a',
          startFromHead: true,
          limit: 4,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      seen.push(...(r.events ?? []).map((e) => e.message ?? ''));
      if (token && r.nextForwardToken === token) break;
      token = r.nextForwardToken;
    }
    assert.deepEqual(
      seen,
      events.map((e) => e.message),
    );
    // The latest events by default; then backwards.
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'web/app/a', limit: 3 }),
    );
    assert.deepEqual(
      tail.events?.map((e) => e.message),
      ['line 7', 'line 8', 'line 9'],
    );
    const back = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamName: 'web/app/a',
        limit: 3,
        nextToken: tail.nextBackwardToken,
      }),
    );
    assert.deepEqual(
      back.events?.map((e) => e.message),
      ['line 4', 'line 5', 'line 6'],
    );
    const window = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamName: 'web/app/a',
        startTime: t0 + 2000,
        endTime: t0 + 4000,
        startFromHead: true,
      }),
    );
    assert.deepEqual(
      window.events?.map((e) => e.message),
      ['line 2', 'line 3'],
    );
    await rejects(
      logs.send(
        new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'web/app/a', nextToken: 'junk' }),
      ),
      'InvalidParameterException',
    );

    const streams = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/ecs/web', orderBy: 'LastEventTime', descending: true }),
    );
    assert.equal(streams.logStreams?.[0]?.logStreamName, 'web/app/a');
    assert.equal(streams.logStreams?.[0]?.lastEventTimestamp, t0 + 9000);
  });

  it('filters events across streams with terms and phrases', async () => {
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamName: 'web/app/c',
        logEvents: [
          { timestamp: t0 + 500, message: 'ERROR connection refused' },
          { timestamp: t0 + 1500, message: 'INFO connection ok' },
        ],
      }),
    );
    const errors = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/ecs/web', filterPattern: 'ERROR' }),
    );
    assert.deepEqual(
      errors.events?.map((e) => [e.logStreamName, e.message]),
      [['web/app/c', 'ERROR connection refused']],
    );
    assert.ok(errors.events?.[0]?.eventId);
    const phrase = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/ecs/web', filterPattern: '"connection ok"' }),
    );
    assert.equal(phrase.events?.length, 1);
    const interleaved = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamNames: ['web/app/a', 'web/app/c'],
        endTime: t0 + 2000,
      }),
    );
    assert.deepEqual(
      interleaved.events?.map((e) => e.message),
      ['line 0', 'ERROR connection refused', 'line 1', 'INFO connection ok'],
    );
    const prefixed = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/ecs/web', logStreamNamePrefix: 'web/app/b' }),
    );
    assert.deepEqual(
      prefixed.events?.map((e) => e.message),
      ['fine'],
    );
    const all: string[] = [];
    let pages = 0;
    for await (const p of paginateFilterLogEvents(
      { client: logs, pageSize: 5 },
      { logGroupName: '/ecs/web' },
    )) {
      pages++;
      all.push(...(p.events ?? []).map((e) => e.message ?? ''));
    }
    assert.equal(all.length, 13);
    assert.equal(pages, 3);
    await rejects(
      logs.send(new FilterLogEventsCommand({ logGroupName: '/nope' })),
      'ResourceNotFoundException',
    );
  });

  it('compiles filter patterns', () => {
    const m = compilePattern('ERROR -timeout "user 42"');
    assert.equal(m('ERROR for user 42'), true);
    assert.equal(m('ERROR timeout for user 42'), false);
    assert.equal(m('ERROR for user 43'), false);
    const any = compilePattern('?WARN ?ERROR');
    assert.equal(any('a WARN'), true);
    assert.equal(any('INFO'), false);
    assert.equal(compilePattern('')('anything'), true);
  });

  it('appendLogLines writes what the API reads', async () => {
    const region = regionOf(sb.runtime.world.accounts['000000000000']!, 'us-east-1');
    appendLogLines(region, '/ecs/absent', 's', [{ timestamp: t0, message: 'dropped' }], false);
    assert.equal(region.logs.groups['/ecs/absent'], undefined);
    appendLogLines(region, '/ecs/driver', 'ecs/app/task1', [{ timestamp: t0, message: 'started' }], true);
    appendLogLines(region, '/ecs/driver', 'ecs/app/task1', [{ timestamp: t0 + 1, message: 'ready' }], false);
    const r = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/driver',
        logStreamName: 'ecs/app/task1',
        startFromHead: true,
      }),
    );
    assert.deepEqual(
      r.events?.map((e) => e.message),
      ['started', 'ready'],
    );
  });
});
