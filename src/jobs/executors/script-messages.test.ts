import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64, encodeBase64, parseScriptMessage } from './script-messages.js';

const b = encodeBase64;

describe('script output protocol', () => {
  it('reads Octopus setVariable with base64 attributes and the sensitive flag', () => {
    assert.deepEqual(
      parseScriptMessage(`##octopus[setVariable name='${b('Url')}' value='${b('https://x')}']`),
      {
        kind: 'set-output',
        name: 'Url',
        value: 'https://x',
        sensitive: false,
      },
    );
    for (const flag of [b('True'), 'True', b('true')])
      assert.deepEqual(
        parseScriptMessage(`##octopus[setVariable name='${b('P')}' value='${b('ünï')}' sensitive='${flag}']`),
        { kind: 'set-output', name: 'P', value: 'ünï', sensitive: true },
        flag,
      );
    assert.equal(
      (
        parseScriptMessage(`##octopus[setVariable name='${b('P')}' value='' sensitive='${b('False')}']`) as {
          sensitive: boolean;
        }
      ).sensitive,
      false,
    );
  });

  it('takes a value that is not base64 as written (as Octopus does)', () => {
    assert.deepEqual(parseScriptMessage("##octopus[setVariable name='MyVar' value='Hello world']"), {
      kind: 'set-output',
      name: 'MyVar',
      value: 'Hello world',
      sensitive: false,
    });
    assert.equal(decodeBase64('abc'), 'abc');
  });

  it('reads resultMessage (message only) and stepFailed (fails)', () => {
    assert.deepEqual(parseScriptMessage(`##octopus[resultMessage message='${b('disk full')}']`), {
      kind: 'fail',
      message: 'disk full',
      fails: false,
    });
    assert.deepEqual(parseScriptMessage(`##octopus[stepFailed message='${b('no')}']`), {
      kind: 'fail',
      message: 'no',
      fails: true,
    });
  });

  it('reads the plain slipway forms with escapes', () => {
    assert.deepEqual(
      parseScriptMessage('##slipway[set-output name="N" value="a \\"b\\" \\\\ c\\nd" sensitive]'),
      {
        kind: 'set-output',
        name: 'N',
        value: 'a "b" \\ c\nd',
        sensitive: true,
      },
    );
    assert.deepEqual(parseScriptMessage('##slipway[mask value="xyz1"]'), { kind: 'mask', value: 'xyz1' });
    assert.deepEqual(parseScriptMessage('##slipway[fail message="stop"]'), {
      kind: 'fail',
      message: 'stop',
      fails: true,
    });
  });

  it('ordinary lines are not messages; malformed ones are reported', () => {
    assert.equal(parseScriptMessage('hello ##slipway[mask value="x"]'), undefined);
    assert.equal(parseScriptMessage('##octopus[createArtifact path="x"]'), undefined);
    assert.equal(parseScriptMessage('##slipway[set-output name="N]')?.kind, 'invalid');
    assert.equal(parseScriptMessage('##slipway[set-output value="v"]')?.kind, 'invalid');
    assert.equal(parseScriptMessage('##slipway[explode]')?.kind, 'invalid');
  });
});
