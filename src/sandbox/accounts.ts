/** Sandbox accounts: each has an id, a name and long-term access keys. */
import { randomBytes } from 'node:crypto';
import { SlipwayError } from '../core/errors.js';
import { emptyIamAccount } from './iam/model.js';
import { DEFAULT_ACCOUNT } from './runtime.js';
import type { AccountState, WorldState } from './world.js';

const ACCOUNT_ID = /^\d{12}$/;

function newAccessKeyId(): string {
  return 'AKIA' + randomBytes(10).toString('hex').toUpperCase().slice(0, 16);
}

/** Creates an account with one access key. `id` defaults to the next free 12-digit id. */
export function createAccount(
  world: WorldState,
  fields: { id?: string; name: string; accessKeyId?: string; secretAccessKey?: string },
): AccountState {
  let id = fields.id;
  if (id === undefined) {
    let n = 100000000000 + Object.keys(world.accounts).length + 1;
    while (world.accounts[String(n)]) n++;
    id = String(n);
  }
  if (!ACCOUNT_ID.test(id)) {
    throw new SlipwayError('INVALID_INPUT', `Account id "${id}" must be 12 digits, like 123456789012.`);
  }
  if (world.accounts[id]) throw new SlipwayError('INVALID_INPUT', `Account ${id} already exists.`);
  const account: AccountState = {
    id,
    name: fields.name,
    accessKeys: [
      {
        accessKeyId: fields.accessKeyId ?? newAccessKeyId(),
        secretAccessKey: fields.secretAccessKey ?? randomBytes(30).toString('base64'),
      },
    ],
    iam: emptyIamAccount(),
    regions: {},
  };
  world.accounts[id] = account;
  return account;
}

/** Adds the default account with its fixed, documented keys. */
export function seedDefaultAccount(world: WorldState): AccountState {
  return (
    world.accounts[DEFAULT_ACCOUNT.id] ??
    createAccount(world, {
      id: DEFAULT_ACCOUNT.id,
      name: DEFAULT_ACCOUNT.name,
      accessKeyId: DEFAULT_ACCOUNT.accessKeyId,
      secretAccessKey: DEFAULT_ACCOUNT.secretAccessKey,
    })
  );
}
