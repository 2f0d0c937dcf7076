/**
 * Secrets Manager (JSON 1.1, target prefix secretsmanager): create, read, version, update, delete
 * and tag secrets. DescribeSecret and ListSecrets are in api-read.ts.
 */
import { AwsError } from '../errors.js';
import { epochSeconds, type CallContext, type JsonInput, type JsonService } from '../service.js';
import { mergeTags, optBool, optInt, optStr, optStrList, reqStr, reqStrList, tagList } from '../ssm/input.js';
import { describeSecret, listSecrets } from './api-read.js';
import { secretsOf, type SmSecret } from './model.js';
import {
  addVersion,
  checkSecretName,
  CURRENT,
  findSecret,
  getSecret,
  markedDeleted,
  pickVersion,
  secretArn,
  valueOf,
} from './store.js';

const DAY = 24 * 3600 * 1000;

function token(input: JsonInput, ctx: CallContext): string {
  const t = optStr(input, 'ClientRequestToken') ?? ctx.sandbox.uuid();
  if (t.length < 32 || t.length > 64) {
    throw new AwsError('InvalidParameterException', 'ClientRequestToken must be 32-64 characters long.');
  }
  return t;
}

function live(ctx: CallContext, id: string): SmSecret {
  const s = getSecret(secretsOf(ctx.regionState), id, ctx.now);
  if (s.deletedDate !== undefined) throw markedDeleted();
  return s;
}

function createSecret(input: JsonInput, ctx: CallContext): unknown {
  const name = checkSecretName(reqStr(input, 'Name'));
  const sm = secretsOf(ctx.regionState);
  const value = valueOf(input);
  const versionId = token(input, ctx);
  const existing = findSecret(sm, name, ctx.now);
  if (existing) {
    if (existing.deletedDate !== undefined) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    // A retry of the same call (same token, same value) answers as the first one did.
    const same = existing.versions.find((v) => v.versionId === versionId);
    if (same && same.secretString === value?.secretString && same.secretBinary === value?.secretBinary) {
      return { ARN: existing.arn, Name: existing.name, VersionId: same.versionId };
    }
    throw new AwsError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  }
  const tags = tagList(input, 'Tags') ?? [];
  const description = optStr(input, 'Description');
  const kmsKeyId = optStr(input, 'KmsKeyId');
  const s: SmSecret = {
    arn: secretArn(ctx.region, ctx.account.id, name),
    name,
    ...(description !== undefined ? { description } : {}),
    ...(kmsKeyId !== undefined && kmsKeyId !== '' ? { kmsKeyId } : {}),
    tags,
    createdDate: ctx.now,
    lastChangedDate: ctx.now,
    versions: [],
  };
  if (value) addVersion(s, versionId, value, [CURRENT], ctx.now);
  sm.secrets[s.arn] = s;
  ctx.sandbox.changed();
  return { ARN: s.arn, Name: s.name, ...(value ? { VersionId: versionId } : {}) };
}

function getSecretValue(input: JsonInput, ctx: CallContext): unknown {
  const s = live(ctx, reqStr(input, 'SecretId'));
  const v = pickVersion(s, optStr(input, 'VersionId'), optStr(input, 'VersionStage'));
  // AWS records the day of the last access, not the time.
  s.lastAccessedDate = Math.floor(ctx.now / DAY) * DAY;
  return {
    ARN: s.arn,
    Name: s.name,
    VersionId: v.versionId,
    ...(v.secretString !== undefined ? { SecretString: v.secretString } : {}),
    ...(v.secretBinary !== undefined ? { SecretBinary: v.secretBinary } : {}),
    VersionStages: [...v.stages],
    CreatedDate: epochSeconds(v.createdDate),
  };
}

function putSecretValue(input: JsonInput, ctx: CallContext): unknown {
  const s = live(ctx, reqStr(input, 'SecretId'));
  const value = valueOf(input);
  if (!value) {
    // (shape of AWS's text)
    throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
  }
  const stages = optStrList(input, 'VersionStages') ?? [CURRENT];
  const v = addVersion(s, token(input, ctx), value, stages, ctx.now);
  ctx.sandbox.changed();
  return { ARN: s.arn, Name: s.name, VersionId: v.versionId, VersionStages: [...v.stages] };
}

function updateSecret(input: JsonInput, ctx: CallContext): unknown {
  const s = live(ctx, reqStr(input, 'SecretId'));
  const value = valueOf(input);
  const description = optStr(input, 'Description');
  const kmsKeyId = optStr(input, 'KmsKeyId');
  if (description !== undefined) s.description = description;
  if (kmsKeyId !== undefined) s.kmsKeyId = kmsKeyId;
  s.lastChangedDate = ctx.now;
  const v = value ? addVersion(s, token(input, ctx), value, [CURRENT], ctx.now) : undefined;
  ctx.sandbox.changed();
  return { ARN: s.arn, Name: s.name, ...(v ? { VersionId: v.versionId } : {}) };
}

function deleteSecret(input: JsonInput, ctx: CallContext): unknown {
  const id = reqStr(input, 'SecretId');
  const force = optBool(input, 'ForceDeleteWithoutRecovery') ?? false;
  const windowDays =
    input.RecoveryWindowInDays === undefined
      ? undefined
      : optInt(input, 'RecoveryWindowInDays', -(2 ** 53), 2 ** 53);
  if (force && windowDays !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  if (windowDays !== undefined && (windowDays < 7 || windowDays > 30)) {
    throw new AwsError(
      'InvalidParameterException',
      'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    );
  }
  const sm = secretsOf(ctx.regionState);
  const s = getSecret(sm, id, ctx.now);
  if (s.deletedDate !== undefined && !force) throw markedDeleted();
  let deletionDate = ctx.now;
  if (force) delete sm.secrets[s.arn];
  else {
    deletionDate = ctx.now + (windowDays ?? 30) * DAY;
    s.deletedDate = ctx.now;
    s.deleteAt = deletionDate;
  }
  ctx.sandbox.changed();
  return { ARN: s.arn, Name: s.name, DeletionDate: epochSeconds(deletionDate) };
}

function restoreSecret(input: JsonInput, ctx: CallContext): unknown {
  const s = getSecret(secretsOf(ctx.regionState), reqStr(input, 'SecretId'), ctx.now);
  delete s.deletedDate;
  delete s.deleteAt;
  ctx.sandbox.changed();
  return { ARN: s.arn, Name: s.name };
}

function tagResource(input: JsonInput, ctx: CallContext): unknown {
  const s = live(ctx, reqStr(input, 'SecretId'));
  const tags = tagList(input, 'Tags');
  if (!tags) {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  }
  s.tags = mergeTags(s.tags, tags);
  ctx.sandbox.changed();
  return {};
}

function untagResource(input: JsonInput, ctx: CallContext): unknown {
  const s = live(ctx, reqStr(input, 'SecretId'));
  const keys = reqStrList(input, 'TagKeys', 0, 1000);
  s.tags = s.tags.filter((t) => !keys.includes(t.Key));
  ctx.sandbox.changed();
  return {};
}

export const secretsManagerService: JsonService = {
  name: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  actions: {
    CreateSecret: createSecret,
    GetSecretValue: getSecretValue,
    PutSecretValue: putSecretValue,
    UpdateSecret: updateSecret,
    DescribeSecret: describeSecret,
    ListSecrets: listSecrets,
    DeleteSecret: deleteSecret,
    RestoreSecret: restoreSecret,
    TagResource: tagResource,
    UntagResource: untagResource,
  },
};
