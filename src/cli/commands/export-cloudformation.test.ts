/** `slipway export cloudformation` against a real server: the template on stdout, YAML or JSON, and its errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import {
  apply,
  EXAMPLE,
  EXAMPLE_SECRETS,
  startTestServer,
  type TestServer,
} from '../../../test/kits/config-server.js';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../../test/kits/model-deploy-service.js';
import { parseCfnYaml } from '../../core/cfn/yaml.js';
import type { RunState } from '../exit-codes.js';
import type { CommandIo } from './apply.js';
import { registerExport } from './export.js';
import { runExportCloudFormation, type ExportCloudFormationFlags } from './export-cloudformation.js';

function io(): CommandIo & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: (t) => void out.push(t), stderr: () => {}, env: {} };
}

describe('slipway export cloudformation', () => {
  let server: TestServer;
  const run = async (flags: Partial<ExportCloudFormationFlags>) => {
    const streams = io();
    const code = await runExportCloudFormation(
      {
        server: server.url,
        apiKey: server.key,
        project: 'hello-color',
        step: 'Deploy service',
        format: 'yaml',
        ...flags,
      },
      streams,
    );
    return { code, stdout: streams.out.join('') };
  };

  before(async () => {
    server = await startTestServer();
    const applied = await apply(server, EXAMPLE, { env: EXAMPLE_SECRETS });
    assert.equal(applied.code, 0, `${applied.stderr} ${applied.error?.message ?? ''}`);
    const url = `${server.url}/api/spaces/Default/projects/hello-color/process`;
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const read = await fetch(url, { headers });
    const put = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'if-match': read.headers.get('etag') ?? '' },
      body: JSON.stringify(EXAMPLE_DEPLOY_SERVICE_PROCESS),
    });
    assert.equal(put.status, 200, await put.text());
  });
  after(() => server.close());

  it('writes the YAML template on stdout', async () => {
    const { code, stdout } = await run({});
    assert.equal(code, 0);
    const doc = parseCfnYaml(stdout) as {
      Resources: Record<string, { Properties: Record<string, unknown> }>;
    };
    const td = doc.Resources.TaskDefinitionweb!.Properties.ContainerDefinitions as { Image: string }[];
    assert.equal(td[0]!.Image, '#{Octopus.Action.Package[web].Image}');
  });

  it('writes JSON with --format json, evaluated for --environment', async () => {
    const { stdout } = await run({ format: 'json', environment: 'Staging' });
    const doc = JSON.parse(stdout) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    assert.equal(doc.Resources.Serviceweb!.Properties.ServiceName, 'web-Staging');
  });

  it("refuses --tenant without --environment, and passes on the server's errors", async () => {
    await assert.rejects(run({ tenant: 'Acme' }), /--tenant needs --environment/);
    await assert.rejects(run({ step: 'Nope' }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
  });

  it("takes --format and the connection options after the subcommand (they are export's own)", async () => {
    const program = new Command().exitOverride();
    const state: RunState = { exitCode: 0 };
    registerExport(program, state);
    const sub = program.commands[0]!.commands.find((c) => c.name() === 'cloudformation')!;
    let seen: Record<string, unknown> = {};
    sub.action((_o: unknown, c: Command) => void (seen = c.optsWithGlobals()));
    await program.parseAsync(
      [
        'export',
        'cloudformation',
        '--project',
        'p',
        '--step',
        's',
        '--format',
        'json',
        '--server',
        'http://x:1',
      ],
      { from: 'user' },
    );
    assert.deepEqual(
      { format: seen.format, server: seen.server, project: seen.project, step: seen.step },
      { format: 'json', server: 'http://x:1', project: 'p', step: 's' },
    );
  });
});
