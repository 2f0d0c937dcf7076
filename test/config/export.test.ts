/** `slipway export` end to end, and the round trip apply → export → apply. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { tempDataDir } from '../helpers/postgres.js';
import {
  apply,
  EXAMPLE_SECRETS,
  exportSpace,
  startTestServer,
  variant,
  type TestServer,
} from '../kits/config-server.js';

/** What export names each of the example's secrets. */
const EXPORTED_SECRETS = {
  SLIPWAY_SECRET_AWS_ACCOUNT_PRODUCTION_ACCOUNT_SECRET_ACCESS_KEY:
    EXAMPLE_SECRETS.HELLO_COLOR_AWS_SECRET_ACCESS_KEY,
  SLIPWAY_SECRET_FEED_HUB_PASSWORD: EXAMPLE_SECRETS.HELLO_COLOR_FEED_PASSWORD,
  SLIPWAY_SECRET_PROJECT_HELLO_COLOR_API_TOKEN: EXAMPLE_SECRETS.HELLO_COLOR_API_TOKEN,
  SLIPWAY_SECRET_TENANT_ACME_HELLO_COLOR_PRODUCTION_API_TOKEN: EXAMPLE_SECRETS.HELLO_COLOR_ACME_API_TOKEN,
};

describe('slipway export', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    // Teams are not in files, but a process may name one: export writes its name, apply finds it.
    const team = await fetch(`${server.url}/api/spaces/Default/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Approvers' }),
    });
    assert.equal(team.status, 201, await team.text());
    const file = variant([
      'instructions: Check hello-color in Staging first.',
      'instructions: Check hello-color in Staging first.\n            responsibleTeams: [Approvers]',
    ]);
    const r = await apply(server, file, { env: EXAMPLE_SECRETS });
    assert.equal(r.code, 0, r.error?.message ?? r.stdout + r.stderr);
  });
  after(() => server.close());

  it('writes the space with names and { env } references, never a secret value', async () => {
    const r = await exportSpace(server);
    assert.equal(r.code, 0, r.error?.message);
    for (const value of Object.values(EXAMPLE_SECRETS))
      assert.ok(!r.stdout.includes(value), 'a secret was exported');
    assert.ok(!/Environments-|Projects-|Lifecycles-|AwsAccounts-/.test(r.stdout), 'an id was exported');
    const doc = parse(r.stdout) as Record<string, Record<string, unknown>[]>;
    assert.equal(doc.apiVersion, 'slipway/v1' as unknown);
    const project = doc.projects?.[0] ?? {};
    assert.equal(project.lifecycle, 'Standard');
    assert.deepEqual(project.librarySets, ['Logging']);
    const feed = doc.feeds?.find((f) => f.name === 'Hub');
    assert.deepEqual(feed?.password, { env: 'SLIPWAY_SECRET_FEED_HUB_PASSWORD' });
    assert.match(r.stdout, /\n {12}responsibleTeams: \[Approvers\]\n/);
    assert.match(r.stdout, /\n {4}password: \{env: SLIPWAY_SECRET_FEED_HUB_PASSWORD\}\n/);
    assert.match(r.stderr, /^Exported space "Default": 3 environments, 1 tagSets, 2 awsAccounts, /);
    assert.match(
      r.stderr,
      /set them before applying it:\n(?: {2}SLIPWAY_SECRET_\w+\n){4}$/,
      'the secrets are listed by name',
    );
    for (const name of Object.keys(EXPORTED_SECRETS)) assert.ok(r.stderr.includes(`  ${name}\n`), name);
  });

  it('writes JSON with --format json, the same document', async () => {
    const yaml = await exportSpace(server);
    const json = await exportSpace(server, { format: 'json' });
    assert.deepEqual(JSON.parse(json.stdout), parse(yaml.stdout));
  });

  it('round trip: applying the export (with its variables set) changes nothing', async () => {
    const r = await exportSpace(server);
    const file = join(tempDataDir(), 'exported.yaml');
    writeFileSync(file, r.stdout);
    const again = await apply(server, file, { env: EXPORTED_SECRETS });
    assert.equal(again.code, 0, again.error?.message ?? again.stdout + again.stderr);
    assert.match(again.stdout, /\nPlan: 0 to create, 0 to update, 21 unchanged\.\nNothing to change\.\n$/);
    assert.equal(again.stderr, '');

    // The secrets are really compared: another value is an update.
    const other = { ...EXPORTED_SECRETS, SLIPWAY_SECRET_FEED_HUB_PASSWORD: 'not-the-same-password' };
    const dry = await apply(server, file, { env: other, dryRun: true });
    assert.match(dry.stdout, /\n {2}~ update feed "Hub" \(password\)\n/);
  });
});
