/**
 * Secrets in configuration files. A file writes a secret as `{ env: NAME }` (read from the
 * environment when applying) or, discouraged, as a plain string. Export never writes a value: each
 * secret that is set becomes `{ env: SLIPWAY_SECRET_<KIND>_<NAME>_<FIELD> }`.
 */
import { isSecretEnvReference, isSecretState } from '../model/secret.js';
import type { SecretPath } from '../model/resource.js';
import { formatPath, getAt, isRecord, setAt, deleteAt, type DocPath } from './names.js';

/** The concrete paths of `secretFields` in `doc` (`*` expanded over the lists it meets). */
export function secretPaths(doc: unknown, secretFields: readonly SecretPath[]): DocPath[] {
  const out: DocPath[] = [];
  const walk = (value: unknown, rest: readonly string[], at: (string | number)[]) => {
    const [head, ...tail] = rest;
    if (head === undefined) {
      if (value !== undefined) out.push(at);
      return;
    }
    if (head === '*') {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, tail, [...at, i]));
      return;
    }
    if (isRecord(value)) walk(value[head], tail, [...at, head]);
  };
  for (const field of secretFields) walk(doc, field, []);
  return out;
}

/** What resolving a document's secrets found. */
export interface SecretResolution {
  /** `{ env }` references whose variable is not set: `path: NAME`. */
  missing: string[];
  /** Paths of secrets written in the file as plain text. */
  plain: string[];
}

/**
 * Replaces each `{ env: NAME }` at `paths` in `doc` (in place) with the variable's value from `env`,
 * and reports missing variables and plain-text secrets. `where` is the document's path in the file.
 */
export function resolveSecrets(
  doc: unknown,
  paths: readonly DocPath[],
  env: Readonly<Record<string, string | undefined>>,
  where: string,
  into: SecretResolution,
): void {
  for (const path of paths) {
    const value = getAt(doc, path);
    const at = formatPath(path, where);
    if (isSecretEnvReference(value)) {
      const v = env[value.env];
      if (v === undefined || v === '') into.missing.push(`${at}: ${value.env}`);
      else setAt(doc, path, v);
    } else if (typeof value === 'string') {
      into.plain.push(at);
    }
  }
}

/** A name as part of an environment variable name: `Prod account` → `PROD_ACCOUNT`, `apiToken` → `API_TOKEN`. */
export function envToken(text: string): string {
  return (
    text
      .normalize('NFKD')
      // camelCase words become words of their own: secretAccessKey → SECRET_ACCESS_KEY
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toUpperCase() || 'X'
  );
}

/** Hands out unique environment variable names for exported secrets (a suffix _2, _3, ... on a clash). */
export class SecretNames {
  readonly #used = new Set<string>();
  /** Every name handed out, in order. */
  readonly names: string[] = [];

  /** `SLIPWAY_SECRET_<KIND>_<NAME>_<FIELD>`, made unique. */
  next(kind: string, name: string, field: string): string {
    const base = ['SLIPWAY_SECRET', envToken(kind), envToken(name), envToken(field)].join('_');
    let candidate = base;
    for (let n = 2; this.#used.has(candidate); n++) candidate = `${base}_${n}`;
    this.#used.add(candidate);
    this.names.push(candidate);
    return candidate;
  }
}

/**
 * For export: each secret at `paths` that is set becomes `{ env: NAME }` (named by `names`); one that
 * is not set is removed (in place). The field's path names it (`STEPS_0_ACTION_TOKEN`).
 */
export function secretsToEnvReferences(
  doc: unknown,
  paths: readonly DocPath[],
  kind: string,
  name: string,
  names: SecretNames,
): void {
  for (const path of paths) {
    const value = getAt(doc, path);
    if (isSecretState(value) && !value.set) {
      if (typeof path[path.length - 1] === 'string') deleteAt(doc, path);
      else setAt(doc, path, null);
    } else if (value !== null && value !== undefined) {
      // Anything else the server sends at a secret path is not a value we may write down.
      setAt(doc, path, { env: names.next(kind, name, path.join('_')) });
    }
  }
}
