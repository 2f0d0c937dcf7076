/**
 * Container image references: `[registry[:port]/]path/.../name[:tag][@digest]`. CONTRACT STUB:
 * signatures are fixed; bodies are being written (issue 3).
 */
import { SlipwayError } from '../errors.js';

/** A parsed image reference. */
export interface ImageReference {
  /** Registry host[:port], e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`, `127.0.0.1:4599`; undefined = Docker Hub. */
  registry?: string;
  /** Repository path without the registry, e.g. `team/app` (Docker Hub official images: `nginx`, not `library/nginx`). */
  repository: string;
  /** Tag, if given. */
  tag?: string;
  /** `sha256:<64 hex>`, if given. */
  digest?: string;
}

/** Parses a reference; throws SlipwayError IMAGE_REFERENCE_INVALID saying what is wrong. Does not add `latest`. */
export function parseImageReference(_text: string): ImageReference {
  throw new SlipwayError('NOT_IMPLEMENTED', 'parseImageReference is being written');
}

/** Formats a reference back to text (no defaults added). */
export function formatImageReference(_ref: ImageReference): string {
  throw new SlipwayError('NOT_IMPLEMENTED', 'formatImageReference is being written');
}

/** True when both name the same repository in the same registry (Docker Hub's `docker.io`, `index.docker.io`, `library/` forms are equal). */
export function sameRepository(_a: ImageReference, _b: ImageReference): boolean {
  throw new SlipwayError('NOT_IMPLEMENTED', 'sameRepository is being written');
}

/** The reference with this tag and no digest (what `--tag-only` and `--tag-env-var` do). */
export function withTag(_ref: ImageReference, _tag: string): ImageReference {
  throw new SlipwayError('NOT_IMPLEMENTED', 'withTag is being written');
}

/** The image to deploy for `-i`: tag defaults to `latest` unless a digest is given; a tag from the env var beats tag and digest. */
export function resolveDeployImage(_text: string, _tagFromEnv?: string): ImageReference {
  throw new SlipwayError('NOT_IMPLEMENTED', 'resolveDeployImage is being written');
}
