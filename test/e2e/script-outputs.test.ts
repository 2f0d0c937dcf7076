/**
 * End to end, through the HTTP API of a whole Slipway over the AWS sandbox: "Run a script" steps
 * set output variables (bash helpers, the Node helper and the plain service message), later steps
 * read them (a script's template and its variables, an ECS service's container environment), and
 * `fail_step` fails a step with its message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import type { logLineSchema } from '../../src/server/routes/release-http.js';
import { deploymentSchema, releaseSchema } from '../../src/server/routes/release-http.js';
import { startWorld, type World } from '../helpers/slipway-world.js';

const REGION = 'us-east-1';
const CLUSTER = 'e2e';
const SERVICE = 'outputs-web';
/** Generous: a deployment here takes a second or two; the deadline only turns a hang into a failure. */
const DEADLINE_MS = 30_000;
/** A sensitive output's value: it must never reach the task log. */
const SECRET = 'hunter2-e2e-secret';

type LogLine = z.output<typeof logLineSchema>;

// Block scalars keep `#{...}` and quotes as written (a ` #` in a plain YAML scalar starts a comment).
const CONFIG = `apiVersion: slipway/v1
space: Default
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: ${REGION} }
lifecycles:
  - name: Dev only
    phases: [{ name: Development, manualEnvironments: [Dev] }]
projects:
  - name: outputs
    lifecycle: Dev only
    process:
      steps:
        - name: Step One
          action:
            type: run-script
            syntax: bash
            script: |
              set_octopusvariable "Colour" "teal"
              set_octopusvariable "Build" "build-$(get_octopusvariable 'Octopus.Release.Number')"
              set_octopusvariable "Token" "${SECRET}" -sensitive
              echo "step one done"
        - name: Step Two
          action:
            type: run-script
            syntax: node
            script: |
              console.log('##slipway[set-output name="Greeting" value="hello \\\\"world\\\\""]');
              setVariable('Answer', String(6 * 7));
              console.log('step two done');
        - name: Echo
          action:
            type: run-script
            syntax: bash
            script: |
              echo "colour=#{Octopus.Action[Step One].Output.Colour} build=#{Octopus.Action[Step One].Output.Build}"
              echo 'greeting=#{Octopus.Action[Step Two].Output.Greeting} answer=#{Octopus.Action[Step Two].Output.Answer}'
              echo "read at run time: $(get_octopusvariable 'Octopus.Action[Step One].Output.Colour')"
              echo "token=#{Octopus.Action[Step One].Output.Token}"
        - name: Deploy
          roles: [e2e]
          action:
            type: ecs-update-service
            service: ${SERVICE}
            containers:
              - name: web
                environment:
                  - { name: COLOUR, value: '#{Octopus.Action[Step One].Output.Colour}' }
                  - { name: GREETING, value: '#{Octopus.Action[Step Two].Output.Greeting}' }
  - name: failing
    lifecycle: Dev only
    process:
      steps:
        - name: Guard
          action:
            type: run-script
            syntax: bash
            script: |
              echo "checking the database"
              fail_step "the database is not reachable"
              echo "after fail_step"
        - name: Later
          action:
            type: run-script
            syntax: bash
            script: |
              echo "later ran"
  - name: reporting
    lifecycle: Dev only
    process:
      steps:
        - name: Report
          action:
            type: run-script
            syntax: node
            script: |
              console.log('##slipway[fail message="quota exceeded"]');
              console.log('exiting 0 anyway');
ecsTargets:
  - { name: e2e, awsAccount: Sandbox, region: ${REGION}, cluster: ${CLUSTER}, roles: [e2e], environments: [Dev] }
`;

describe('e2e: script output variables', () => {
  let world: World;
  const api = (...segments: string[]) => world.client.spacePath(...segments);

  async function runToEnd(project: string, version: string) {
    const release = await world.client.post(api('releases'), { project, version }, releaseSchema);
    const created = await world.client.post(
      api('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    const id = created.items[0]?.id;
    assert.ok(id);
    return world.waitForDeployment(id, DEADLINE_MS);
  }

  const logOf = (id: string): Promise<LogLine[]> => world.log(id);

  /** The messages of the lines under `step`, as `level: message`. */
  const stepLines = (lines: LogLine[], step: string) =>
    lines.filter((l) => l.path[0] === step).map((l) => `${l.level}: ${l.message}`);

  before(async () => {
    world = await startWorld({ timeScale: 300 });
    await world.createService({
      cluster: CLUSTER,
      service: SERVICE,
      container: 'web',
      image: 'public.ecr.aws/docker/library/nginx:1.27',
      environment: { COLOUR: 'grey' },
      desiredCount: 2,
    });
    await world.apply(CONFIG);
  });

  after(async () => {
    await world?.close();
  });

  it('later steps read the outputs of bash and Node scripts, in scripts and in an ECS container', async () => {
    const d = await runToEnd('outputs', '1.4.2');
    const lines = await logOf(d.id);
    assert.equal(
      d.state,
      'success',
      `ended ${d.state}: ${d.error ?? ''}\n${lines.map((l) => l.message).join('\n')}`,
    );

    const echo = stepLines(lines, 'Echo');
    assert.ok(echo.includes('info: colour=teal build=build-1.4.2'), echo.join('\n'));
    assert.ok(echo.includes('info: greeting=hello "world" answer=42'), echo.join('\n'));
    assert.ok(echo.includes('info: read at run time: teal'), echo.join('\n'));
    // A sensitive output is masked wherever it appears later.
    assert.ok(echo.includes('info: token=********'), echo.join('\n'));
    assert.ok(!lines.some((l) => l.message.includes(SECRET)), 'the sensitive value never reaches the log');
    // Service messages are read, not logged.
    assert.ok(!lines.some((l) => /##(octopus|slipway)\[/.test(l.message)), 'no service message in the log');
    assert.ok(stepLines(lines, 'Step One').includes('info: step one done'));
    assert.ok(stepLines(lines, 'Step Two').includes('info: step two done'));

    const { environment } = await world.describeService(CLUSTER, SERVICE);
    assert.deepEqual(environment['web'], { COLOUR: 'teal', GREETING: 'hello "world"' });
  });

  it('fail_step fails the step with its message, and later steps do not run', async () => {
    const d = await runToEnd('failing', '1.0.0');
    assert.equal(d.state, 'failed');
    assert.match(d.error ?? '', /Guard.*the database is not reachable/s);
    const lines = await logOf(d.id);
    const guard = stepLines(lines, 'Guard');
    assert.ok(guard.includes('info: checking the database'), guard.join('\n'));
    assert.ok(
      guard.some((l) => l.startsWith('error:') && l.includes('the database is not reachable')),
      guard.join('\n'),
    );
    assert.ok(!guard.some((l) => l.includes('after fail_step')), 'fail_step exits the script');
    const later = stepLines(lines, 'Later');
    assert.ok(
      later.some((l) => l.startsWith('info: Skipped')),
      later.join('\n'),
    );
    assert.ok(!later.some((l) => l.includes('later ran')));
  });

  it('a fail service message fails the step even when the script exits 0', async () => {
    const d = await runToEnd('reporting', '1.0.0');
    assert.equal(d.state, 'failed');
    assert.match(d.error ?? '', /quota exceeded/);
    const report = stepLines(await logOf(d.id), 'Report');
    assert.ok(report.includes('info: exiting 0 anyway'), report.join('\n'));
  });
});
