/** docs/errors.md has exactly one row per error code, with the code's owner. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { ERROR_CODES } from '../src/core/errors.js';

it('docs/errors.md lists every error code once, with its owner', () => {
  const doc = readFileSync(resolve(import.meta.dirname, '../docs/errors.md'), 'utf8');
  const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\w+)\s*\|/gm)].map((m) => [m[1]!, m[2]!] as const);
  const documented = new Map<string, string>();
  for (const [code, owner] of rows) {
    assert.ok(!documented.has(code), `${code} is documented twice`);
    documented.set(code, owner);
  }
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.equal(
      documented.get(code),
      info.owner,
      `docs/errors.md: ${code} must have a row with owner ${info.owner}`,
    );
  }
  for (const code of documented.keys()) {
    assert.ok(
      code in ERROR_CODES,
      `docs/errors.md documents ${code}, which src/core/errors.ts does not define`,
    );
  }
});
