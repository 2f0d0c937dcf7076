/** `slipway apply` end to end: a real server and store, the example file, and variations of it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  apply,
  EXAMPLE,
  EXAMPLE_SECRETS,
  startTestServer,
  variant,
  type CommandResult,
  type TestServer,
} from '../kits/config-server.js';

/** Asserts that no secret value was printed. */
function noSecrets(r: CommandResult, secrets: Record<string, string> = EXAMPLE_SECRETS): void {
  for (const value of Object.values(secrets)) {
    assert.ok(
      !r.stdout.includes(value) && !r.stderr.includes(value),
      `a secret was printed:\n${r.stdout}${r.stderr}`,
    );
  }
}

function ok(r: CommandResult): CommandResult {
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r;
}

async function environmentCount(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}/api/spaces/Default/environments`, {
    headers: { authorization: `Bearer ${server.key}` },
  });
  return ((await res.json()) as { items: unknown[] }).items.length;
}

describe('slipway apply', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  const env = EXAMPLE_SECRETS;

  it('prints the plan of a dry run and writes nothing', async () => {
    const r = ok(await apply(server, EXAMPLE, { env, dryRun: true }));
    assert.match(r.stdout, /^Plan for space "Default" at http:\/\/127\.0\.0\.1:\d+:\n/);
    assert.match(r.stdout, /\n {2}\+ create project "hello-color"\n/);
    assert.match(r.stdout, /\n {2}\+ create channel "Beta" of project "hello-color"\n/);
    assert.match(r.stdout, /\n {2}\+ create variables of project "hello-color" \(4 variables\)\n/);
    assert.match(
      r.stdout,
      /\nPlan: 21 to create, 0 to update, 0 unchanged\.\nDry run: nothing was changed\.\n$/,
    );
    assert.equal(await environmentCount(server), 0);
    noSecrets(r);
  });

  it('creates everything in the example; applying it again changes nothing', async () => {
    const first = ok(await apply(server, EXAMPLE, { env }));
    assert.match(first.stdout, /\n {2}\+ created template values of tenant "Acme" \(3 variables\)\n/);
    assert.match(first.stdout, /\nApplied: 21 created, 0 updated, 0 unchanged\.\n$/);
    assert.equal(first.stderr, '');
    noSecrets(first);
    assert.equal(await environmentCount(server), 3);

    const second = ok(await apply(server, EXAMPLE, { env }));
    const lines = second.stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('  = unchanged ')).length, 21, second.stdout);
    assert.deepEqual(lines.slice(-2), [
      'Plan: 0 to create, 0 to update, 21 unchanged.',
      'Nothing to change.',
    ]);
  });

  it('updates only the entity whose field changed, after a dry run that wrote nothing', async () => {
    const file = variant(['url: http://127.0.0.1:5000', 'url: http://127.0.0.1:5001']);
    for (let i = 0; i < 2; i++) {
      const dry = ok(await apply(server, file, { env, dryRun: true }));
      assert.match(dry.stdout, /\n {2}~ update feed "Hub" \(url\)\n/);
      assert.match(dry.stdout, /\nPlan: 0 to create, 1 to update, 20 unchanged\.\n/);
    }
    const r = ok(await apply(server, file, { env }));
    assert.match(
      r.stdout,
      /\n {2}~ updated feed "Hub" \(url\)\nApplied: 0 created, 1 updated, 20 unchanged\.\n$/,
    );
    assert.match(
      ok(await apply(server, file, { env })).stdout,
      /Plan: 0 to create, 0 to update, 21 unchanged\./,
    );
  });

  it('lets the server compare secrets it alone can read', async () => {
    const file = variant(['url: http://127.0.0.1:5000', 'url: http://127.0.0.1:5001']);
    const changed = {
      ...env,
      HELLO_COLOR_FEED_PASSWORD: 'rotated-password-1',
      HELLO_COLOR_API_TOKEN: 'rotated-token-2',
    };
    const r = ok(await apply(server, file, { env: changed }));
    assert.match(r.stdout, /\n {2}~ update feed "Hub" \(password\)\n/);
    assert.match(
      r.stdout,
      /\n {2}~ update variables of project "hello-color" \(0 added, 1 changed, 0 removed\)\n/,
    );
    assert.match(r.stdout, /\nApplied: 0 created, 2 updated, 19 unchanged\.\n$/);
    noSecrets(r, changed);
    assert.match(
      ok(await apply(server, file, { env: changed })).stdout,
      /Plan: 0 to create, 0 to update, 21 unchanged\./,
    );
    // Back to the example's values for the tests that follow.
    ok(await apply(server, EXAMPLE, { env }));
  });

  it('maps variables onto the stored set: a new scope is an added variable, a dropped one removed', async () => {
    const file = variant([
      '        scope: { environments: [Production] }\n      - name: Colour\n        value: purple',
      '        scope: { environments: [Staging] }\n      - name: Colour\n        value: purple',
    ]);
    const r = ok(await apply(server, file, { env }));
    assert.match(r.stdout, /~ update variables of project "hello-color" \(1 added, 0 changed, 1 removed\)/);
    ok(await apply(server, EXAMPLE, { env }));
  });

  it('warns about secrets written in the file, and prints the plan as JSON', async () => {
    const file = variant([
      'password: { env: HELLO_COLOR_FEED_PASSWORD }',
      `password: ${env.HELLO_COLOR_FEED_PASSWORD}`,
    ]);
    const r = ok(await apply(server, file, { env, output: 'json' }));
    assert.equal(
      r.stderr,
      'warning: feeds[0].password is written in the file in plain text; secrets belong in the environment: ' +
        'write { env: NAME } and set NAME.\n',
    );
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      dryRun: boolean;
      summary: unknown;
      entries: { path: string; action: string }[];
    };
    assert.equal(doc.ok, true);
    assert.equal(doc.dryRun, false);
    assert.deepEqual(doc.summary, { create: 0, update: 0, unchanged: 21 });
    assert.deepEqual(doc.entries[0], {
      action: 'unchanged',
      kind: 'environment',
      what: 'environment',
      name: 'Dev',
      path: 'environments[0]',
      changedFields: [],
      outcome: 'unchanged',
    });
    noSecrets(r);
  });

  it('names each missing environment variable and where the file uses it; nothing is sent', async () => {
    const { HELLO_COLOR_API_TOKEN: _token, HELLO_COLOR_FEED_PASSWORD: _pw, ...partial } = env;
    const r = await apply(server, EXAMPLE, { env: partial });
    assert.equal(r.error?.code, 'CONFIG');
    assert.equal(
      r.error?.message,
      'The file refers to environment variables that are not set (nothing was applied):\n' +
        '  feeds[0].password: HELLO_COLOR_FEED_PASSWORD\n' +
        '  projects[0].variables[3].value: HELLO_COLOR_API_TOKEN\n' +
        'Set them and run apply again.',
    );
  });

  it('refuses references to names neither the file nor the space has, before writing anything', async () => {
    const file = variant(
      ['name: Dev\n', 'name: Dev\n  - name: QA\n'],
      ['    lifecycle: Standard', '    lifecycle: Standrad'],
      ['    tags: [Tier/Gold]', '    tags: [Tier/Platinum]'],
    );
    const r = await apply(server, file, { env });
    assert.equal(r.error?.code, 'INVALID_INPUT');
    assert.match(
      r.error?.message ?? '',
      /^The file refers to things that do not exist \(nothing was applied\):\n/,
    );
    assert.match(
      r.error?.message ?? '',
      /\n {2}projects\[0\]\.lifecycle: there is no lifecycle "Standrad" in the file or in space "Default"/,
    );
    assert.match(
      r.error?.message ?? '',
      /\n {2}tenants\[0\]\.tags\[0\]: there is no tenant tag "Tier\/Platinum"/,
    );
    assert.equal(await environmentCount(server), 3, 'QA was not created');
  });

  it('refuses an invalid file, naming the place and its line', async () => {
    const file = variant(['    tenantedMode: both', '    tenantedMode: sometimes']);
    const r = await apply(server, file, { env });
    assert.equal(r.error?.code, 'INVALID_INPUT');
    assert.match(
      r.error?.message ?? '',
      /is not a valid Slipway configuration \(nothing was applied\):\n {2}projects\[0\]\.tenantedMode \(line \d+\): /,
    );
  });
});

describe('slipway apply that fails halfway', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('stops at the failing entity, keeps what was applied, exits 1; a fixed file finishes the job', async () => {
    const file = variant(['template: LogRetentionDays', 'template: LogRetentionWeeks']);
    const r = await apply(server, file, { env: EXAMPLE_SECRETS });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\n {2}\+ created variables of project "hello-color" \(4 variables\)\n$/);
    assert.match(
      r.stderr,
      /^error: Failed to create template values of tenant "Acme" \(tenants\[0\]\.variables\): .*LogRetentionWeeks/,
    );
    assert.match(
      r.stderr,
      /\n20 changes before it stayed applied \(20 created, 0 updated\); 0 changes after it were not applied\./,
    );

    const fixed = ok(await apply(server, EXAMPLE, { env: EXAMPLE_SECRETS }));
    assert.match(fixed.stdout, /\nPlan: 0 to create, 1 to update, 20 unchanged\.\n/);
  });
});
