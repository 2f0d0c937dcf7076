/**
 * From the model to the SDK: the credentials an AWS account resource (or an ECS target's assumed
 * role on top of one) stands for. The caller reveals the account's secret key from the store; the
 * server's ambient source (the SDK chain, or the embedded sandbox's keys) stands in for "ambient".
 */
import { SlipwayError } from '../core/errors.js';
import type { CredentialSource } from './credentials.js';

/** The fields of an AWS account document this mapping reads (see core/model/kinds/aws-account.ts). */
export type AwsAccountDoc =
  | { mode: 'keys'; accessKeyId: string }
  | { mode: 'role'; roleArn: string; externalId?: string; sessionDurationSeconds?: number }
  | { mode: 'ambient' };

/** What the server uses where an account says "ambient" (and where no account is named). */
export interface AmbientAws {
  credentials: CredentialSource;
  /** An endpoint for every service (the embedded sandbox); default: AWS's own. */
  endpoint?: string;
}

/** The server's default: the SDK's standard credential chain, AWS's endpoints. */
export const CHAIN_AMBIENT: AmbientAws = { credentials: { kind: 'chain' } };

/**
 * The credential source of an account. `secretAccessKey` is the revealed secret of a `keys`
 * account; `source` is what a `role` account assumes from (its sourceAccount's credentials, or
 * ambient). Throws AWS_CREDENTIALS when a keys account has no secret stored.
 */
export function accountCredentials(
  name: string,
  account: AwsAccountDoc,
  secretAccessKey: string | undefined,
  source: CredentialSource,
): CredentialSource {
  switch (account.mode) {
    case 'keys':
      if (!secretAccessKey) {
        throw new SlipwayError(
          'AWS_CREDENTIALS',
          `AWS account "${name}" has an access key id but no secret access key stored. ` +
            'Set secretAccessKey on the account (PUT it with the secret), then retry.',
          { data: { account: name } },
        );
      }
      return { kind: 'static', accessKeyId: account.accessKeyId, secretAccessKey };
    case 'role':
      return {
        kind: 'assume-role',
        roleArn: account.roleArn,
        ...(account.externalId === undefined ? {} : { externalId: account.externalId }),
        ...(account.sessionDurationSeconds === undefined
          ? {}
          : { durationSeconds: account.sessionDurationSeconds }),
        source,
      };
    case 'ambient':
      return source;
  }
}
