/**
 * Deployment history keeps what it happened to: an environment, channel or tenant that releases or
 * deployments point at cannot be deleted (deleting a project takes its whole history with it, as
 * a deliberate act on the project itself).
 */
import type { Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Database } from './types.js';

/** IN_USE when `id` (an environment, channel or tenant) has releases or deployments; else nothing. */
export async function assertNoHistory(
  trx: Transaction<Database>,
  what: 'environment' | 'channel' | 'tenant',
  id: string,
  name: string,
): Promise<void> {
  const count = async (
    table: 'deployments' | 'releases',
    column: 'environment_id' | 'channel_id' | 'tenant_id',
  ) =>
    Number(
      (
        await trx
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where(column, '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const n =
    what === 'channel'
      ? await count('releases', 'channel_id')
      : await count('deployments', what === 'environment' ? 'environment_id' : 'tenant_id');
  if (n === 0) return;
  const things = what === 'channel' ? `release${n === 1 ? '' : 's'}` : `deployment${n === 1 ? '' : 's'}`;
  throw new SlipwayError(
    'IN_USE',
    `Cannot delete ${what} "${name}": ${n} ${things} belong to it, and deployment history is kept. ` +
      (what === 'channel'
        ? 'Delete those releases first (or keep the channel).'
        : `Keep the ${what}, or delete the project${what === 'tenant' ? 's' : ''} whose history it is.`),
    { data: { entity: what, id, [what === 'channel' ? 'releases' : 'deployments']: n } },
  );
}
