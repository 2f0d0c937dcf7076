/** Deployments: guarded state changes, prompted values, step progress, the task log, interruptions. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { listAuditEvents } from './audit.js';
import type { NewDeployment } from './deployments.js';
import { openReleaseModel, type ReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, code, SPACE } from '../../test/kits/store-resources.js';

const PROMPTED_SECRET = 'prompted-s3cret-value';

forEachBackend('deployments', (backend) => {
  let m: ReleaseModel;
  let releaseId: string;
  const deployment = (over: Partial<NewDeployment> = {}): NewDeployment => ({
    projectId: m.project.id,
    releaseId,
    channelId: m.channel.id,
    environmentId: m.dev.id,
    skippedSteps: [],
    comments: '',
    guidedFailure: false,
    prompted: {},
    ...over,
  });
  const one = async (over: Partial<NewDeployment> = {}) => {
    const [d] = await m.deployments.create(SPACE, [deployment(over)], ACTOR);
    return d!;
  };

  it('sets up', async () => {
    m = await openReleaseModel(backend);
    releaseId = (await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR)).id;
  });

  it('creates queued deployments, one per tenant, audited without prompted values', async () => {
    const made = await m.deployments.create(
      SPACE,
      [
        deployment({ tenantId: 'Tenants-a', prompted: { Token: PROMPTED_SECRET, Reason: 'hotfix' } }),
        deployment({ tenantId: 'Tenants-b', skippedSteps: ['Deploy'], comments: 'hi', guidedFailure: true }),
      ],
      ACTOR,
    );
    assert.equal(made.length, 2);
    const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
    assert.match(a.id, /^Deployments-/);
    assert.equal(a.state, 'queued');
    assert.equal(a.tenantId, 'Tenants-a');
    assert.deepEqual(a.promptedNames, ['Reason', 'Token']);
    assert.equal(a.startedAt, undefined);
    assert.deepEqual(b.skippedSteps, ['Deploy']);
    assert.equal(b.guidedFailure, true);
    assert.deepEqual(await m.deployments.get(SPACE, a.id), a);
    assert.deepEqual(await m.deployments.prompted(a.id), { Token: PROMPTED_SECRET, Reason: 'hotfix' });
    assert.deepEqual(await m.deployments.prompted(b.id), {});
    const dump = await sql<{ t: string }>`
      select (select json_agg(d)::text from deployments d) ||
             (select json_agg(e)::text from audit_events e) as t`.execute(m.store.db);
    assert.ok(!dump.rows[0]!.t.includes(PROMPTED_SECRET));
    const audit = await listAuditEvents(m.store.db, SPACE, { entityType: 'deployment', entityId: a.id });
    assert.equal(audit.items[0]?.action, 'create');
    await assert.rejects(m.deployments.get('Spaces-other', a.id), code('NOT_FOUND'));
    await assert.rejects(m.deployments.getById('Deployments-nope'), code('NOT_FOUND'));
    await assert.rejects(one({ releaseId: 'Releases-nope' }), code('NOT_FOUND'));
  });

  it('moves state only from the states given, stamping start and finish', async () => {
    const d = await one();
    assert.equal(await m.deployments.transition(d.id, ['executing'], 'success'), undefined);
    const running = await m.deployments.transition(d.id, ['queued'], 'executing');
    assert.equal(running?.state, 'executing');
    assert.equal(running?.version, d.version + 1);
    assert.ok(running?.startedAt);
    assert.equal(running?.finishedAt, undefined);
    const canceled = await m.deployments.transition(d.id, ['executing', 'cancelling'], 'canceled', {
      error: 'canceled by alice',
    });
    assert.equal(canceled?.state, 'canceled');
    assert.ok(canceled?.finishedAt);
    assert.equal(canceled?.error, 'canceled by alice');
    // A canceled deployment never becomes success.
    assert.equal(await m.deployments.transition(d.id, ['executing'], 'success'), undefined);
    assert.equal((await m.deployments.getById(d.id)).state, 'canceled');
    assert.equal(await m.deployments.transition(d.id, [], 'success'), undefined);
  });

  it('lets exactly one of several concurrent transitions win', async () => {
    const d = await one();
    const results = await Promise.all(
      (['executing', 'canceled', 'failed', 'timed-out', 'executing'] as const).map((to) =>
        m.deployments.transition(d.id, ['queued'], to),
      ),
    );
    const winners = results.filter((r) => r !== undefined);
    assert.equal(winners.length, 1);
    const now = await m.deployments.getById(d.id);
    assert.equal(now.state, winners[0]!.state);
    assert.equal(now.version, d.version + 1);
  });

  it('upserts and reads step progress, outputs encrypted', async () => {
    const d = await one();
    await m.deployments.saveStep(d.id, {
      step: 0,
      targetId: 'EcsTargets-1',
      state: 'running',
      progress: { taskDefinition: 'arn:td:1' },
      outputs: {},
      sensitiveOutputs: [],
    });
    await m.deployments.saveStep(d.id, {
      step: 1,
      targetId: '',
      state: 'success',
      progress: {},
      outputs: { Url: 'http://x', Key: 'output-s3cret' },
      sensitiveOutputs: ['Key'],
    });
    await m.deployments.saveStep(d.id, {
      step: 0,
      targetId: 'EcsTargets-1',
      state: 'success',
      progress: { taskDefinition: 'arn:td:1', deployment: 'ecs-svc/1' },
      outputs: { Done: 'yes' },
      sensitiveOutputs: [],
    });
    const steps = await m.deployments.steps(d.id);
    assert.deepEqual(steps, [
      {
        step: 0,
        targetId: 'EcsTargets-1',
        state: 'success',
        progress: { taskDefinition: 'arn:td:1', deployment: 'ecs-svc/1' },
        outputs: { Done: 'yes' },
        sensitiveOutputs: [],
      },
      {
        step: 1,
        targetId: '',
        state: 'success',
        progress: {},
        outputs: { Url: 'http://x', Key: 'output-s3cret' },
        sensitiveOutputs: ['Key'],
      },
    ]);
    const raw = await sql<{ t: string }>`select json_agg(s)::text as t from deployment_steps s`.execute(
      m.store.db,
    );
    assert.ok(!raw.rows[0]!.t.includes('output-s3cret'));
    await assert.rejects(m.deployments.saveStep('Deployments-nope', { ...steps[0]! }), code('NOT_FOUND'));
  });

  it('appends log lines with unique, ordered seqs under concurrent appends; log(after) resumes', async () => {
    const d = await one();
    const at = new Date('2026-01-01T00:00:00.000Z');
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        m.deployments.appendLog(
          d.id,
          Array.from({ length: 5 }, (_, i) => ({
            path: w % 2 === 0 ? [] : ['Deploy', 'EcsTargets-1'],
            level: 'info' as const,
            at,
            message: `w${w}-${i}`,
          })),
        ),
      ),
    );
    const lines = await m.deployments.log(d.id);
    assert.deepEqual(
      lines.map((l) => l.seq),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    // Each batch keeps its own order, in consecutive seqs.
    for (let w = 0; w < 8; w++) {
      const mine = lines.filter((l) => l.message.startsWith(`w${w}-`));
      assert.deepEqual(
        mine.map((l) => l.message),
        [0, 1, 2, 3, 4].map((i) => `w${w}-${i}`),
      );
      assert.equal(mine.at(-1)!.seq - mine[0]!.seq, 4);
      assert.deepEqual(mine[0]!.path, w % 2 === 0 ? [] : ['Deploy', 'EcsTargets-1']);
    }
    assert.deepEqual(lines[0]!.at, at);
    const after = await m.deployments.log(d.id, 37);
    assert.deepEqual(
      after.map((l) => l.seq),
      [38, 39, 40],
    );
    assert.deepEqual(
      (await m.deployments.log(d.id, 10, 2)).map((l) => l.seq),
      [11, 12],
    );
    await m.deployments.appendLog(d.id, []);
    await assert.rejects(
      m.deployments.appendLog('Deployments-nope', [{ path: [], level: 'info', at, message: 'x' }]),
      code('NOT_FOUND'),
    );
  });

  it('answers an interruption once (CONFLICT after), audited', async () => {
    const d = await one();
    const i = await m.deployments.interrupt(d.id, {
      kind: 'manual-intervention',
      step: 'Approve',
      title: 'Approve the release',
      instructions: 'Check Dev',
      responsibleTeamIds: ['Teams-1'],
    });
    assert.match(i.id, /^Interruptions-/);
    assert.equal(i.answer, undefined);
    assert.deepEqual(await m.deployments.interruptions(d.id), [i]);
    assert.deepEqual(await m.deployments.getInterruption(SPACE, i.id), i);
    await assert.rejects(m.deployments.getInterruption('Spaces-other', i.id), code('NOT_FOUND'));
    await assert.rejects(
      m.deployments.answer(SPACE, i.id, 'retry', '', ACTOR),
      code('INVALID_INPUT', /proceed/),
    );
    const results = await Promise.allSettled([
      m.deployments.answer(SPACE, i.id, 'proceed', 'looks fine', ACTOR),
      m.deployments.answer(SPACE, i.id, 'abort', 'no', { actor: 'bob' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected);
    assert.ok(code('CONFLICT', /already answered/)(rejected.reason));
    const answered = await m.deployments.getInterruption(SPACE, i.id);
    assert.ok(answered.answer === 'proceed' || answered.answer === 'abort');
    assert.ok(answered.answeredAt);
    const audit = await listAuditEvents(m.store.db, SPACE, { entityType: 'interruption', entityId: i.id });
    assert.equal(audit.items.length, 1);
    await assert.rejects(m.deployments.answer(SPACE, i.id, 'proceed', '', ACTOR), code('CONFLICT'));
  });

  it('finds the latest deployment per project, environment and tenant', async () => {
    const store = await openReleaseModel(backend);
    const r1 = (await store.releases.create(SPACE, store.newRelease('1.0.0'), ACTOR)).id;
    const r2 = (await store.releases.create(SPACE, store.newRelease('2.0.0'), ACTOR)).id;
    const mk = async (release: string, env: string, tenantId?: string) => {
      const [d] = await store.deployments.create(
        SPACE,
        [
          {
            projectId: store.project.id,
            releaseId: release,
            channelId: store.channel.id,
            environmentId: env,
            ...(tenantId ? { tenantId } : {}),
            skippedSteps: [],
            comments: '',
            guidedFailure: false,
            prompted: {},
          },
        ],
        ACTOR,
      );
      return d!;
    };
    const expected = new Set<string>();
    await mk(r1, store.dev.id);
    expected.add((await mk(r2, store.dev.id)).id);
    expected.add((await mk(r1, store.prod.id)).id);
    await mk(r1, store.dev.id, 'Tenants-a');
    expected.add((await mk(r1, store.dev.id, 'Tenants-a')).id);
    expected.add((await mk(r2, store.dev.id, 'Tenants-b')).id);
    const latest = await store.deployments.latestPerEnvironment(SPACE);
    assert.deepEqual(new Set(latest.map((d) => d.id)), expected);
    assert.equal(latest.length, 4);
    assert.equal((await store.deployments.latestPerEnvironment(SPACE, [store.project.id])).length, 4);
    assert.deepEqual(await store.deployments.latestPerEnvironment(SPACE, ['Projects-other']), []);
    assert.deepEqual(await store.deployments.latestPerEnvironment(SPACE, []), []);
  });

  it('reports per environment where a release succeeded or was tried, per tenant', async () => {
    const r = (await m.releases.create(SPACE, m.newRelease('7.0.0'), ACTOR)).id;
    const ok = await one({ releaseId: r, environmentId: m.dev.id });
    await m.deployments.transition(ok.id, ['queued'], 'executing');
    await m.deployments.transition(ok.id, ['executing'], 'success');
    const failed = await one({ releaseId: r, environmentId: m.prod.id });
    await m.deployments.transition(failed.id, ['queued'], 'failed');
    const tenanted = await one({ releaseId: r, environmentId: m.prod.id, tenantId: 'Tenants-a' });
    await m.deployments.transition(tenanted.id, ['queued'], 'success');
    const untenanted = await m.deployments.releaseProgress(r, undefined);
    assert.deepEqual(untenanted.succeeded, [m.dev.id]);
    assert.deepEqual(untenanted.attempted.sort(), [m.dev.id, m.prod.id].sort());
    assert.deepEqual(await m.deployments.releaseProgress(r, 'Tenants-a'), {
      succeeded: [m.prod.id],
      attempted: [m.prod.id],
    });
    assert.deepEqual(await m.deployments.releaseProgress(r, 'Tenants-z'), { succeeded: [], attempted: [] });
  });

  it('lists newest first with filters and a cursor', async () => {
    const all = await m.deployments.list(SPACE, { limit: 500 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await m.deployments.list(SPACE, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.items.map((d) => d.id),
    );
    assert.ok(all.items.length > 5);
    const tenantA = await m.deployments.list(SPACE, {}, { tenantId: 'Tenants-a' });
    assert.ok(tenantA.items.length > 0 && tenantA.items.every((d) => d.tenantId === 'Tenants-a'));
    const finished = await m.deployments.list(SPACE, {}, { states: ['success', 'failed'] });
    assert.ok(finished.items.every((d) => d.state === 'success' || d.state === 'failed'));
    assert.ok(finished.items.length >= 3);
    assert.deepEqual((await m.deployments.list(SPACE, {}, { states: [] })).items, []);
  });
});
