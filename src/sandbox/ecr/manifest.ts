/** Image manifests: media types, digests and what a manifest references. */
import { createHash } from 'node:crypto';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const KNOWN_MEDIA: readonly string[] = Object.values(MEDIA);

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A digest as registries accept it: `algorithm:hex`. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export interface ManifestInfo {
  mediaType: string;
  artifactMediaType?: string;
  /** Blobs the manifest needs in the repository (config and layers). */
  blobs: { digest: string; size: number }[];
  /** Manifests an index references. */
  children: string[];
  /** Sum of the layer sizes. */
  size: number;
}

/** Why a manifest was refused; the caller words it for its protocol. */
export class ManifestError extends Error {}

interface Descriptor {
  digest: string;
  size: number;
  mediaType?: string;
}

function descriptor(v: unknown, where: string): Descriptor {
  if (typeof v !== 'object' || v === null) throw new ManifestError(`${where} must be an object`);
  const d = v as Record<string, unknown>;
  if (typeof d.digest !== 'string' || !DIGEST_PATTERN.test(d.digest)) {
    throw new ManifestError(`${where}.digest is missing or invalid`);
  }
  const size = typeof d.size === 'number' && Number.isFinite(d.size) && d.size >= 0 ? d.size : 0;
  return {
    digest: d.digest,
    size,
    ...(typeof d.mediaType === 'string' ? { mediaType: d.mediaType } : {}),
  };
}

/**
 * Parses a manifest and finds its media type: the declared one (`declared`, from a parameter or a
 * Content-Type header) wins over the manifest's `mediaType`; OCI manifests may carry neither.
 */
export function parseManifest(text: string, declared?: string): ManifestInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError('Invalid JSON syntax');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ManifestError('the manifest must be a JSON object');
  }
  const m = doc as Record<string, unknown>;
  const own = typeof m.mediaType === 'string' ? m.mediaType : undefined;
  const declaredType = declared && KNOWN_MEDIA.includes(declared) ? declared : undefined;
  if (declaredType && own && own !== declaredType) {
    throw new ManifestError(`the manifest's mediaType ${own} does not match ${declaredType}`);
  }
  let mediaType = declaredType ?? own;
  if (!mediaType) {
    if (m.schemaVersion === 1) mediaType = MEDIA.dockerV1;
    else if (Array.isArray(m.manifests)) mediaType = MEDIA.ociIndex;
    else if (m.config !== undefined) mediaType = MEDIA.ociManifest;
    else throw new ManifestError('image manifest mediatype not provided in manifest or parameter');
  }
  if (mediaType === MEDIA.dockerList || mediaType === MEDIA.ociIndex) {
    if (!Array.isArray(m.manifests)) throw new ManifestError('an index must list manifests');
    const children = m.manifests.map((x, i) => descriptor(x, `manifests[${i}]`).digest);
    return { mediaType, blobs: [], children, size: 0 };
  }
  if (mediaType === MEDIA.dockerManifest || mediaType === MEDIA.ociManifest) {
    const config = descriptor(m.config, 'config');
    if (!Array.isArray(m.layers)) throw new ManifestError('layers must be a list');
    const layers = m.layers.map((x, i) => descriptor(x, `layers[${i}]`));
    return {
      mediaType,
      ...(config.mediaType ? { artifactMediaType: config.mediaType } : {}),
      blobs: [config, ...layers],
      children: [],
      size: layers.reduce((s, l) => s + l.size, 0),
    };
  }
  // Schema 1 and other artifacts: kept as they are, with nothing to check.
  return { mediaType, blobs: [], children: [], size: 0 };
}
