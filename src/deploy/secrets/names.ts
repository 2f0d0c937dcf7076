/**
 * Where a delivered secret lives in Parameter Store (docs/security.md, "How secrets reach tasks"):
 *
 *   /slipway/<project>/<environment>/<tenant>/<cluster>/<service>/<container>/<NAME>
 *
 * `<tenant>` is the tenant's name, or `.untenanted` for an untenanted deployment. Every part is
 * written with an injective escape (see `encodeSegment`), so two different names never share a
 * parameter: a secret of one environment or tenant can never be read by another's tasks. The
 * cluster and service make the name unique per ECS service (two steps, or two targets in one
 * account and region, never overwrite each other's values). Pure.
 */
import { SlipwayError } from '../../core/errors.js';

/** Where the parameter's values are used (names as people wrote them; escaped here). */
export interface SecretScope {
  project: string;
  environment: string;
  /** The tenant's name; absent for an untenanted deployment. */
  tenant?: string;
  cluster: string;
  service: string;
}

/** The root of every parameter Slipway writes. */
export const PARAMETER_ROOT = '/slipway';

/** The tenant part of an untenanted deployment's names (no escaped name can start with ".u"). */
export const UNTENANTED_SEGMENT = '.untenanted';

/**
 * SSM's limit on a parameter name, counting the ARN's prefix (`arn:aws:ssm:region:account:parameter`):
 * 2,048 minus 1,037 characters it keeps for itself.
 */
export const MAX_PARAMETER_ARN_LENGTH = 1011;

const KEEP = /[A-Za-z0-9_-]/;

/**
 * A name as one level of a parameter name: letters, digits, `_` and `-` are kept; every other
 * character becomes `.` and the upper-case hex of each of its UTF-8 bytes (`Prod EU` → `Prod.20EU`,
 * `a.b` → `a.2Eb`). Injective: `.` only ever starts an escape.
 */
export function encodeSegment(name: string): string {
  let out = '';
  for (const ch of name) {
    if (KEEP.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of new TextEncoder().encode(ch))
      out += `.${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The parameter name of `variable` of `container` in `scope`. */
export function parameterName(scope: SecretScope, container: string, variable: string): string {
  const parts = [
    scope.project,
    scope.environment,
    scope.tenant === undefined ? undefined : scope.tenant,
    scope.cluster,
    scope.service,
    container,
    variable,
  ];
  const encoded = parts.map((p, i) => (i === 2 && p === undefined ? UNTENANTED_SEGMENT : encodeSegment(p!)));
  return `${PARAMETER_ROOT}/${encoded.join('/')}`;
}

/** The AWS partition of a region (`aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/**
 * The ARN of a parameter (name starting with "/"). Throws INVALID_INPUT when it is longer than SSM
 * accepts, naming the parts to shorten.
 */
export function parameterArn(region: string, account: string, name: string): string {
  const arn = `arn:${partitionOf(region)}:ssm:${region}:${account}:parameter${name}`;
  if (arn.length > MAX_PARAMETER_ARN_LENGTH) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `The Parameter Store name for a secret would be ${arn.length} characters with its ARN, over SSM's ${MAX_PARAMETER_ARN_LENGTH} (${name.slice(0, 120)}...). ` +
        'Shorten the project, environment, tenant, service, container or variable name.',
      { data: { parameterName: name } },
    );
  }
  return arn;
}

/** A role's ARN from what a task definition holds (an ARN, or a name as ECS also accepts). */
export function roleArnOf(role: string, region: string, account: string): string {
  return role.startsWith('arn:') ? role : `arn:${partitionOf(region)}:iam::${account}:role/${role}`;
}
