/** The preview's context in the URL and its words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contextFromSearch,
  contextText,
  contextToSearch,
  renderedText,
  sourceText,
} from './preview-model.js';

describe('variable preview model', () => {
  it('keeps the context in the search params, leaving empty ones out', () => {
    const context = contextFromSearch(new URLSearchParams('environment=Dev&tenant=Acme'));
    assert.deepEqual(context, { environment: 'Dev', tenant: 'Acme', channel: '', target: '', step: '' });
    assert.equal(contextToSearch(context).toString(), 'environment=Dev&tenant=Acme');
  });

  it('names the source and the context', () => {
    assert.equal(sourceText({ kind: 'library', setId: 'L1', setName: 'Common' }), 'Library set Common');
    assert.equal(sourceText(undefined), '—');
    assert.equal(
      contextText({ environment: { id: 'E', name: 'Dev' }, step: { name: 'Deploy', roles: [] } }),
      'environment Dev, untenanted, step Deploy',
    );
  });

  it('says what a value holding #{...} renders to, and what is missing or wrong', () => {
    assert.equal(renderedText(undefined), undefined);
    assert.equal(renderedText({ value: 'https://dev', missing: [] }), 'Renders as: https://dev');
    assert.equal(
      renderedText({ value: 'x-#{Nope}', missing: ['#{Nope}'] }),
      'Renders as: x-#{Nope} (no value here for #{Nope}: a step using it would fail)',
    );
    assert.equal(
      renderedText({ value: null, missing: [], problem: 'A → B → A' }),
      'Cannot be rendered: A → B → A',
    );
  });
});
