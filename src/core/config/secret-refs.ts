/**
 * The `{ env: NAME }` secrets of a configuration file, for an apply that does not run in a shell:
 * the web UI lists them (the person gives values for those they change) and keeps the stored value
 * of each one left without a value (`{ set: true }`, which a replace reads as "keep").
 */
import { RESOURCE_KINDS } from '../model/kinds/index.js';
import { isSecretEnvReference } from '../model/secret.js';
import type { DesiredState } from './config-file.js';
import { formatPath, getAt, setAt, type DocPath } from './names.js';
import { secretPaths } from './secrets.js';

/** One `{ env: NAME }` secret of a file: the variable's name and where it is. */
export interface SecretReference {
  name: string;
  path: string;
}

type Visit = (doc: unknown, path: DocPath, where: string) => void;

function eachSecret(state: DesiredState, visit: Visit): void {
  for (const e of state.entities) {
    if (e.kind === 'environment') continue;
    for (const p of secretPaths(e.input, RESOURCE_KINDS[e.kind].secretFields)) visit(e.input, p, e.path);
  }
  for (const set of state.variableSets) {
    set.input.forEach((v, i) => visit(v, ['value'], `${set.path}[${i}]`));
  }
}

/** Every `{ env: NAME }` secret of `state`, in file order. */
export function secretReferences(state: DesiredState): SecretReference[] {
  const out: SecretReference[] = [];
  eachSecret(state, (doc, path, where) => {
    const value = getAt(doc, path);
    if (isSecretEnvReference(value)) out.push({ name: value.env, path: formatPath(path, where) });
  });
  return out;
}

/**
 * A copy of `state` where each `{ env: NAME }` secret whose NAME has no value in `values` becomes
 * `{ set: true }`: the stored value stays (a new resource or variable without one is refused by
 * the server, naming the field).
 */
export function keepStoredSecrets(
  state: DesiredState,
  values: Readonly<Record<string, string | undefined>>,
): DesiredState {
  const copy = structuredClone(state);
  eachSecret(copy, (doc, path) => {
    const value = getAt(doc, path);
    if (isSecretEnvReference(value) && !values[value.env]) setAt(doc, path, { set: true });
  });
  return copy;
}
