import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSlipwayError } from '../../core/errors.js';
import { lockDataDir } from '../../store/data-dir-lock.js';
import { freshDemoDataDir } from './data-dir.js';

describe("the demo's data directory", () => {
  const root = mkdtempSync(join(tmpdir(), 'slipway-demo-dir-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('empties a directory an earlier demo made', async () => {
    const dir = await freshDemoDataDir(join(root, 'a'));
    writeFileSync(join(dir, 'left-over'), 'x');
    await freshDemoDataDir(dir);
    assert.deepEqual(readdirSync(dir), ['.slipway-demo']);
  });

  it('refuses a directory it did not make, and deletes nothing', async () => {
    const dir = join(root, 'b');
    mkdirSync(dir);
    writeFileSync(join(dir, 'precious'), 'x');
    await assert.rejects(freshDemoDataDir(dir), /was not made by `slipway demo`/);
    assert.ok(existsSync(join(dir, 'precious')));
  });

  it('refuses a directory that a running demo or server holds, and deletes nothing', async () => {
    const dir = await freshDemoDataDir(join(root, 'c'));
    writeFileSync(join(dir, 'master.key'), 'in use');
    const lock = await lockDataDir(dir);
    try {
      await assert.rejects(freshDemoDataDir(dir), (e: unknown) => {
        assert.ok(isSlipwayError(e));
        assert.equal(e.code, 'STORE_UNAVAILABLE');
        assert.match(e.message, new RegExp(String(process.pid)));
        return true;
      });
      assert.ok(existsSync(join(dir, 'master.key')));
    } finally {
      lock.release();
    }
  });
});
