/** Releases: the frozen process and variables, version uniqueness, paging, re-snapshots, deletes. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { listAuditEvents } from './audit.js';
import { openReleaseModel, SECRET, type ReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, code, SPACE } from '../../test/kits/store-resources.js';

forEachBackend('releases', (backend) => {
  let m: ReleaseModel;
  it('sets up', async () => {
    m = await openReleaseModel(backend);
  });

  it('creates a release with the process and variables frozen (library sets in include order)', async () => {
    const r = await m.releases.create(SPACE, { ...m.newRelease('1.2.3'), notes: 'first' }, ACTOR);
    assert.match(r.id, /^Releases-/);
    assert.equal(r.version, '1.2.3');
    assert.equal(r.notes, 'first');
    assert.equal(r.createdBy, 'alice');
    assert.equal(r.variablesSnapshotVersion, 1);
    assert.deepEqual(r.processSnapshot, {
      steps: [{ name: 'Deploy', environments: [m.dev.id], channels: [] }],
    });
    assert.deepEqual(r.packages, m.newRelease('1.2.3').packages);
    const vars = await m.releases.variables(SPACE, r.id);
    assert.deepEqual(
      vars.map((v) => [v.name, v.value, v.source]),
      [
        ['Colour', 'blue', { kind: 'project' }],
        ['Password', SECRET, { kind: 'project' }],
        ['Region', 'us-east-1', { kind: 'library', setId: m.setB.id, setName: 'B-set', includeOrder: 0 }],
        ['Region', 'eu-west-1', { kind: 'library', setId: m.setA.id, setName: 'A-set', includeOrder: 1 }],
      ],
    );
    assert.deepEqual(vars[0]!.scope, { environments: [m.dev.id] });
    assert.equal(vars[1]!.type, 'sensitive');
    // The ids are the variables' own (resolution's tie-break), the same as the live set's.
    const live = await m.variables.snapshot(SPACE, m.project.id);
    assert.deepEqual(
      vars.slice(0, 2).map((v) => v.id),
      live.map((v) => v.id),
    );
    assert.deepEqual(await m.releases.get(SPACE, r.id), r);
  });

  it('stores the sensitive value encrypted: no table or audit row holds the plain text', async () => {
    const dump = await sql<{ t: string }>`
      select (select coalesce(json_agg(rv), '[]')::text from release_variables rv) ||
             (select coalesce(json_agg(a), '[]')::text from audit_events a) as t`.execute(m.store.db);
    assert.ok(!dump.rows[0]!.t.includes(SECRET));
    assert.ok(dump.rows[0]!.t.includes('Colour'));
    const row = await m.store.db
      .selectFrom('release_variables')
      .select(['value', 'secret_value'])
      .where('name', '=', 'Password')
      .executeTakeFirstOrThrow();
    assert.equal(row.value, null);
    assert.match(row.secret_value ?? '', /^v1:/);
  });

  it('refuses a version the project already has, ignoring case', async () => {
    await m.releases.create(SPACE, m.newRelease('2.0.0-Beta'), ACTOR);
    await assert.rejects(
      m.releases.create(SPACE, m.newRelease('2.0.0-beta'), ACTOR),
      code(
        'ALREADY_EXISTS',
        /^Release 2\.0\.0-beta of project "web" already exists\. Pass another --version, or deploy the existing one\.$/,
      ),
    );
    const found = await m.releases.findByVersion(SPACE, m.project.id, '2.0.0-BETA');
    assert.equal(found?.version, '2.0.0-Beta');
    assert.equal(await m.releases.findByVersion(SPACE, m.project.id, '9.9.9'), undefined);
  });

  it('says NOT_FOUND for an unknown project, channel or release', async () => {
    await assert.rejects(
      m.releases.create(SPACE, { ...m.newRelease(), projectId: 'Projects-nope' }, ACTOR),
      code('NOT_FOUND'),
    );
    await assert.rejects(
      m.releases.create(SPACE, { ...m.newRelease(), channelId: 'Channels-nope' }, ACTOR),
      code('NOT_FOUND', /channel/),
    );
    await assert.rejects(m.releases.get(SPACE, 'Releases-nope'), code('NOT_FOUND'));
    await assert.rejects(m.releases.variables(SPACE, 'Releases-nope'), code('NOT_FOUND'));
  });

  it('lists newest first, a page at a time, filtered by project and channel', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await m.releases.create(SPACE, m.newRelease(`3.0.${i}`), ACTOR)).id);
    const all = await m.releases.list(SPACE, { limit: 500 }, { projectId: m.project.id });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await m.releases.list(
        SPACE,
        { limit: 2, ...(cursor ? { cursor } : {}) },
        {
          projectId: m.project.id,
        },
      );
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.items.map((r) => r.id),
    );
    assert.deepEqual(seen.slice(0, 5), [...made].reverse());
    const times = all.items.map((r) => r.createdAt.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.deepEqual((await m.releases.list(SPACE, {}, { channelId: 'Channels-none' })).items, []);
    const named = await m.releases.list(SPACE, { name: '3.0.' });
    assert.equal(named.items.length, 5);
    await assert.rejects(m.releases.list(SPACE, { cursor: 'junk' }), code('INVALID_INPUT', /cursor/));
    const versions = await m.releases.versions(SPACE, m.project.id, m.channel.id);
    assert.deepEqual(versions.slice(0, 2), ['3.0.4', '3.0.3']);
    assert.equal(versions.length, all.items.length);
  });

  it('takes the variable snapshot again on updateVariables (audited)', async () => {
    const r = await m.releases.create(SPACE, m.newRelease('4.0.0'), ACTOR);
    const live = await m.variables.list(SPACE, m.setA.id);
    await m.variables.replace(
      SPACE,
      m.setA.id,
      [
        { name: 'Region', value: 'ap-south-1' },
        { name: 'Extra', value: 'x' },
      ],
      live.variablesVersion,
      ACTOR,
    );
    const before = await m.releases.variables(SPACE, r.id);
    assert.equal(
      before.find((v) => v.value === 'ap-south-1'),
      undefined,
    );
    const updated = await m.releases.updateVariables(SPACE, r.id, ACTOR);
    assert.equal(updated.variablesSnapshotVersion, 2);
    const after = await m.releases.variables(SPACE, r.id);
    assert.deepEqual(
      after.map((v) => [v.name, v.value]),
      [
        ['Colour', 'blue'],
        ['Password', SECRET],
        ['Region', 'us-east-1'],
        ['Region', 'ap-south-1'],
        ['Extra', 'x'],
      ],
    );
    const audit = await listAuditEvents(m.store.db, SPACE, { entityType: 'release', entityId: r.id });
    assert.deepEqual(
      audit.items.map((e) => e.action),
      ['update', 'create'],
    );
  });

  it('deletes a release with finished deployments, not one with a deployment in progress', async () => {
    const r = await m.releases.create(SPACE, m.newRelease('5.0.0'), ACTOR);
    const [d] = await m.deployments.create(
      SPACE,
      [
        {
          projectId: m.project.id,
          releaseId: r.id,
          channelId: m.channel.id,
          environmentId: m.dev.id,
          skippedSteps: [],
          comments: '',
          guidedFailure: false,
          prompted: {},
        },
      ],
      ACTOR,
    );
    await assert.rejects(m.releases.delete(SPACE, r.id, ACTOR), code('CONFLICT', /in progress/));
    await m.deployments.transition(d!.id, ['queued'], 'canceled');
    await m.releases.delete(SPACE, r.id, ACTOR);
    await assert.rejects(m.releases.get(SPACE, r.id), code('NOT_FOUND'));
    await assert.rejects(m.deployments.getById(d!.id), code('NOT_FOUND'));
    const left = await m.store.db
      .selectFrom('release_variables')
      .select('id')
      .where('release_id', '=', r.id)
      .execute();
    assert.deepEqual(left, []);
    await assert.rejects(m.releases.delete(SPACE, r.id, ACTOR), code('NOT_FOUND'));
  });
});
