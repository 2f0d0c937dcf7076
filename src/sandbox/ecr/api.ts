/** ECR API handlers (JSON 1.1): repositories and registry authorization tokens; images are in images.ts. */
import { randomBytes } from 'node:crypto';
import { ECR_TOKEN_TTL_SECONDS } from '../../core/aws-limits.js';
import {
  AwsError,
  invalidParameter,
  optionalBool,
  optionalString,
  optionalStringList,
  requireString,
} from '../errors.js';
import { epochSeconds, type CallContext, type JsonInput, type JsonService } from '../service.js';
import { batchDeleteImage, batchGetImage, describeImages, listImages, putImageAction } from './images.js';
import { objectField, registryOf } from './input.js';
import type { EcrRepository, EcrTag } from './model.js';
import { paginate } from './paging.js';
import { collectBlobs, getRepository, validateRepositoryName } from './store.js';

const MUTABILITY = ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'];
const ENCRYPTION = ['AES256', 'KMS', 'KMS_DSSE'];

function repositoryOut(r: EcrRepository, ctx: CallContext): Record<string, unknown> {
  return {
    repositoryArn: r.arn,
    registryId: r.registryId,
    repositoryName: r.name,
    repositoryUri: `${ctx.sandbox.registryHost}/${r.name}`,
    createdAt: epochSeconds(r.createdAt),
    imageTagMutability: r.imageTagMutability,
    ...(r.imageTagMutabilityExclusionFilters
      ? { imageTagMutabilityExclusionFilters: r.imageTagMutabilityExclusionFilters }
      : {}),
    imageScanningConfiguration: r.imageScanningConfiguration,
    encryptionConfiguration: r.encryptionConfiguration,
  };
}

function tagsField(input: JsonInput): EcrTag[] {
  const v = input.tags;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidParameter('tags must be a list.');
  if (v.length > 50)
    throw new AwsError('TooManyTagsException', 'The number of tags exceeds the limit of 50.');
  return v.map((t: unknown) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof o.Key !== 'string' || o.Key.length === 0 || typeof o.Value !== 'string') {
      throw new AwsError('InvalidTagParameterException', 'Every tag must have a non-empty Key and a Value.');
    }
    return { Key: o.Key, Value: o.Value };
  });
}

function createRepository(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'CreateRepository');
  const name = requireString(input, 'repositoryName');
  validateRepositoryName(name);
  const ecr = ctx.regionState.ecr;
  if (ecr.repositories[name]) {
    throw new AwsError(
      'RepositoryAlreadyExistsException',
      `The repository with name '${name}' already exists in the registry with id '${registryId}'`,
    );
  }
  const mutability = optionalString(input, 'imageTagMutability') ?? 'MUTABLE';
  if (!MUTABILITY.includes(mutability)) {
    throw invalidParameter(
      `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [${MUTABILITY.join(', ')}]'`,
    );
  }
  const filtersIn = input.imageTagMutabilityExclusionFilters;
  let filters: { filterType: string; filter: string }[] | undefined;
  if (filtersIn !== undefined && filtersIn !== null) {
    if (!Array.isArray(filtersIn))
      throw invalidParameter('imageTagMutabilityExclusionFilters must be a list.');
    filters = filtersIn.map((f: unknown) => {
      const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
      if (
        o.filterType !== 'WILDCARD' ||
        typeof o.filter !== 'string' ||
        !/^[0-9a-zA-Z._*-]{1,128}$/.test(o.filter)
      ) {
        throw invalidParameter(
          `Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'filterType must be WILDCARD and filter must match [0-9a-zA-Z._*-]{1,128}'`,
        );
      }
      return { filterType: o.filterType, filter: o.filter };
    });
  }
  if (mutability.endsWith('_WITH_EXCLUSION') !== (filters !== undefined && filters.length > 0)) {
    throw invalidParameter(
      `Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'exclusion filters are required with ${mutability.endsWith('_WITH_EXCLUSION') ? mutability : 'MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION'} only'`,
    );
  }
  const scan = objectField(input, 'imageScanningConfiguration');
  const enc = objectField(input, 'encryptionConfiguration');
  const encryptionType = enc?.encryptionType ?? 'AES256';
  if (typeof encryptionType !== 'string' || !ENCRYPTION.includes(encryptionType)) {
    throw invalidParameter(
      `Invalid parameter at 'encryptionConfiguration.encryptionType' failed to satisfy constraint: 'Member must satisfy enum value set: [${ENCRYPTION.join(', ')}]'`,
    );
  }
  if (enc?.kmsKey !== undefined && (typeof enc.kmsKey !== 'string' || encryptionType === 'AES256')) {
    throw invalidParameter('Invalid parameter: kmsKey can only be specified with the KMS encryption types.');
  }
  const repo: EcrRepository = {
    name,
    arn: `arn:aws:ecr:${ctx.region}:${registryId}:repository/${name}`,
    registryId,
    createdAt: ctx.now,
    imageTagMutability: mutability,
    ...(filters ? { imageTagMutabilityExclusionFilters: filters } : {}),
    imageScanningConfiguration: { scanOnPush: scan?.scanOnPush === true },
    encryptionConfiguration: {
      encryptionType,
      ...(typeof enc?.kmsKey === 'string' ? { kmsKey: enc.kmsKey } : {}),
    },
    tags: tagsField(input),
    images: {},
    layers: {},
  };
  ecr.repositories[name] = repo;
  ctx.sandbox.changed();
  return { repository: repositoryOut(repo, ctx) };
}

function describeRepositories(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'DescribeRepositories');
  const names = optionalStringList(input, 'repositoryNames');
  const ecr = ctx.regionState.ecr;
  if (names !== undefined) {
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw invalidParameter(
        `Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'repositoryNames cannot be used with nextToken or maxResults'`,
      );
    }
    const repos = [...new Set(names)].map((n) => getRepository(ecr, n, registryId));
    return { repositories: repos.map((r) => repositoryOut(r, ctx)) };
  }
  const all = Object.values(ecr.repositories).sort((a, b) => (a.name < b.name ? -1 : 1));
  const { page, nextToken } = paginate(all, input);
  return { repositories: page.map((r) => repositoryOut(r, ctx)), ...(nextToken ? { nextToken } : {}) };
}

function deleteRepository(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'DeleteRepository');
  const name = requireString(input, 'repositoryName');
  const ecr = ctx.regionState.ecr;
  const repo = getRepository(ecr, name, registryId);
  if (Object.keys(repo.images).length > 0 && optionalBool(input, 'force') !== true) {
    throw new AwsError(
      'RepositoryNotEmptyException',
      `The repository with name '${name}' in registry with id '${registryId}' cannot be deleted because it still contains images`,
    );
  }
  delete ecr.repositories[name];
  for (const [id, u] of Object.entries(ecr.uploads)) if (u.repository === name) delete ecr.uploads[id];
  collectBlobs(ecr);
  ctx.sandbox.changed();
  return { repository: repositoryOut(repo, ctx) };
}

function getAuthorizationToken(input: JsonInput, ctx: CallContext): unknown {
  const ids = optionalStringList(input, 'registryIds') ?? [ctx.account.id];
  if (ids.length < 1 || ids.length > 10) {
    throw invalidParameter(
      `Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must have length between 1 and 10'`,
    );
  }
  const tokens = ctx.sandbox.world.ecrTokens;
  // Expired tokens can never authenticate again, so they need not stay in the state file.
  for (const [p, t] of Object.entries(tokens)) if (t.expiresAt <= ctx.now) delete tokens[p];
  const expiresAt = ctx.now + ECR_TOKEN_TTL_SECONDS * 1000;
  const authorizationData = ids.map((id) => {
    if (!/^[0-9]{12}$/.test(id)) {
      throw invalidParameter(
        `Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy regular expression '[0-9]{12}''`,
      );
    }
    const password = randomBytes(48).toString('base64url');
    tokens[password] = { accountId: ctx.account.id, region: ctx.region, expiresAt };
    return {
      authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
      expiresAt: epochSeconds(expiresAt),
      proxyEndpoint: ctx.sandbox.endpoint,
    };
  });
  ctx.sandbox.changed();
  return { authorizationData };
}

export const ecrService: JsonService = {
  name: 'ecr',
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  actions: {
    CreateRepository: createRepository,
    DescribeRepositories: describeRepositories,
    DeleteRepository: deleteRepository,
    PutImage: putImageAction,
    BatchGetImage: batchGetImage,
    DescribeImages: describeImages,
    ListImages: listImages,
    BatchDeleteImage: batchDeleteImage,
    GetAuthorizationToken: getAuthorizationToken,
  },
};
