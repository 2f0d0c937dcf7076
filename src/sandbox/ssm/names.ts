/**
 * Parameter names as Parameter Store reads them: the `/a/b` hierarchy rules with AWS's messages,
 * ARNs, `name:version` selectors, and how a SecureString value looks without decryption.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { CallContext } from '../service.js';

/** AWS's limit on hierarchy depth. */
export const MAX_LEVELS = 15;
/** The longest name (AWS: 1011 characters including the ARN prefix; the name alone is checked here). */
const MAX_NAME = 1011;
const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/;

/** SSM's validation error. */
export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

const RESERVED_PREFIX =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can ' +
  'consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and ' +
  'the following 3 symbols .-_';

/** Checks a parameter name for PutParameter (AWS's rules and wording); returns it. */
export function checkName(name: string): string {
  if (name.length > MAX_NAME) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME}`,
    );
  }
  const bare = name.replace(/^\/+/, '').toLowerCase();
  if (!NAME_CHARS.test(name) || bare.startsWith('aws') || bare.startsWith('ssm')) {
    throw validation(RESERVED_PREFIX);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation('Parameter name must be a fully qualified name.');
  }
  if (name.includes('//') || (name.length > 1 && name.endsWith('/'))) throw validation(RESERVED_PREFIX);
  if (name.split('/').length - 1 > MAX_LEVELS) {
    // (shape of AWS's text)
    throw new AwsError(
      'HierarchyLevelLimitExceededException',
      `A hierarchy can have a maximum of ${MAX_LEVELS} levels. For more information, see Requirements and constraints for parameter names in the AWS Systems Manager User Guide.`,
    );
  }
  return name;
}

/** Checks a path for GetParametersByPath and the Path filter. */
export function checkPath(path: string): string {
  const ok =
    path.startsWith('/') &&
    NAME_CHARS.test(path) &&
    !path.includes('//') &&
    !/^\/(aws|ssm)/i.test(path) &&
    path.split('/').length - 1 <= MAX_LEVELS + 1;
  if (!ok) {
    throw validation(
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
        'It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). ' +
        'Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.',
    );
  }
  return path;
}

/** The parameter's ARN: the name without its leading slash after `parameter/`. */
export function parameterArn(ctx: Pick<CallContext, 'region' | 'account'>, name: string): string {
  return `arn:aws:ssm:${ctx.region}:${ctx.account.id}:parameter/${name.replace(/^\//, '')}`;
}

/** A name or ARN as given to Get*, split into the name candidates and an optional `:selector`. */
export interface NameRef {
  /** Names to try, in order (an ARN `parameter/a` may mean `a` or `/a`). */
  names: string[];
  /** The selector as given, with its colon (`:3`, `:prod`), when there is one. */
  selector?: string;
  /** The account and region an ARN names (undefined for a plain name). */
  account?: string;
  region?: string;
}

/** Reads `name`, `name:version`, `arn:aws:ssm:r:a:parameter/name[:version]`. */
export function parseRef(ref: string): NameRef {
  const arn = /^arn:aws[a-z-]*:ssm:([^:]*):(\d{12}):parameter\/(.*)$/.exec(ref);
  const rest = arn ? arn[3]! : ref;
  const colon = rest.indexOf(':');
  const bare = colon < 0 ? rest : rest.slice(0, colon);
  const selector = colon < 0 ? undefined : rest.slice(colon);
  if (!arn) return { names: [bare], ...(selector !== undefined ? { selector } : {}) };
  const names = bare.includes('/') ? [`/${bare}`] : [bare, `/${bare}`];
  return {
    names,
    ...(selector !== undefined ? { selector } : {}),
    account: arn[2]!,
    region: arn[1]!,
  };
}

/**
 * What a SecureString value looks like without WithDecryption: a base64 KMS-style ciphertext blob.
 * It is derived by hashing (never reversible) and is stable for one version of one parameter.
 */
export function ciphertextOf(name: string, version: number, keyId: string, value: string): string {
  const header = Buffer.from([0x01, 0x02, 0x02, 0x00, 0x78]);
  const blocks: Buffer[] = [header];
  const length = Buffer.byteLength(value) + 120;
  for (let i = 0; Buffer.concat(blocks).length < length; i++) {
    blocks.push(createHash('sha256').update(`${i}\0${keyId}\0${name}\0${version}\0${value}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, length).toString('base64');
}
