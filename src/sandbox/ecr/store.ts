/**
 * Repository and image operations shared by the ECR API and the registry: both fronts push into,
 * read from and delete from the same data, so an image pushed one way is seen the other way.
 * Failures are AwsErrors with ECR's codes and wording; the registry maps them to its own codes.
 */
import { AwsError } from '../errors.js';
import { ManifestError, parseManifest, sha256Digest } from './manifest.js';
import type { EcrImage, EcrRegion, EcrRepository } from './model.js';

/** ECR's repository name grammar (lower-case path components separated by `/`). */
export const REPOSITORY_NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REPOSITORY_NAME_TEXT = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';

/** Throws InvalidParameterException unless `name` is a valid repository name. */
export function validateRepositoryName(name: string): void {
  if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME_PATTERN.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPOSITORY_NAME_TEXT}''`,
    );
  }
}

export function repositoryNotFound(name: string, registryId: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );
}

/** The repository, or RepositoryNotFoundException. */
export function getRepository(ecr: EcrRegion, name: string, registryId: string): EcrRepository {
  const repo = ecr.repositories[name];
  if (!repo) throw repositoryNotFound(name, registryId);
  return repo;
}

/** The image carrying `tag`, if any. */
export function imageByTag(repo: EcrRepository, tag: string): EcrImage | undefined {
  for (const img of Object.values(repo.images)) if (img.tags.includes(tag)) return img;
  return undefined;
}

/** Finds an image by digest and/or tag (both must agree when both are given). */
export function findImage(
  repo: EcrRepository,
  id: { imageDigest?: string; imageTag?: string },
): EcrImage | undefined {
  if (id.imageDigest) {
    const img = repo.images[id.imageDigest];
    if (!img || (id.imageTag && !img.tags.includes(id.imageTag))) return undefined;
    return img;
  }
  return id.imageTag ? imageByTag(repo, id.imageTag) : undefined;
}

/** Images in a stable order: oldest push first, then by digest. */
export function sortedImages(repo: EcrRepository): EcrImage[] {
  return Object.values(repo.images).sort(
    (a, b) => a.pushedAt - b.pushedAt || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0),
  );
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(value);
}

/** Whether `tag` may not be moved to another image in this repository. */
export function isTagImmutable(repo: EcrRepository, tag: string): boolean {
  const excluded = (repo.imageTagMutabilityExclusionFilters ?? []).some((f) => globMatch(f.filter, tag));
  switch (repo.imageTagMutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return false;
  }
}

export interface PutImageRequest {
  manifest: string;
  mediaType?: string;
  tag?: string;
  /** The digest the client expects; checked against the manifest. */
  digest?: string;
}

export interface PutImageOptions {
  now: number;
  /** Registry pushes: the manifest's blobs must be in the repository. */
  requireBlobs: boolean;
  /** Registry pushes are idempotent; ECR PutImage refuses an image it already has under that tag. */
  idempotent: boolean;
}

/** Why a manifest's references are missing, for the registry's MANIFEST_BLOB_UNKNOWN. */
export class MissingReferencesError extends AwsError {
  constructor(readonly digests: string[]) {
    super(
      'LayersNotFoundException',
      `Layers with digests '[${digests.join(', ')}]' required for pushing image into repository do not exist`,
    );
  }
}

/** Stores an image (or adds a tag to it), moving the tag off any other image. */
export function putImage(repo: EcrRepository, req: PutImageRequest, opts: PutImageOptions): EcrImage {
  let info;
  try {
    info = parseManifest(req.manifest, req.mediaType);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    throw new AwsError(
      'InvalidParameterException',
      `Invalid parameter at 'ImageManifest' failed to satisfy constraint: '${e.message}'`,
    );
  }
  const digest = sha256Digest(req.manifest);
  if (req.digest !== undefined && req.digest !== digest) {
    throw new AwsError(
      'ImageDigestDoesNotMatchException',
      `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'The digest ${req.digest} does not match the digest of the manifest: ${digest}'`,
    );
  }
  if (opts.requireBlobs) {
    const missing = [
      ...info.blobs.filter((b) => repo.layers[b.digest] === undefined).map((b) => b.digest),
      ...info.children.filter((d) => !repo.images[d]),
    ];
    if (missing.length > 0) throw new MissingReferencesError(missing);
  }
  const existing = repo.images[digest];
  const tag = req.tag;
  if (tag !== undefined) {
    const holder = imageByTag(repo, tag);
    if (holder && holder.digest === digest) {
      if (opts.idempotent) return holder;
      throw new AwsError(
        'ImageAlreadyExistsException',
        `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`,
      );
    }
    if (holder && isTagImmutable(repo, tag)) {
      throw new AwsError(
        'ImageTagAlreadyExistsException',
        `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
      );
    }
    if (holder) holder.tags = holder.tags.filter((t) => t !== tag);
  } else if (existing && !opts.idempotent) {
    throw new AwsError(
      'ImageAlreadyExistsException',
      `Image with digest '${digest}' already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`,
    );
  }
  const image: EcrImage = existing ?? {
    digest,
    manifest: req.manifest,
    mediaType: info.mediaType,
    ...(info.artifactMediaType ? { artifactMediaType: info.artifactMediaType } : {}),
    sizeInBytes: info.size || info.children.reduce((s, d) => s + (repo.images[d]?.sizeInBytes ?? 0), 0),
    pushedAt: opts.now,
    tags: [],
    children: info.children,
  };
  if (tag !== undefined) image.tags.push(tag);
  repo.images[digest] = image;
  return image;
}

/** Digests of the indexes in the repository that reference `digest`. */
export function referencingIndexes(repo: EcrRepository, digest: string): string[] {
  return Object.values(repo.images)
    .filter((i) => i.children.includes(digest))
    .map((i) => i.digest);
}

/** Removes unreferenced blobs of the region (after a repository is gone). */
export function collectBlobs(ecr: EcrRegion): void {
  const used = new Set<string>();
  for (const r of Object.values(ecr.repositories)) for (const d of Object.keys(r.layers)) used.add(d);
  for (const d of Object.keys(ecr.blobs)) if (!used.has(d)) delete ecr.blobs[d];
}
