// End to end: built-in filters through renderTemplate.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { renderTemplate } from '../index.js';

const now = () => new Date('2024-03-05T14:07:09.123Z');
const VARS = {
  Name: 'Octopus Deploy',
  Amount: '1234.567',
  Tag: 'v1.2.3-beta.4+abc',
  Url: 'https://x.io:8443/a?b=1',
};

const CASES: [string, string | null][] = [
  ['#{Name | ToUpper}', 'OCTOPUS DEPLOY'],
  ['#{Name | Replace " " "-" | ToLower}', 'octopus-deploy'],
  ['#{Amount | Format N2}', '1,234.57'],
  ['#{Amount | Format Double "#,##0.0"}', '1,234.6'],
  ['#{Tag | VersionPreReleasePrefix}/#{Tag | VersionPreReleaseCounter}', 'beta/4'],
  ['#{Url | UriPart Port}', '8443'],
  ['#{Name | Truncate 7}', 'Octopus...'],
  ['#{Missing | Append "x"}', 'x'],
  ['#{ | NowDateUtc "yyyy-MM-dd"}', '2024-03-05'],
  ['#{ | NowDateUtc | AddDays 1 | Format "yyyy-MM-dd"}', '2024-03-06'],
  ['#{Name | Sha256 4}', createHash('sha256').update('Octopus Deploy').digest('hex').slice(0, 8)],
  ['#{Name | Null}', null],
];

describe('filters through renderTemplate', () => {
  for (const [template, expected] of CASES) {
    it(`${template} → ${JSON.stringify(expected)}`, () => {
      const result = renderTemplate(template, VARS, { now });
      assert.equal(result.output, expected);
      assert.deepEqual(result.missing, []);
    });
  }
  it('a failing filter leaves the reference echoed and reported missing', () => {
    const result = renderTemplate('#{Name | Substring 99 1}', VARS, { now });
    assert.equal(result.missing.length, 1);
    assert.match(result.output ?? '', /^#\{Name \| Substring "?99"? "?1"?\}$/);
  });
});
