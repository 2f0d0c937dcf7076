import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAwsClients } from '../../aws/clients.js';
import { createRunScriptExecutor } from './run-script.js';
import { testScriptIsolation } from '../../../test/kits/scripts.js';

const runScriptExecutor = createRunScriptExecutor({ isolation: testScriptIsolation() });
import { fakeContext, fakeTarget } from '../../../test/kits/executors.js';

const SECRET = 'hunter2-very-secret';

function script(
  syntax: 'bash' | 'node' | 'python',
  text: string,
  extra: Parameters<typeof fakeContext>[0] = { action: { type: 'run-script' } },
) {
  return fakeContext({ ...extra, action: { type: 'run-script', syntax, script: text } });
}

describe('run-script: bash', () => {
  it('sets plain and sensitive outputs; the sensitive value never reaches the log', async () => {
    const { ctx, collected } = script(
      'bash',
      [
        'echo "hello from bash"',
        'set_octopusvariable "Colour" "blue"',
        `set_octopusvariable "Password" "${SECRET}" -sensitive`,
        `echo "the password is ${SECRET}"`,
        'echo "##slipway[set-output name=\\"Plain\\" value=\\"a \\\\\\"quoted\\\\\\" word\\"]"',
        'echo "from stderr" >&2',
      ].join('\n'),
    );
    const res = await runScriptExecutor.run(ctx);
    assert.deepEqual(res, { outcome: 'success' }, collected.text());
    assert.deepEqual(collected.outputs['Colour'], { value: 'blue', sensitive: false });
    assert.deepEqual(collected.outputs['Password'], { value: SECRET, sensitive: true });
    assert.deepEqual(collected.outputs['Plain'], { value: 'a "quoted" word', sensitive: false });
    assert.ok(collected.lines.some((l) => l.level === 'info' && l.message === 'hello from bash'));
    assert.ok(collected.lines.some((l) => l.level === 'warning' && l.message === 'from stderr'));
    assert.ok(collected.text().includes('the password is ********'), collected.text());
    assert.ok(!collected.text().includes(SECRET));
    assert.ok(!collected.text().includes('##octopus'), 'service messages are consumed');
  });

  it('reads variables with get_octopusvariable and from the JSON file', async () => {
    const { ctx, collected } = script(
      'bash',
      [
        'echo "name: $(get_octopusvariable "Octopus.Project.Name")"',
        'echo "odd: $(get_octopusvariable "Odd Name[x]")"',
        'echo "missing: [$(get_octopusvariable "Nope")]"',
        'test -f "$SLIPWAY_VARIABLES_FILE" && echo "file ok"',
        'mask_value "mask-me-please"',
        'echo "masked: mask-me-please"',
        String.raw`mask_value 'q"uo\te-me'`,
        String.raw`echo 'seen q"uo\te-me'`,
      ].join('\n'),
      {
        action: { type: 'run-script' },
        values: { 'Octopus.Project.Name': 'Web shop', 'Odd Name[x]': 'multi\nline ü' },
      },
    );
    assert.equal((await runScriptExecutor.run(ctx)).outcome, 'success', collected.text());
    const text = collected.text();
    assert.match(text, /^name: Web shop$/m);
    assert.match(text, /^odd: multi\nline ü$/m);
    assert.match(text, /^missing: \[\]$/m);
    assert.match(text, /^file ok$/m);
    assert.match(text, /^masked: \*\*\*\*\*\*\*\*$/m);
    assert.match(text, /^seen \*\*\*\*\*\*\*\*$/m);
  });

  it('fail_step fails with its message', async () => {
    const { ctx } = script('bash', 'echo before\nfail_step "the database is not reachable"\necho after');
    const res = await runScriptExecutor.run(ctx);
    assert.deepEqual(res, { outcome: 'failed', error: 'The script failed: the database is not reachable' });
  });

  it('a non-zero exit fails with the code and the last lines, masked', async () => {
    const { ctx } = script('bash', `echo "line one"\necho "secret ${SECRET}" >&2\nexit 3`, {
      action: { type: 'run-script' },
      sensitive: [SECRET],
    });
    const res = await runScriptExecutor.run(ctx);
    assert.equal(res.outcome, 'failed');
    assert.ok(res.outcome === 'failed');
    assert.match(res.error, /exited with code 3/);
    assert.match(res.error, /line one/);
    assert.match(res.error, /secret \*\*\*\*\*\*\*\*/);
    assert.ok(!res.error.includes(SECRET));
  });

  it('passes the target AWS credentials, region and endpoint, masking the secret key', async () => {
    const clients = createAwsClients({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4599',
      credentials: {
        kind: 'static',
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI-secret-key',
      },
    });
    try {
      const { ctx, collected } = script(
        'bash',
        [
          'echo "key set: ${AWS_ACCESS_KEY_ID:+yes}"',
          'echo "secret: $AWS_SECRET_ACCESS_KEY"',
          'echo "region: $AWS_REGION endpoint: $AWS_ENDPOINT_URL"',
          'echo "home is private: $([ "$HOME" = "$PWD" ] && echo yes)"',
        ].join('\n'),
        {
          action: { type: 'run-script' },
          target: fakeTarget('c1', 'eu-west-1'),
          aws: () => Promise.resolve(clients),
        },
      );
      assert.equal((await runScriptExecutor.run(ctx)).outcome, 'success', collected.text());
      const text = collected.text();
      assert.match(text, /^key set: yes$/m);
      assert.match(text, /^secret: \*\*\*\*\*\*\*\*$/m);
      assert.match(text, /^region: eu-west-1 endpoint: http:\/\/127\.0\.0\.1:4599$/m);
      assert.match(text, /^home is private: yes$/m);
    } finally {
      clients.destroy();
    }
  });

  it('without a target there are no AWS variables', async () => {
    const { ctx, collected } = script('bash', 'echo "key: [${AWS_ACCESS_KEY_ID:-}]"');
    assert.equal((await runScriptExecutor.run(ctx)).outcome, 'success');
    assert.match(collected.text(), /^key: \[\]$/m);
  });

  it('cancel kills the process group promptly', async () => {
    const ac = new AbortController();
    const { ctx, collected } = script('bash', 'echo started\nsleep 60 &\nsleep 60\necho never', {
      action: { type: 'run-script' },
      signal: ac.signal,
    });
    const running = runScriptExecutor.run(ctx);
    // Cancel once the script is known to run.
    for (let i = 0; i < 200 && !collected.text().includes('started'); i++)
      await new Promise((r) => setTimeout(r, 25));
    ac.abort();
    const res = await running;
    assert.equal(res.outcome, 'failed');
    assert.ok(res.outcome === 'failed' && /Canceled/.test(res.error));
    assert.ok(!collected.text().includes('never'));
  });

  it('a script that ignores SIGTERM is killed after the grace period', async () => {
    const ac = new AbortController();
    const { ctx, collected } = script('bash', "trap '' TERM\necho started\nsleep 60\necho never", {
      action: { type: 'run-script' },
      signal: ac.signal,
    });
    const running = runScriptExecutor.run(ctx);
    for (let i = 0; i < 200 && !collected.text().includes('started'); i++)
      await new Promise((r) => setTimeout(r, 25));
    ac.abort();
    const res = await running;
    assert.ok(res.outcome === 'failed' && /Canceled/.test(res.error), JSON.stringify(res));
    assert.ok(!collected.text().includes('never'));
  });
});

describe('run-script: node', () => {
  it('sets outputs with setVariable and reads variables', async () => {
    const { ctx, collected } = script(
      'node',
      [
        "console.log('project ' + Octopus.Parameters['Octopus.Project.Name'] + ' / ' + getVariable('Octopus.Project.Name'));",
        "setVariable('Url', 'https://example.com/x?a=1');",
        `setVariable('Token', '${SECRET}', true);`,
        `console.log('token ${SECRET}');`,
        "const os = require('node:os'); console.log('require ok ' + typeof os.hostname);",
        'await Promise.resolve();',
        "console.error('warned');",
      ].join('\n'),
      { action: { type: 'run-script' }, values: { 'Octopus.Project.Name': 'Web' } },
    );
    const res = await runScriptExecutor.run(ctx);
    assert.deepEqual(res, { outcome: 'success' }, collected.text());
    assert.deepEqual(collected.outputs['Url'], { value: 'https://example.com/x?a=1', sensitive: false });
    assert.deepEqual(collected.outputs['Token'], { value: SECRET, sensitive: true });
    const text = collected.text();
    assert.match(text, /^project Web \/ Web$/m);
    assert.match(text, /^token \*\*\*\*\*\*\*\*$/m);
    assert.match(text, /^require ok function$/m);
    assert.ok(collected.lines.some((l) => l.level === 'warning' && l.message === 'warned'));
    assert.ok(!text.includes(SECRET));
  });

  it('failStep fails with its message; a throw fails with the stack in the last lines', async () => {
    const failed = script('node', "failStep('no capacity left');");
    assert.deepEqual(await runScriptExecutor.run(failed.ctx), {
      outcome: 'failed',
      error: 'The script failed: no capacity left',
    });
    const thrown = script('node', "throw new Error('boom at line one');");
    const res = await runScriptExecutor.run(thrown.ctx);
    assert.ok(
      res.outcome === 'failed' && /exited with code 1/.test(res.error) && /boom at line one/.test(res.error),
      JSON.stringify(res),
    );
  });

  it('maskValue masks from then on', async () => {
    const { ctx, collected } = script(
      'node',
      "maskValue('p@ss\"word\\\\x'); console.log('it is p@ss\"word\\\\x');",
    );
    assert.equal((await runScriptExecutor.run(ctx)).outcome, 'success', collected.text());
    assert.match(collected.text(), /^it is \*\*\*\*\*\*\*\*$/m);
  });
});

describe('run-script: python', () => {
  it('reads variables and sets outputs with the helpers', async () => {
    const { ctx, collected } = script(
      'python',
      [
        "print('project ' + get_octopusvariable('Octopus.Project.Name') + ' / ' + octopusvariables['Odd Name[x]'])",
        "print('missing: [%s]' % get_octopusvariable('Nope'))",
        "set_octopusvariable('Url', 'https://example.com/x?a=1')",
        `set_octopusvariable('Token', '${SECRET}', sensitive=True)`,
        `print('token ${SECRET}')`,
        "mask_value('p@ss\"word')",
        "print('it is p@ss\"word')",
        'import sys',
        "print('warned', file=sys.stderr)",
        "print('main' if __name__ == '__main__' else 'not main')",
      ].join('\n'),
      { action: { type: 'run-script' }, values: { 'Octopus.Project.Name': 'Web', 'Odd Name[x]': 'ü' } },
    );
    const res = await runScriptExecutor.run(ctx);
    assert.deepEqual(res, { outcome: 'success' }, collected.text());
    assert.deepEqual(collected.outputs['Url'], { value: 'https://example.com/x?a=1', sensitive: false });
    assert.deepEqual(collected.outputs['Token'], { value: SECRET, sensitive: true });
    const text = collected.text();
    assert.match(text, /^project Web \/ ü$/m);
    assert.match(text, /^missing: \[None\]$/m);
    assert.match(text, /^token \*\*\*\*\*\*\*\*$/m);
    assert.match(text, /^it is \*\*\*\*\*\*\*\*$/m);
    assert.match(text, /^main$/m);
    assert.ok(collected.lines.some((l) => l.level === 'warning' && l.message === 'warned'));
    assert.ok(!text.includes(SECRET));
  });

  it('fail_step fails with its message', async () => {
    const { ctx } = script('python', "print('before')\nfail_step('no capacity left')\nprint('after')");
    assert.deepEqual(await runScriptExecutor.run(ctx), {
      outcome: 'failed',
      error: 'The script failed: no capacity left',
    });
  });

  it('an exception fails the step with its last lines: the traceback starts at the script', async () => {
    const { ctx } = script('python', "print('line one')\ndef f():\n    raise ValueError('boom')\nf()");
    const res = await runScriptExecutor.run(ctx);
    assert.ok(res.outcome === 'failed', JSON.stringify(res));
    assert.match(res.error, /exited with code 1/);
    assert.match(res.error, /line one/);
    assert.match(res.error, /script\.py", line 3, in f/);
    assert.match(res.error, /ValueError: boom$/);
    assert.ok(!res.error.includes('helpers.py'), res.error);
  });
});
