/**
 * The pieces of the image reference grammar (Docker's distribution/reference rules), each
 * checked on its own so an error can say exactly which part is wrong.
 */
import { SlipwayError } from '../errors.js';

/**
 * One path component. Docker writes the separator as `[-]*`; `-+` accepts the same language but
 * cannot backtrack exponentially on long inputs.
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const DIGEST_ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
/** Docker's rule for algorithms it does not know: at least 32 hex characters. */
const ANY_HEX = /^[0-9a-fA-F]{32,}$/;
/** Hex lengths of the algorithms registries use; their hex must be lower-case (OCI image spec). */
const KNOWN_DIGESTS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Docker's limit on the registry plus path. */
export const MAX_NAME_LENGTH = 255;

/** What a valid reference looks like, appended to every parse error. */
export const REFERENCE_SHAPE =
  'a valid reference looks like [registry[:port]/]path/name[:tag][@sha256:<64 hex>], ' +
  'e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2.3 or nginx:1.27';

/** An IMAGE_REFERENCE_INVALID error quoting the input and naming the faulty part. */
export function invalidReference(input: string, part: string, problem: string): SlipwayError {
  return new SlipwayError(
    'IMAGE_REFERENCE_INVALID',
    `Invalid image reference ${JSON.stringify(input)}: ${problem}; ${REFERENCE_SHAPE}.`,
    { data: { input, part } },
  );
}

/** Docker's rule: the first of several components is a registry when it has `.` or `:` or is `localhost`. */
export function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** The problem with a path component, or undefined when it is valid. */
export function pathComponentProblem(component: string): string | undefined {
  if (component === '') {
    return "the repository has an empty path component (look for '//' or a leading or trailing '/')";
  }
  if (PATH_COMPONENT.test(component)) return undefined;
  if (/[A-Z]/.test(component) && PATH_COMPONENT.test(component.toLowerCase())) {
    return (
      `the repository must be lower-case, but ${JSON.stringify(component)} has upper-case letters ` +
      `(use ${JSON.stringify(component.toLowerCase())})`
    );
  }
  if (component.includes(':')) {
    return `the path component ${JSON.stringify(component)} has a ':' (only one tag is allowed, at the end)`;
  }
  return (
    `the path component ${JSON.stringify(component)} is invalid: components are lower-case letters and ` +
    "digits, with single '.', '_', '__' or dashes only between them"
  );
}

/** The problem with a registry `host[:port]`, or undefined when it is valid. */
export function registryProblem(registry: string): string | undefined {
  let host = registry;
  let port: string | undefined;
  const bracketEnd = registry.lastIndexOf(']');
  const colon = registry.lastIndexOf(':');
  // In `[::1]:5000` only a colon after the bracket starts the port.
  if (colon > bracketEnd) {
    host = registry.slice(0, colon);
    port = registry.slice(colon + 1);
  }
  if (port !== undefined) {
    if (port === '') return `the registry ${JSON.stringify(registry)} has an empty port after ':'`;
    if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return `the registry port ${JSON.stringify(port)} is not a port number (1-65535)`;
    }
  }
  if (host === '') return `the registry ${JSON.stringify(registry)} has no host name`;
  if (host.startsWith('[')) {
    return IPV6_HOST.test(host)
      ? undefined
      : `the registry host ${JSON.stringify(host)} is not an IPv6 address`;
  }
  if (host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) return undefined;
  return (
    `the registry host ${JSON.stringify(host)} is invalid: a host is dot-separated labels of letters, ` +
    "digits and inner '-' (for example 123456789012.dkr.ecr.eu-west-1.amazonaws.com or localhost:5000)"
  );
}

/** The problem with a tag, or undefined when it is valid. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return "the tag is empty (nothing follows ':')";
  if (TAG.test(tag)) return undefined;
  if (tag.length > 128) return `the tag is ${tag.length} characters long; at most 128 are allowed`;
  return (
    `the tag ${JSON.stringify(tag)} is invalid: a tag is letters, digits, '_', '.' and '-', ` +
    "and does not start with '.' or '-'"
  );
}

/** The problem with a digest `algorithm:hex`, or undefined when it is valid. */
export function digestProblem(digest: string): string | undefined {
  if (digest === '') return "the digest is empty (nothing follows '@')";
  const colon = digest.indexOf(':');
  if (colon < 0) {
    return `the digest ${JSON.stringify(digest)} has no algorithm; a digest is algorithm:hex, e.g. sha256:<64 hex>`;
  }
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) {
    return `the digest algorithm ${JSON.stringify(algorithm)} is invalid (expected e.g. sha256)`;
  }
  const length = KNOWN_DIGESTS[algorithm];
  if (length !== undefined) {
    if (hex.length === length && /^[0-9a-f]+$/.test(hex)) return undefined;
    if (hex.length === length && /^[0-9a-fA-F]+$/.test(hex)) {
      return `the ${algorithm} digest must be lower-case hex`;
    }
    return (
      `the ${algorithm} digest must be ${length} lower-case hex characters, ` +
      `but ${JSON.stringify(hex)} is ${hex.length} characters${/^[0-9a-fA-F]*$/.test(hex) ? '' : ' and not all hex'}`
    );
  }
  return ANY_HEX.test(hex)
    ? undefined
    : `the ${algorithm} digest must be at least 32 hex characters, but is ${JSON.stringify(hex)}`;
}
