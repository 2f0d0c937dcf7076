/**
 * The credentials behind an AWS account resource, read from the store: the account's document,
 * its secret key revealed, and for a role account the credentials it assumes from (its source
 * account's, else ambient). Shared by the API (feed tags) and the deployment engine.
 */
import { accountCredentials, type AmbientAws, type AwsAccountDoc } from '../aws/account-credentials.js';
import type { CredentialSource } from '../aws/credentials.js';
import { SlipwayError } from '../core/errors.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { Kysely } from 'kysely';
import { resourcesRepository } from './resources.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

// A role assumed from a role assumed from ...: AWS allows chains, but a loop must end with an error.
const MAX_CHAIN = 5;

/**
 * The credential source of account `accountId` in `spaceId` (undefined id = ambient). Throws
 * NOT_FOUND for a missing account and CONFIG for a chain of source accounts that loops.
 */
export async function awsAccountCredentials(
  db: Kysely<Database>,
  secrets: SecretBox,
  spaceId: string,
  accountId: string | undefined,
  ambient: AmbientAws,
): Promise<CredentialSource> {
  const accounts = resourcesRepository(db, secrets, RESOURCE_KINDS['aws-account']);
  const resolveAccount = async (id: string | undefined, depth: number): Promise<CredentialSource> => {
    if (id === undefined) return ambient.credentials;
    if (depth > MAX_CHAIN) {
      throw new SlipwayError(
        'CONFIG',
        `AWS account ${id} assumes its role through more than ${MAX_CHAIN} source accounts (a loop?). ` +
          'Point sourceAccount at an account with keys, or leave it empty to use the ambient credentials.',
        { data: { accountId: id } },
      );
    }
    const account = await accounts.get(spaceId, id);
    const doc = account.data as AwsAccountDoc & { sourceAccount?: string };
    const secret =
      doc.mode === 'keys' ? (await accounts.revealSecrets(spaceId, id)).secretAccessKey : undefined;
    const source =
      doc.mode === 'role' ? await resolveAccount(doc.sourceAccount, depth + 1) : ambient.credentials;
    return accountCredentials(account.name, doc, secret, source);
  };
  return resolveAccount(accountId, 0);
}
