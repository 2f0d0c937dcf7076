/** ECR image actions: PutImage, BatchGetImage, DescribeImages, ListImages, BatchDeleteImage. */
import { AwsError, invalidParameter, optionalString, requireString } from '../errors.js';
import { epochSeconds, type CallContext, type JsonInput } from '../service.js';
import { objectField, registryOf } from './input.js';
import { DIGEST_PATTERN } from './manifest.js';
import type { EcrImage, EcrRepository } from './model.js';
import { paginate } from './paging.js';
import { findImage, getRepository, putImage, referencingIndexes, sortedImages } from './store.js';

const TAG_STATUS = ['TAGGED', 'UNTAGGED', 'ANY'];

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

function imageIdsField(input: JsonInput, required: boolean): ImageId[] | undefined {
  const v = input.imageIds;
  if (v === undefined || v === null) {
    if (required) throw invalidParameter('imageIds is required.');
    return undefined;
  }
  if (!Array.isArray(v)) throw invalidParameter('imageIds must be a list.');
  if (required && (v.length < 1 || v.length > 100)) {
    throw invalidParameter(
      `Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length between 1 and 100'`,
    );
  }
  return v.map((x: unknown) => {
    const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    return {
      ...(typeof o.imageDigest === 'string' ? { imageDigest: o.imageDigest } : {}),
      ...(typeof o.imageTag === 'string' ? { imageTag: o.imageTag } : {}),
    };
  });
}

/** The per-id validation ECR does in its batch calls: a failure, or undefined when the id is usable. */
function idFailure(id: ImageId): Record<string, unknown> | undefined {
  if (!id.imageDigest && !id.imageTag) {
    return {
      imageId: id,
      failureCode: 'MissingDigestAndTag',
      failureReason: 'Invalid request parameters: both tag and digest cannot be null',
    };
  }
  if (id.imageDigest && !DIGEST_PATTERN.test(id.imageDigest)) {
    return {
      imageId: id,
      failureCode: 'InvalidImageDigest',
      failureReason:
        "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
    };
  }
  return undefined;
}

function notFound(id: ImageId): Record<string, unknown> {
  return { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
}

function tagStatusFilter(input: JsonInput): string {
  const f = objectField(input, 'filter');
  const s = f?.tagStatus;
  if (s === undefined || s === null) return 'ANY';
  if (typeof s !== 'string' || !TAG_STATUS.includes(s)) {
    throw invalidParameter(
      `Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'`,
    );
  }
  return s;
}

function matchesTagStatus(img: EcrImage, status: string): boolean {
  return status === 'ANY' || (status === 'TAGGED') === img.tags.length > 0;
}

function imageDetail(img: EcrImage, repo: EcrRepository): Record<string, unknown> {
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageDigest: img.digest,
    ...(img.tags.length > 0 ? { imageTags: [...img.tags] } : {}),
    imageSizeInBytes: img.sizeInBytes,
    imagePushedAt: epochSeconds(img.pushedAt),
    imageManifestMediaType: img.mediaType,
    ...(img.artifactMediaType ? { artifactMediaType: img.artifactMediaType } : {}),
    ...(img.lastPulledAt !== undefined ? { lastRecordedPullTime: epochSeconds(img.lastPulledAt) } : {}),
  };
}

/** PutImage. */
/** PutImage's imageManifest limit (the model's max length): 4 MiB. */
const MAX_IMAGE_MANIFEST_LENGTH = 4_194_304;

export function putImageAction(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'PutImage');
  const repo = getRepository(ctx.regionState.ecr, requireString(input, 'repositoryName'), registryId);
  const manifest = requireString(input, 'imageManifest');
  if (manifest.length > MAX_IMAGE_MANIFEST_LENGTH) {
    throw invalidParameter(
      `Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length less than or equal to ${MAX_IMAGE_MANIFEST_LENGTH}'`,
    );
  }
  const tag = optionalString(input, 'imageTag');
  if (tag !== undefined && (tag.length < 1 || tag.length > 300)) {
    throw invalidParameter(
      `Invalid parameter at 'imageTag' failed to satisfy constraint: 'Member must have length between 1 and 300'`,
    );
  }
  const mediaType = optionalString(input, 'imageManifestMediaType');
  const digest = optionalString(input, 'imageDigest');
  // ECR would also insist that the layers were uploaded; the sandbox lets PutImage create images
  // from a bare manifest so that tests can make images exist without pushing blobs.
  const img = putImage(
    repo,
    {
      manifest,
      ...(mediaType !== undefined ? { mediaType } : {}),
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    },
    { now: ctx.now, requireBlobs: false, idempotent: false },
  );
  ctx.sandbox.changed();
  return {
    image: {
      registryId,
      repositoryName: repo.name,
      imageId: { imageDigest: img.digest, ...(tag !== undefined ? { imageTag: tag } : {}) },
      imageManifest: img.manifest,
      imageManifestMediaType: img.mediaType,
    },
  };
}

/** The images the ids name; ids that are malformed or name nothing go to `failures` as ECR reports them. */
function resolveImageIds(
  repo: EcrRepository,
  ids: ImageId[],
  failures: unknown[],
): { id: ImageId; img: EcrImage }[] {
  const found: { id: ImageId; img: EcrImage }[] = [];
  for (const id of ids) {
    const bad = idFailure(id);
    if (bad) {
      failures.push(bad);
      continue;
    }
    const img = findImage(repo, id);
    if (img) found.push({ id, img });
    else failures.push(notFound(id));
  }
  return found;
}

/** BatchGetImage. */
export function batchGetImage(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'BatchGetImage');
  const repo = getRepository(ctx.regionState.ecr, requireString(input, 'repositoryName'), registryId);
  const images: unknown[] = [];
  const failures: unknown[] = [];
  for (const { id, img } of resolveImageIds(repo, imageIdsField(input, true) ?? [], failures)) {
    images.push({
      registryId,
      repositoryName: repo.name,
      imageId: { imageDigest: img.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
      imageManifest: img.manifest,
      imageManifestMediaType: img.mediaType,
    });
  }
  return { images, failures };
}

/** DescribeImages. */
export function describeImages(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'DescribeImages');
  const repo = getRepository(ctx.regionState.ecr, requireString(input, 'repositoryName'), registryId);
  const status = tagStatusFilter(input);
  const ids = imageIdsField(input, false);
  if (ids !== undefined) {
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw invalidParameter(
        `Invalid parameter at 'imageIds' failed to satisfy constraint: 'imageIds cannot be used with nextToken or maxResults'`,
      );
    }
    const seen = new Set<string>();
    const details: unknown[] = [];
    for (const id of ids) {
      const img = idFailure(id) ? undefined : findImage(repo, id);
      if (!img) {
        throw new AwsError(
          'ImageNotFoundException',
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${registryId}'`,
        );
      }
      if (seen.has(img.digest) || !matchesTagStatus(img, status)) continue;
      seen.add(img.digest);
      details.push(imageDetail(img, repo));
    }
    return { imageDetails: details };
  }
  const all = sortedImages(repo).filter((i) => matchesTagStatus(i, status));
  const { page, nextToken } = paginate(all, input);
  return { imageDetails: page.map((i) => imageDetail(i, repo)), ...(nextToken ? { nextToken } : {}) };
}

/** ListImages. */
export function listImages(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'ListImages');
  const repo = getRepository(ctx.regionState.ecr, requireString(input, 'repositoryName'), registryId);
  const status = tagStatusFilter(input);
  const ids: ImageId[] = [];
  for (const img of sortedImages(repo)) {
    if (!matchesTagStatus(img, status)) continue;
    if (img.tags.length === 0) ids.push({ imageDigest: img.digest });
    for (const t of img.tags) ids.push({ imageDigest: img.digest, imageTag: t });
  }
  const { page, nextToken } = paginate(ids, input);
  return { imageIds: page, ...(nextToken ? { nextToken } : {}) };
}

/** BatchDeleteImage. */
export function batchDeleteImage(input: JsonInput, ctx: CallContext): unknown {
  const registryId = registryOf(input, ctx, 'BatchDeleteImage');
  const repo = getRepository(ctx.regionState.ecr, requireString(input, 'repositoryName'), registryId);
  const deleted: ImageId[] = [];
  const failures: unknown[] = [];
  for (const { id, img } of resolveImageIds(repo, imageIdsField(input, true) ?? [], failures)) {
    if (id.imageTag && !id.imageDigest && img.tags.length > 1) {
      // Deleting by tag only removes the tag while the image has others.
      img.tags = img.tags.filter((t) => t !== id.imageTag);
      deleted.push({ imageDigest: img.digest, imageTag: id.imageTag });
      continue;
    }
    const refs = referencingIndexes(repo, img.digest);
    if (refs.length > 0) {
      failures.push({
        imageId: id,
        failureCode: 'ImageReferencedByManifestList',
        failureReason: `Requested image referenced by manifest list: [${refs.join(', ')}]`,
      });
      continue;
    }
    delete repo.images[img.digest];
    if (img.tags.length === 0) deleted.push({ imageDigest: img.digest });
    for (const t of img.tags) deleted.push({ imageDigest: img.digest, imageTag: t });
  }
  if (deleted.length > 0) ctx.sandbox.changed();
  return { imageIds: deleted, failures };
}
