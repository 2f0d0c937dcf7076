/**
 * Every migration, in order. Forward-only: a released migration is never edited or removed; a change
 * is a new file `NNNN_name.ts` exporting `up(db)`, added at the end of this list.
 */
import type { Kysely } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_users_and_api_keys.js';
import * as m0003 from './0003_model.js';
import * as m0004 from './0004_releases.js';
import * as m0005 from './0005_engine.js';
import * as m0006 from './0006_task_log_events.js';
import * as m0007 from './0007_deployment_stalls.js';
import * as m0008 from './0008_workers.js';
import * as m0009 from './0009_sessions.js';

/** One migration: a name (`NNNN_what`) and the function that applies it inside a transaction. */
export interface Migration {
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

/** The migrations Slipway applies at start-up, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { name: '0001_foundation', up: m0001.up },
  { name: '0002_users_and_api_keys', up: m0002.up },
  { name: '0003_model', up: m0003.up },
  { name: '0004_releases', up: m0004.up },
  { name: '0005_engine', up: m0005.up },
  { name: '0006_task_log_events', up: m0006.up },
  { name: '0007_deployment_stalls', up: m0007.up },
  { name: '0008_workers', up: m0008.up },
  { name: '0009_sessions', up: m0009.up },
];
