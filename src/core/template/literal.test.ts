import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { renderTemplate } from './index.js';
import { literalTemplate } from './literal.js';

const VARS = { Secret: 'hunter2', x: 'X' };

describe('literalTemplate', () => {
  it('renders every text back as itself, templates included', () => {
    for (const text of [
      'plain',
      '#{Secret}',
      '#{Secret | ToLower}',
      'a#{x}b#{if x}y#{/if}',
      '###{x}',
      '# not a tag',
      '#',
      '{}#',
      'x#{',
      '#####{x}',
      '',
    ]) {
      const rendered = renderTemplate(literalTemplate(text, 'prompted.Notes'), VARS);
      assert.equal(rendered.error, undefined, text);
      assert.equal(rendered.output, text, text);
    }
  });

  it('refuses what has no literal form, naming the field', () => {
    assert.throws(
      () => literalTemplate('##{Secret}', 'deployment.prompted.Notes'),
      (e) =>
        e instanceof SlipwayError &&
        e.code === 'INVALID_INPUT' &&
        /deployment\.prompted\.Notes/.test(e.message),
    );
  });
});
