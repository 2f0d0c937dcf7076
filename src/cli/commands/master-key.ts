/** `slipway master-key rotate`: re-encrypts every stored secret under a new master key. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SlipwayError } from '../../core/errors.js';
import { DEFAULT_DATA_DIR } from '../../store/database.js';
import { DB_DIR } from '../../store/data-dir.js';

interface RotateOptions {
  dataDir: string;
  databaseUrl?: string;
}

export function registerMasterKey(program: Command): void {
  const masterKey = program.command('master-key').description('Manage the key that encrypts stored secrets.');
  masterKey
    .command('rotate')
    .description(
      'Re-encrypt every secret under a new master key, in one transaction. With a key file, a new key is ' +
        'generated into <data dir>/master.key (the old one is kept as master.key.previous until the next ' +
        'start confirms the new one); with SLIPWAY_MASTER_KEY, put the new key in SLIPWAY_NEW_MASTER_KEY ' +
        'first. Refused while a server uses the embedded database; restart the servers afterwards.',
    )
    .option('--data-dir <dir>', 'data directory (embedded database, keys)', DEFAULT_DATA_DIR)
    .option(
      '--database-url <url>',
      'PostgreSQL URL instead of the embedded database (default: $DATABASE_URL)',
    )
    .action(async (opts: RotateOptions) => {
      const [{ openStore }, { rotateInstallationKey }] = await Promise.all([
        import('../../store/database.js'),
        import('../../store/key-rotation.js'),
      ]);
      const databaseUrl = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined);
      // Rotating is for an existing installation: a mistyped --data-dir must not create a database.
      if (!databaseUrl && !existsSync(join(opts.dataDir, DB_DIR, 'PG_VERSION'))) {
        throw new SlipwayError(
          'STORE_UNAVAILABLE',
          `There is no embedded database in ${resolve(opts.dataDir)}: check --data-dir (or pass --database-url).`,
          { data: { dataDir: resolve(opts.dataDir), reason: 'missing' } },
        );
      }
      const store = await openStore({ dataDir: opts.dataDir, databaseUrl });
      try {
        const r = await rotateInstallationKey(store, { dataDir: opts.dataDir });
        for (const notice of r.notices) process.stderr.write(`${notice}\n`);
        process.stderr.write(
          `Re-encrypted ${r.reencrypted} secret${r.reencrypted === 1 ? '' : 's'} from key ${r.oldKeyId} to ` +
            `${r.newKeyId}${r.alreadyCurrent ? ` (${r.alreadyCurrent} already under it)` : ''}.\n` +
            (r.source === 'file'
              ? 'The data directory’s master.key holds the new key, master.key.previous the old one until the ' +
                'next start confirms the new key. Restart every server using it.\n'
              : 'Now set SLIPWAY_MASTER_KEY to the value of SLIPWAY_NEW_MASTER_KEY and restart every server.\n'),
        );
      } finally {
        await store.close();
      }
    });
}
