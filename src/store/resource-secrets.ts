/**
 * Secret fields of resource documents (kind.secretFields): taken out of the document before it is
 * stored, encrypted into resource_secrets (one row per field, bound to its row id), and shown in
 * the document only as `{ "set": true | false }`. Input forms are those of core/model/secret.ts.
 */
import type { Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { ResourceKind } from '../core/model/resource.js';
import { isSecretEnvReference, isSecretState } from '../core/model/secret.js';
import { dottedPath, expandSecretPath, formatPath, setAt } from './doc-path.js';
import { secretContext, type SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** The ciphertext context of one secret field's row (see ENCRYPTED_COLUMNS). */
export function resourceSecretContext(rowId: string): string {
  return secretContext('resource-secret', rowId, 'value');
}

/** The row id of a secret field: `${resourceId}:${dotted path}`. */
export function secretRowId(resourceId: string, path: string): string {
  return `${resourceId}:${path}`;
}

/**
 * Takes the secret fields out of `doc` (in place), leaving `{ set }` where each was, and returns
 * the values to store by dotted path. `stored` holds the current values (undefined on create), for
 * `{ "set": true }` (keep). INVALID_INPUT names each field given in a form the store refuses.
 */
export function extractSecrets(
  kind: ResourceKind,
  doc: Record<string, unknown>,
  root: string,
  stored: ReadonlyMap<string, string> | undefined,
): Map<string, string> {
  const values = new Map<string, string>();
  const issues: string[] = [];
  for (const pattern of kind.secretFields) {
    for (const path of expandSecretPath(doc, pattern)) {
      const key = dottedPath(path);
      const where = `${root}.${formatPath(path)}`;
      let input: unknown = doc;
      for (const p of path) input = (input as Record<string | number, unknown>)[p];
      if (typeof input === 'string') {
        values.set(key, input);
      } else if (isSecretEnvReference(input)) {
        issues.push(
          `${where}: {"env": ...} references are resolved by \`slipway apply\` from its environment; send the value itself`,
        );
      } else if (isSecretState(input) && input.set) {
        const keep = stored?.get(key);
        if (keep === undefined) {
          issues.push(
            `${where}: {"set": true} keeps the stored value, but there is nothing to keep; send the value`,
          );
        } else {
          values.set(key, keep);
        }
      }
      // null and {"set": false}: no value.
      setAt(doc, path, { set: values.has(key) });
    }
  }
  if (issues.length > 0) {
    throw new SlipwayError('INVALID_INPUT', `Invalid ${root}: ${issues.join('; ')}`, { data: { issues } });
  }
  return values;
}

/** The decrypted secret fields of a resource by dotted path. */
export async function readSecrets(
  trx: Transaction<Database>,
  box: SecretBox,
  resourceId: string,
): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('resource_secrets')
    .select(['id', 'path', 'value'])
    .where('resource_id', '=', resourceId)
    .orderBy('path')
    .execute();
  return new Map(rows.map((r) => [r.path, box.decrypt(r.value, resourceSecretContext(r.id))]));
}

/** The top-level fields whose secret values differ between `before` and `after`. */
export function changedSecretFields(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string[] {
  const fields = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) !== after.get(key)) fields.add(key.split('.')[0]!);
  }
  return [...fields];
}

/** Writes the secret rows of a resource so they hold `after` (only changed values are re-encrypted). */
export async function writeSecrets(
  trx: Transaction<Database>,
  box: SecretBox,
  resourceId: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Promise<void> {
  const gone = [...before.keys()].filter((k) => !after.has(k)).map((k) => secretRowId(resourceId, k));
  if (gone.length > 0) await trx.deleteFrom('resource_secrets').where('id', 'in', gone).execute();
  for (const [path, value] of after) {
    if (before.get(path) === value) continue;
    const id = secretRowId(resourceId, path);
    const cipher = box.encrypt(value, resourceSecretContext(id));
    await trx
      .insertInto('resource_secrets')
      .values({ id, resource_id: resourceId, path, value: cipher })
      .onConflict((oc) => oc.column('id').doUpdateSet({ value: cipher }))
      .execute();
  }
}
