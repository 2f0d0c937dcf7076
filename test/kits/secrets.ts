/** A secret box under a fresh random key, for tests that do not care which key encrypts. */
import { randomBytes } from 'node:crypto';
import { secretBoxFromKey, type SecretBox } from '../../src/store/secrets.js';

/** A new secret box with a random 256-bit master key. */
export function testSecrets(): SecretBox {
  return secretBoxFromKey(randomBytes(32));
}
