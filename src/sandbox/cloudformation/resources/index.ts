/**
 * The sandbox's CloudFormation resource providers, as the stack engine finds them by type, and
 * which types AWS has at all (the rest is `Template format error: Unrecognized resource types`).
 */
import type { ProgressEvent, ResourceProvider, ResourceRequest } from '../contracts.js';
import { AWS_RESOURCE_TYPES } from './aws-types.generated.js';
import { clusterProvider } from './cluster.js';
import { roleProvider } from './iam-role.js';
import { logGroupProvider } from './log-group.js';
import { handlerErrorCode, handlerFailure, internalFailure, isAwsError } from './messages.js';
import { serviceProvider } from './service.js';
import { taskDefinitionProvider } from './task-definition.js';

export { unemulatedTypeMessage } from './messages.js';
export { CFN_TIMINGS } from './timings.js';

/**
 * A provider whose every call answers a ProgressEvent: an AwsError a handler did not expect
 * becomes a FAILED event in the handler wrapper, and any other error (a sandbox bug) an
 * InternalFailure, so one resource can never crash the stack engine.
 */
function guarded(p: ResourceProvider): ResourceProvider {
  const wrap =
    (call: (r: ResourceRequest) => ProgressEvent) =>
    (r: ResourceRequest): ProgressEvent => {
      try {
        return call(r);
      } catch (e) {
        if (isAwsError(e)) return handlerFailure(e.message, handlerErrorCode(e), r.physicalId);
        return internalFailure(e, r.physicalId);
      }
    };
  return { ...p, create: wrap(p.create), update: wrap(p.update), delete: wrap(p.delete) };
}

const PROVIDERS = new Map<string, ResourceProvider>(
  [taskDefinitionProvider, serviceProvider, clusterProvider, roleProvider, logGroupProvider].map((p) => [
    p.type,
    guarded(p),
  ]),
);

/** The provider of a resource type the sandbox emulates; undefined for any other type. */
export function providerFor(type: string): ResourceProvider | undefined {
  return PROVIDERS.get(type);
}

/** Types the sandbox emulates, in a stable order (for messages and docs). */
export const EMULATED_TYPES: readonly string[] = [...PROVIDERS.keys()];

const KNOWN = new Set(AWS_RESOURCE_TYPES);
/** Custom resources: `Custom::<name>`, letters, digits and `_@-`, up to 60 characters after the prefix. */
const CUSTOM = /^Custom::[A-Za-z0-9_@-]{1,60}$/;

/**
 * Whether AWS has the resource type at all (in any region, per cfn-lint's bundled schemas, plus
 * `Custom::*` custom resources). A known type the sandbox does not emulate fails its resource with
 * unemulatedTypeMessage; an unknown one is a template format error.
 */
export function isKnownResourceType(type: string): boolean {
  return KNOWN.has(type) || CUSTOM.test(type);
}
