import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createAwsClients } from '../../aws/clients.js';
import { fakeContext, fakeTarget } from '../../../test/kits/executors.js';
import { testScriptIsolation } from '../../../test/kits/scripts.js';
import { createRunScriptExecutor } from './run-script.js';
import type { ScriptIsolation } from './script-isolation.js';
import {
  awsCliLine,
  awsCliReadsEndpointUrl,
  awsEndpointWrapper,
  checkScriptTools,
  detectScriptTools,
  describeScriptTools,
  type ScriptTools,
} from './script-tools.js';

const ALL: ScriptTools = {
  path: '/usr/bin:/bin',
  bash: { path: '/usr/bin/bash', version: '5.2.15' },
  node: { path: '/usr/bin/node', version: '20.19.0' },
  python3: { path: '/usr/bin/python3', version: '3.11.2' },
  aws: { path: '/usr/bin/aws', version: '2.9.19', major: 2, readsEndpointUrl: false },
};
const WHERE = { host: 'the server', runAs: 'the script user "slipway-script"' };

/** `tools` less `name`: the seam that stands for a host without it. */
function without(tools: ScriptTools, name: 'bash' | 'node' | 'python3' | 'aws'): ScriptTools {
  const copy = { ...tools };
  delete copy[name];
  return copy;
}

// A directory the script user can read (fake tools live here), removed at the end.
const fakes = mkdtempSync(join(tmpdir(), 'slipway-fake-tools-'));
chmodSync(fakes, 0o755);
after(() => rmSync(fakes, { recursive: true, force: true }));
function fakeTool(name: string, body: string): string {
  const path = join(fakes, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

describe('script tools: which scripts need the AWS CLI', () => {
  const cases: [string, number | undefined][] = [
    ['aws sts get-caller-identity', 1],
    ['set -e\n  aws ecs list-clusters --output text', 2],
    ['x="$(aws sts get-caller-identity --query Account --output text)"', 1],
    ['echo a && aws s3 ls', 1],
    ['if aws s3 ls s3://b; then echo ok; fi', 1],
    ['AWS_PAGER= aws ecs list-services', 1],
    ['for c in a b; do aws ecs describe-clusters --clusters "$c"; done', 1],
    ['echo `aws --version`', 1],
    ['# aws is called in the next step\necho done', undefined],
    ['echo "aws is not called here"', undefined],
    ['awsume prod', undefined],
    ['terraform apply -var aws_region=eu-west-1', undefined],
    ['/usr/local/bin/aws s3 ls', undefined],
  ];
  for (const [script, line] of cases) {
    it(`${JSON.stringify(script)} → ${line ?? 'none'}`, () => assert.equal(awsCliLine(script), line));
  }
});

describe('script tools: the check before a script starts', () => {
  it('passes when everything is there, and checks nothing when the tools are unknown', () => {
    assert.equal(checkScriptTools({ syntax: 'bash', script: 'aws s3 ls' }, ALL, WHERE), undefined);
    assert.equal(checkScriptTools({ syntax: 'python', script: 'x' }, undefined, WHERE), undefined);
  });

  it('a missing interpreter: names the Debian package and says the script did not run', () => {
    const python = checkScriptTools({ syntax: 'python', script: 'print(1)' }, without(ALL, 'python3'), WHERE);
    assert.equal(
      python,
      "This step's script is Python, but the server has no Python 3 (python3) that the script user " +
        '"slipway-script" can run. Install it (Debian: apt-get install python3) where that user can run it, ' +
        'restart the server (it looks for tools when it starts), then retry the step. The script did not run.',
    );
    const node = checkScriptTools({ syntax: 'node', script: '1' }, without(ALL, 'node'), WHERE);
    assert.match(node ?? '', /is Node\.js, .*apt-get install nodejs/);
    const bash = checkScriptTools({ syntax: 'bash', script: 'true' }, without(ALL, 'bash'), WHERE);
    assert.match(bash ?? '', /apt-get install bash/);
  });

  it('a bash script that runs aws without an AWS CLI: names the line and awscli', () => {
    const noAws = without(ALL, 'aws');
    const message = checkScriptTools({ syntax: 'bash', script: 'set -e\naws s3 ls' }, noAws, WHERE);
    assert.equal(
      message,
      "This step's script runs the AWS CLI (line 2), but the server has no AWS CLI (aws) that the script user " +
        '"slipway-script" can run. Install it (Debian: apt-get install awscli, AWS CLI v2 on Debian 12) where that ' +
        'user can run it, restart the server (it looks for tools when it starts), then retry the step. The ' +
        'script did not run.',
    );
    // Python and Node scripts use the SDKs: the CLI is not asked for.
    assert.equal(checkScriptTools({ syntax: 'python', script: 'import boto3' }, noAws, WHERE), undefined);
    assert.equal(checkScriptTools({ syntax: 'bash', script: 'echo no cli' }, noAws, WHERE), undefined);
  });

  it('AWS_ENDPOINT_URL: which AWS CLIs read it, and the wrapper for those that do not', () => {
    for (const [v, reads] of [
      ['2.9.19', false],
      ['2.13.0', true],
      ['2.27.41', true],
      ['1.28.9', false],
      ['1.29.0', true],
      ['1.45.11', true],
    ] as const) {
      assert.equal(awsCliReadsEndpointUrl(v), reads, v);
    }
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599' };
    assert.equal(awsEndpointWrapper(undefined, env), undefined);
    assert.equal(awsEndpointWrapper({ ...ALL.aws!, readsEndpointUrl: true }, env), undefined);
    assert.equal(awsEndpointWrapper(ALL.aws, {}), undefined, 'no endpoint: real AWS, nothing to pass');
    assert.match(
      awsEndpointWrapper(ALL.aws, env) ?? '',
      /^exec '\/usr\/bin\/aws' --endpoint-url "\$AWS_ENDPOINT_URL" "\$@"$/m,
    );
  });

  it('says what there is and what to install', () => {
    assert.equal(
      describeScriptTools(without(without(ALL, 'python3'), 'aws')),
      'Script tools: bash 5.2.15 (/usr/bin/bash), node 20.19.0 (/usr/bin/node). Missing: python3, aws ' +
        '(Debian: apt-get install python3 awscli).',
    );
    assert.match(describeScriptTools(ALL), /aws 2\.9\.19 \(AWS CLI v2, \/usr\/bin\/aws\)\.$/);
  });
});

describe('script tools: found as the script user', () => {
  it('finds an AWS CLI v1 on the PATH, its version, and that it predates AWS_ENDPOINT_URL', async () => {
    const dir = mkdtempSync(join(fakes, 'bin-'));
    chmodSync(dir, 0o755);
    const aws = join(dir, 'aws');
    writeFileSync(aws, '#!/bin/sh\necho "aws-cli/1.18.69 Python/3.8.10 Linux/5.15 botocore/1.17.62" >&2\n', {
      mode: 0o755,
    });
    const tools = await detectScriptTools({
      prefix: [],
      node: [process.execPath],
      hostPath: `relative:${dir}`,
    });
    assert.deepEqual(tools.aws, { path: aws, version: '1.18.69', major: 1, readsEndpointUrl: false });
    assert.equal(tools.node?.path, process.execPath);
    assert.ok(tools.bash, 'bash is found on the system PATH');
    assert.ok(tools.path.startsWith(`${dir}:`), tools.path);
    assert.ok(!tools.path.includes('relative'), 'relative PATH entries (the script directory) are dropped');
  });

  it('leaves out PATH directories the script user cannot enter', async (t) => {
    const isolation = await testScriptIsolation();
    if (isolation.mode !== 'user') return t.skip('needs root and the slipway-script user');
    const closed = mkdtempSync(join(fakes, 'closed-'));
    chmodSync(closed, 0o700);
    const tools = await detectScriptTools({
      prefix: ['setpriv', `--reuid=${isolation.uid}`, `--regid=${isolation.gid}`, '--clear-groups', '--'],
      node: [],
      hostPath: `${closed}:/usr/bin`,
    });
    assert.ok(!tools.path.split(':').includes(closed), tools.path);
    assert.ok(tools.path.split(':').includes('/usr/bin'));
    assert.equal(tools.node, undefined);
  });
});

describe('script tools: a step whose tool is missing fails before it starts', () => {
  /** The tests' isolation with `tools` in place of what was found. */
  async function isolationWith(edit: (tools: ScriptTools) => ScriptTools): Promise<ScriptIsolation> {
    const isolation = await testScriptIsolation();
    if (isolation.mode === 'refused') return isolation;
    const found = isolation.tools ?? (await detectScriptTools({ prefix: [], node: [process.execPath] }));
    return { ...isolation, tools: edit(found) };
  }

  it('a Python step without python3: the install hint, and nothing ran', async () => {
    const executor = createRunScriptExecutor({ isolation: isolationWith((t) => without(t, 'python3')) });
    const { ctx, collected } = fakeContext({
      action: { type: 'run-script', syntax: 'python', script: "set_octopusvariable('Ran', 'yes')" },
    });
    const result = await executor.run(ctx);
    assert.ok(result.outcome === 'failed', JSON.stringify(result));
    assert.match(
      result.error,
      /^This step's script is Python, .*apt-get install python3.*The script did not run\.$/,
    );
    assert.deepEqual(collected.outputs, {});
    assert.ok(!collected.text().includes('Running'), collected.text());
  });

  it('a bash step calling aws without an AWS CLI: the install hint, and nothing ran', async () => {
    const executor = createRunScriptExecutor({ isolation: isolationWith((t) => without(t, 'aws')) });
    const { ctx, collected } = fakeContext({
      action: { type: 'run-script', syntax: 'bash', script: 'echo started\naws sts get-caller-identity' },
    });
    const result = await executor.run(ctx);
    assert.ok(result.outcome === 'failed', JSON.stringify(result));
    assert.match(result.error, /runs the AWS CLI \(line 2\).*apt-get install awscli/);
    assert.ok(!collected.text().includes('started'), collected.text());
  });

  it('an AWS CLI that predates AWS_ENDPOINT_URL gets it as --endpoint-url', async () => {
    const fake = fakeTool('aws-old', 'echo "args: $*"');
    const executor = createRunScriptExecutor({
      isolation: isolationWith((t) => ({
        ...t,
        aws: { path: fake, version: '2.9.19', major: 2, readsEndpointUrl: false },
      })),
    });
    const clients = createAwsClients({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4599',
      credentials: { kind: 'static', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-secret' },
    });
    try {
      const { ctx, collected } = fakeContext({
        action: { type: 'run-script', syntax: 'bash', script: 'aws sts get-caller-identity' },
        target: fakeTarget('c1', 'eu-west-1'),
        aws: () => Promise.resolve(clients),
      });
      assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
      assert.match(
        collected.text(),
        /^args: --endpoint-url http:\/\/127\.0\.0\.1:4599 sts get-caller-identity$/m,
      );
    } finally {
      clients.destroy();
    }
  });
});
