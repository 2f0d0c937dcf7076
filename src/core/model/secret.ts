/**
 * Secret fields (AWS secret keys, feed passwords, sensitive variable values) are write-only: the
 * API never returns a value, only whether one is set. One input schema serves every boundary:
 *
 * - `"value"`: set (or replace) the secret;
 * - `null`: clear it;
 * - `{ "set": true }` (what a read returns): keep the stored value, so a read-modify-write round
 *   trip never needs the secret;
 * - `{ "env": "NAME" }`: only in configuration files; `slipway apply` replaces it with the value of
 *   the environment variable NAME before sending, and the store refuses it.
 */
import { z } from 'zod';

/** What a read shows for a secret field. */
export interface SecretState {
  set: boolean;
}

/** A secret as callers write it. */
export type SecretInput = string | null | SecretState | { env: string };

/** Environment variable names a config file may reference (POSIX portable names). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The schema of a secret field (see the module comment for the four forms). */
export function secretSchema(what: string) {
  return z.union(
    [
      z.string().min(1, { error: `${what} must not be empty (send null to clear it)` }),
      z.null(),
      z.strictObject({ set: z.boolean() }),
      z.strictObject({
        env: z.string().regex(ENV_NAME, { error: `${what}.env must be an environment variable name` }),
      }),
    ],
    {
      error: `${what} must be a string (the new value), null (clear it), {"set": true} (keep it) or {"env": "NAME"} (config files)`,
    },
  );
}

/** True when `value` is the keep-as-is form `{ set: ... }`. */
export function isSecretState(value: unknown): value is SecretState {
  return typeof value === 'object' && value !== null && 'set' in value && !('env' in value);
}

/** True when `value` is the config-file form `{ env: NAME }`. */
export function isSecretEnvReference(value: unknown): value is { env: string } {
  return typeof value === 'object' && value !== null && 'env' in value;
}
