/**
 * ECR state of one account in one region: repositories with their images, and the registry's
 * blobs. Everything is plain JSON so the state file keeps pushed images (they are tiny in tests).
 */

export interface EcrTag {
  Key: string;
  Value: string;
}

export interface EcrImage {
  /** `sha256:<hex>` of the manifest bytes. */
  digest: string;
  /** The manifest exactly as pushed. */
  manifest: string;
  mediaType: string;
  /** The config's media type (images) — what ECR reports as artifactMediaType. */
  artifactMediaType?: string;
  /** Sum of the layer sizes the manifest declares. */
  sizeInBytes: number;
  /** Sandbox epoch ms. */
  pushedAt: number;
  lastPulledAt?: number;
  /** Tags in the order they were given to this image. */
  tags: string[];
  /** Digests of the manifests an index references (empty for single images). */
  children: string[];
}

export interface EcrRepository {
  name: string;
  arn: string;
  registryId: string;
  /** Sandbox epoch ms. */
  createdAt: number;
  imageTagMutability: string;
  imageTagMutabilityExclusionFilters?: { filterType: string; filter: string }[];
  imageScanningConfiguration: { scanOnPush: boolean };
  encryptionConfiguration: { encryptionType: string; kmsKey?: string };
  tags: EcrTag[];
  /** Images by digest. */
  images: Record<string, EcrImage>;
  /** Blobs pushed to (or mounted into) this repository: digest → size. */
  layers: Record<string, number>;
}

/** A blob upload in progress (Docker Registry API v2). */
export interface UploadSession {
  id: string;
  repository: string;
  /** Bytes received so far, base64. */
  data: string;
  startedAt: number;
}

export interface EcrRegion {
  repositories: Record<string, EcrRepository>;
  /** Blob content by digest, base64, shared by the region's repositories (deduplicated). */
  blobs: Record<string, string>;
  uploads: Record<string, UploadSession>;
}

export function emptyEcrRegion(): EcrRegion {
  return { repositories: {}, blobs: {}, uploads: {} };
}
