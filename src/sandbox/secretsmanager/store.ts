/**
 * Secrets Manager's rules for finding secrets (by name, full ARN or partial ARN), their versions
 * and staging labels. Shared by the API handlers and the ECS engine (a task's `secrets`).
 */
import { randomInt } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { SecretsRegion, SmSecret, SmVersion } from './model.js';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SUFFIX_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function secretNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

export function markedDeleted(): AwsError {
  return new AwsError(
    'InvalidRequestException',
    "You tried to perform the operation on a secret that's currently marked deleted.",
  );
}

/** Checks a new secret's name (the characters AWS allows). */
export function checkSecretName(name: string): string {
  if (!NAME.test(name)) {
    // (shape of AWS's text)
    throw new AwsError(
      'InvalidParameterException',
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
  return name;
}

/** A new secret's ARN: the name and a hyphen with six random characters, as AWS makes them. */
export function secretArn(region: string, accountId: string, name: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
  return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`;
}

/** Forgets secrets whose recovery window has passed. */
export function purgeExpired(sm: SecretsRegion, now: number): void {
  for (const [arn, s] of Object.entries(sm.secrets)) {
    if (s.deleteAt !== undefined && s.deleteAt <= now) delete sm.secrets[arn];
  }
}

/** The secret a SecretId names: a full ARN, a name, or a partial ARN (no random suffix). */
export function findSecret(sm: SecretsRegion, id: string, now: number): SmSecret | undefined {
  purgeExpired(sm, now);
  const byArn = sm.secrets[id];
  if (byArn) return byArn;
  const all = Object.values(sm.secrets);
  if (id.startsWith('arn:')) return all.find((s) => s.arn.slice(0, -7) === id);
  return all.find((s) => s.name === id);
}

/** Like findSecret, but a missing secret is AWS's ResourceNotFoundException. */
export function getSecret(sm: SecretsRegion, id: string, now: number): SmSecret {
  const s = findSecret(sm, id, now);
  if (!s) throw secretNotFound();
  return s;
}

/** The version a request picks: by VersionId, by VersionStage, or AWSCURRENT. */
export function pickVersion(s: SmSecret, versionId?: string, stage?: string): SmVersion {
  if (versionId !== undefined) {
    const v = s.versions.find((x) => x.versionId === versionId);
    if (!v) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
      );
    }
    if (stage !== undefined && !v.stages.includes(stage)) {
      throw new AwsError(
        'InvalidRequestException',
        'You provided a VersionStage that is not associated to the provided VersionId.',
      );
    }
    return v;
  }
  const label = stage ?? CURRENT;
  const v = s.versions.find((x) => x.stages.includes(label));
  if (!v) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for staging label: ${label}`,
    );
  }
  return v;
}

/**
 * Adds a version with the given staging labels. AWSCURRENT moving to it turns the version that had
 * it into AWSPREVIOUS; other labels simply move. With a token already used: the same value is a
 * retry (the existing version), another value is ResourceExistsException.
 */
export function addVersion(
  s: SmSecret,
  token: string,
  value: { secretString?: string; secretBinary?: string },
  stages: string[],
  now: number,
): SmVersion {
  const same = s.versions.find((v) => v.versionId === token);
  if (same) {
    if (same.secretString === value.secretString && same.secretBinary === value.secretBinary) return same;
    throw new AwsError(
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${s.arn}.`,
    );
  }
  if (stages.includes(CURRENT)) {
    const old = s.versions.find((v) => v.stages.includes(CURRENT));
    for (const v of s.versions) v.stages = v.stages.filter((x) => x !== PREVIOUS);
    if (old) old.stages = [...old.stages.filter((x) => x !== CURRENT), PREVIOUS];
  }
  for (const v of s.versions) v.stages = v.stages.filter((x) => x === PREVIOUS || !stages.includes(x));
  const version: SmVersion = { versionId: token, ...value, stages: [...stages], createdDate: now };
  s.versions.push(version);
  // AWS deprecates versions without labels beyond about 100; keep the labelled ones and the latest.
  while (s.versions.length > 100) {
    const i = s.versions.findIndex((v) => v.stages.length === 0);
    if (i < 0) break;
    s.versions.splice(i, 1);
  }
  s.lastChangedDate = now;
  return version;
}

/** The value members of a request: exactly one of SecretString and SecretBinary, or none. */
export function valueOf(
  input: Record<string, unknown>,
): { secretString?: string; secretBinary?: string } | undefined {
  const str = input.SecretString;
  const bin = input.SecretBinary;
  const hasStr = typeof str === 'string';
  const hasBin = typeof bin === 'string';
  if (hasStr && hasBin) {
    throw new AwsError(
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (hasStr) {
    if (str.length > 65536) {
      throw new AwsError(
        'InvalidParameterException',
        'SecretString must be at most 65536 characters (the Secrets Manager quota).',
      );
    }
    return { secretString: str };
  }
  if (hasBin) return { secretBinary: bin };
  return undefined;
}

/** VersionIdsToStages of a secret: versions that carry at least one label. */
export function versionsToStages(s: SmSecret): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of s.versions) if (v.stages.length > 0) out[v.versionId] = [...v.stages];
  return out;
}
