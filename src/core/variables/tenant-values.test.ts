import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tenantTemplateValues } from './tenant-values.js';

test('tenantTemplateValues: defaults stand in, set values win, project templates count in their project and environment only', () => {
  const r = tenantTemplateValues(
    [
      { name: 'Region', defaultValue: 'eu-west-1' },
      { name: 'Colour', defaultValue: 'blue' },
      { name: 'Token', type: 'sensitive' },
    ],
    [
      { template: 'Colour', value: 'green', project: 'Projects-1', environment: 'Environments-1' },
      { template: 'Colour', value: 'red', project: 'Projects-1', environment: 'Environments-2' },
      { template: 'Colour', value: 'pink', project: 'Projects-2', environment: 'Environments-1' },
      { template: 'Token', value: 's3cret' },
    ],
    'Projects-1',
    'Environments-1',
  );
  assert.deepEqual(r.values, { Region: 'eu-west-1', Colour: 'green', Token: 's3cret' });
  assert.deepEqual(r.sensitive, ['Token']);
  assert.deepEqual([...r.defaults], ['region']);
});
