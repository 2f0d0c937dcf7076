/**
 * The template engine's failures: every one is a ValidationError (Sender, 400) with AWS's own
 * wording (cloudformation.md §A3); the helpers keep the prefixes AWS uses in one place.
 */
import { AwsError } from '../../errors.js';

/** Throws `ValidationError` with `message` as AWS writes it. */
export function fail(message: string): never {
  throw new AwsError('ValidationError', message);
}

/** Throws `Template format error: <message>` (structural problems found before anything runs). */
export function formatError(message: string): never {
  return fail(`Template format error: ${message}`);
}

/** AWS lists names as Java prints a collection: `[A, B]`. */
export function bracketList(names: Iterable<string>): string {
  return `[${[...names].join(', ')}]`;
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
