/**
 * Secrets end to end: a sensitive project variable and an AWS account's secret key, used by an
 * "Update Amazon ECS Service" step (container environment) and by scripts that echo them plainly,
 * on stderr, into output variables and on into a later step. The ECS service gets the value as a
 * secret (a SecureString parameter its execution role reads at task start, never its task
 * definition); the task log (pages and the live stream), every API answer and every row of the
 * store never hold it in plain text.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { z } from 'zod';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { deploymentSchema, releaseSchema } from '../../src/cli/ci/schemas.js';
import { startWorld, type World, type WorldAccount } from '../helpers/slipway-world.js';

const MASK = '********';

const CONFIG = (accessKeyId: string) => `
apiVersion: slipway/v1
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: us-east-1 }
  - name: Vault AWS
    mode: keys
    accessKeyId: ${accessKeyId}
    secretAccessKey: { env: VAULT_AWS_SECRET }
    region: us-east-1
feeds:
  - { name: Sandbox ECR, type: ecr, region: us-east-1, awsAccount: Sandbox }
lifecycles:
  - name: Dev only
    phases:
      - { name: Development, manualEnvironments: [Dev] }
projects:
  - name: vault
    lifecycle: Dev only
    process:
      steps:
        - name: Deploy
          roles: [vault]
          action:
            type: ecs-update-service
            service: vault
            timeoutMinutes: 10
            packages:
              - { name: vault, feed: Sandbox ECR, image: vault }
            containers:
              - name: app
                image: vault
                environment:
                  - { name: DB_USER, value: admin }
                  - { name: DB_PASSWORD, value: '#{DbPassword}' }
        - name: Script
          roles: [vault]
          action:
            type: run-script
            syntax: bash
            script: |
              echo "password is #{DbPassword}"
              echo "from the helper: $(get_octopusvariable DbPassword)"
              echo "on stderr: #{DbPassword}" >&2
              echo "aws secret key: $AWS_SECRET_ACCESS_KEY"
              set_octopusvariable "Echoed" "#{DbPassword}"
              token="$(printf '%s' "#{DbPassword}" | rev)"
              set_octopusvariable "Token" "$token" -sensitive
              echo "token: $token"
        - name: Later
          action:
            type: run-script
            syntax: node
            script: |
              console.log('echoed output: ' + getVariable('Octopus.Action[Script].Output.Echoed'));
              console.log('token output: ' + getVariable('Octopus.Action[Script].Output.Token'));
              console.log('password again: ' + getVariable('DbPassword'));
    variables:
      - name: DbPassword
        type: sensitive
        value: { env: VAULT_DB_PASSWORD }
        description: The database password.
ecsTargets:
  - name: vault-apps
    awsAccount: Vault AWS
    region: us-east-1
    cluster: apps
    roles: [vault]
    environments: [Dev]
`;

/** A secret as written, and in base64 (how the bash helpers carry variables to a script). */
function forms(secrets: readonly string[]): string[] {
  return [...secrets, ...secrets.map((s) => Buffer.from(s).toString('base64'))];
}

const pageSchema = z.object({ items: z.array(z.unknown()), nextCursor: z.string().optional() });
const logPageSchema = z.object({
  items: z.array(z.object({ seq: z.number(), path: z.array(z.string()), message: z.string() })),
  nextAfter: z.number(),
});

describe('secrets end to end: masked in the log, absent from the API and the store, present in ECS', () => {
  let world: World;
  let account: WorldAccount;
  let repository: string;
  // Random, so that no fixture anywhere could hold them by chance.
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const token = [...password].reverse().join('');
  let deploymentId: string;
  let releaseId: string;
  /** Every form of every secret that must never show in the log or the API. */
  let forbidden: string[];

  before(async () => {
    world = await startWorld({ timeScale: 300 });
    account = await world.createAccount('vault');
    repository = await world.pushImages('vault', ['1.0.0']);
    await world.createService({
      account,
      cluster: 'apps',
      service: 'vault',
      image: `${repository}:1.0.0`,
      environment: { DB_USER: 'nobody' },
    });
    await world.apply(CONFIG(account.accessKeyId), {
      VAULT_AWS_SECRET: account.secretAccessKey,
      VAULT_DB_PASSWORD: password,
    });
    forbidden = forms([password, token, account.secretAccessKey]);

    const release = await world.client.post(
      world.client.spacePath('releases'),
      { project: 'vault', version: '1.0.0' },
      releaseSchema,
    );
    releaseId = release.id;
    const { items } = await world.client.post(
      world.client.spacePath('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    const [created] = items;
    assert.ok(created);
    deploymentId = created.id;
    const done = await world.waitForDeployment(deploymentId);
    assert.equal(done.state, 'success', done.error ?? '');
  });
  after(async () => world?.close());

  function assertNoSecret(text: string, where: string, secrets = forbidden): void {
    for (const s of secrets) {
      const at = text.indexOf(s);
      assert.ok(at < 0, `${where} holds a secret: ...${text.slice(Math.max(0, at - 300), at + 300)}...`);
    }
  }

  it('the ECS service gets the value as a secret from Parameter Store, in the tenant-less target account', async () => {
    const s = await world.describeService('apps', 'vault', account);
    assert.deepEqual(s.environment['app'], { DB_USER: 'admin' });
    const parameter = '/slipway/vault/Dev/.untenanted/apps/vault/app/DB_PASSWORD';
    assert.deepEqual(Object.keys(s.secrets['app'] ?? {}), ['DB_PASSWORD']);
    assert.ok(
      s.secrets['app']?.['DB_PASSWORD']?.endsWith(`parameter${parameter}`),
      JSON.stringify(s.secrets),
    );
    assert.equal(s.images['app'], `${repository}:1.0.0`);
    // The task reads it at start: the value is there, in the target's account, encrypted at rest.
    assert.equal(s.runningCount, s.desiredCount);
    const ssm = new SSMClient({
      endpoint: world.sandbox.endpoint,
      region: world.sandbox.region,
      credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    });
    try {
      const p = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
      assert.equal(p.Parameter?.Type, 'SecureString');
      assert.equal(p.Parameter?.Value, password);
    } finally {
      ssm.destroy();
    }
  });

  it('the task log through the API masks every secret, wherever the script printed it', async () => {
    const lines: z.output<typeof logPageSchema>['items'] = [];
    let after = 0;
    for (;;) {
      const res = await world.request(
        'GET',
        `${world.client.spacePath('deployments', deploymentId, 'log')}?after=${after}&limit=5`,
      );
      assert.equal(res.status, 200, res.text);
      assertNoSecret(res.text, 'a page of the task log');
      const page = logPageSchema.parse(res.json);
      if (page.items.length === 0) break;
      lines.push(...page.items);
      after = page.nextAfter;
    }
    const text = lines.map((l) => `${l.path.join(' / ')}: ${l.message}`).join('\n');
    // The lines are there, masked: the scripts ran and printed, the output reached the later step.
    for (const expected of [
      `password is ${MASK}`,
      `from the helper: ${MASK}`,
      `on stderr: ${MASK}`,
      `token: ${MASK}`,
      `echoed output: ${MASK}`,
      `token output: ${MASK}`,
      `password again: ${MASK}`,
    ]) {
      assert.ok(text.includes(expected), `the log lacks "${expected}":\n${text}`);
    }
  });

  it("a script step with roles runs with its target's AWS credentials, the secret key masked", async () => {
    const res = await world.request('GET', world.client.spacePath('deployments', deploymentId, 'log'));
    assertNoSecret(res.text, 'the task log');
    const line = logPageSchema.parse(res.json).items.find((l) => l.message.startsWith('aws secret key:'));
    assert.equal(line?.message, `aws secret key: ${MASK}`);
  });

  it('the live stream (Server-Sent Events) masks them too', async () => {
    const res = await fetch(
      `${world.url}${world.client.spacePath('deployments', deploymentId, 'log', 'stream')}`,
      {
        headers: { authorization: `Bearer ${world.apiKey}`, accept: 'text/event-stream' },
      },
    );
    assert.equal(res.status, 200);
    // The deployment is final: the stream sends every line, then `end`, and closes.
    const text = await res.text();
    assert.match(text, /event: end\n/);
    assert.ok(text.includes(`password is ${MASK}`), text);
    assertNoSecret(text, 'the log stream');
  });

  it('no API answer about the release, deployment, variables or accounts holds a secret', async () => {
    const space = (...s: string[]) => world.client.spacePath(...s);
    const paths = [
      `${space('releases')}?project=vault`,
      space('releases', releaseId),
      space('releases', releaseId, 'progression'),
      `${space('deployments')}?project=vault`,
      space('deployments', deploymentId),
      space('deployments', deploymentId, 'interruptions'),
      space('projects', 'vault', 'variables'),
      space('projects', 'vault', 'process'),
      space('aws-accounts'),
      space('ecs-targets'),
      space('dashboard'),
      `${space('audit-events')}?limit=500`,
    ];
    for (const path of paths) {
      const res = await world.request('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assertNoSecret(res.text, path);
    }
    // The variable is there, as set but unreadable.
    const vars = await world.request('GET', space('projects', 'vault', 'variables'));
    assert.match(vars.text, /"name":"DbPassword"/);
    assert.match(vars.text, /"value":\{"set":true\}/);
    const audit = pageSchema.parse((await world.request('GET', `${space('audit-events')}?limit=500`)).json);
    assert.ok(audit.items.length > 0);
  });

  /** Every row of every table of the store (the product's and the queue's), as JSON text per table. */
  async function storeTables(): Promise<Map<string, string>> {
    const { db } = world.store;
    const tables = await sql<{ table_schema: string; table_name: string }>`
      select table_schema, table_name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(
      db,
    );
    const out = new Map<string, string>();
    for (const t of tables.rows) {
      const name = `${t.table_schema}.${t.table_name}`;
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      out.set(
        name,
        JSON.stringify(rows.rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );
    }
    return out;
  }

  it('no row of the store holds the sensitive variable or the AWS secret key in plain text', async () => {
    const tables = await storeTables();
    for (const must of [
      'public.task_log',
      'public.deployment_steps',
      'public.release_variables',
      'public.variables',
      'public.resource_secrets',
    ]) {
      assert.ok(tables.has(must), `the store has ${must}`);
    }
    const secrets = forms([password, account.secretAccessKey]);
    for (const [name, text] of tables) assertNoSecret(text, `table ${name}`, secrets);
    // What was scanned held the masked lines and the step outputs (encrypted).
    const { db } = world.store;
    const masked = await sql<{ n: number | string }>`
      select count(*) as n from task_log
      where deployment_id = ${deploymentId} and message like ${`%${MASK}%`}`.execute(db);
    assert.ok(Number(masked.rows[0]?.n) >= 7);
    const outputs = await sql<{ outputs_secret: string | null }>`
      select outputs_secret from deployment_steps where deployment_id = ${deploymentId} and step = 1`.execute(
      db,
    );
    assert.ok(
      outputs.rows.some((r) => r.outputs_secret !== null),
      'the script step stored its outputs',
    );
  });

  it('no row of the store holds a value a script marked sensitive (an output set with -sensitive)', async () => {
    for (const [name, text] of await storeTables()) assertNoSecret(text, `table ${name}`, forms([token]));
  });
});
