/**
 * Container image references: `[registry[:port]/]path/.../name[:tag][@digest]`, parsed on
 * Docker's grammar (see grammar.ts) and compared by whole repository, never by substring.
 */
import {
  MAX_NAME_LENGTH,
  digestProblem,
  invalidReference,
  looksLikeRegistry,
  pathComponentProblem,
  registryProblem,
  tagProblem,
} from './grammar.js';

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

/** The default tag Docker (and `-i` without tag or digest) uses. */
export const DEFAULT_TAG = 'latest';

/** Host names that all mean Docker Hub. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Parses a reference; throws SlipwayError IMAGE_REFERENCE_INVALID saying what is wrong. Does not add `latest`.
 * Keeps the text as written (`docker.io/library/nginx` stays so), which makes formatting round-trip.
 */
export function parseImageReference(text: string): ImageReference {
  if (text === '') throw invalidReference(text, 'reference', 'it is empty');
  if (/\s/.test(text)) throw invalidReference(text, 'reference', 'it contains whitespace');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest.includes('@')) throw invalidReference(text, 'digest', "it has more than one '@'");
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalidReference(text, 'digest', problem);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash belongs to the registry's port, not to a tag.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const problem = tagProblem(tag);
    if (problem !== undefined) throw invalidReference(text, 'tag', problem);
  }

  if (rest === '') throw invalidReference(text, 'repository', 'the repository name is missing');
  if (rest.length > MAX_NAME_LENGTH) {
    throw invalidReference(
      text,
      'repository',
      `the registry and repository are ${rest.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`,
    );
  }

  const components = rest.split('/');
  let registry: string | undefined;
  if (components.length > 1 && looksLikeRegistry(components[0]!)) {
    registry = components.shift()!;
    const problem = registryProblem(registry);
    if (problem !== undefined) throw invalidReference(text, 'registry', problem);
  }
  for (const component of components) {
    const problem = pathComponentProblem(component);
    if (problem !== undefined) throw invalidReference(text, 'repository', problem);
  }

  return build(registry, components.join('/'), tag, digest);
}

/** Parses like parseImageReference, but answers undefined instead of throwing (for images found in task definitions). */
export function tryParseImageReference(text: unknown): ImageReference | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseImageReference(text);
  } catch {
    return undefined;
  }
}

/** Formats a reference back to text (no defaults added). */
export function formatImageReference(ref: ImageReference): string {
  const name = ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`;
  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/**
 * The repository as one comparable key: registry lower-cased (host names are case-insensitive),
 * Docker Hub spelled `docker.io`, and its official images under `library/`.
 */
export function repositoryKey(ref: ImageReference): string {
  const registry = ref.registry?.toLowerCase();
  if (registry === undefined || DOCKER_HUB_HOSTS.has(registry)) {
    const path = ref.repository.includes('/') ? ref.repository : `library/${ref.repository}`;
    return `docker.io/${path}`;
  }
  return `${registry}/${ref.repository}`;
}

/** True when both name the same repository in the same registry (Docker Hub's `docker.io`, `index.docker.io`, `library/` forms are equal). */
export function sameRepository(a: ImageReference, b: ImageReference): boolean {
  return repositoryKey(a) === repositoryKey(b);
}

/** The reference with this tag and no digest (what `--tag-only` and `--tag-env-var` do). Throws IMAGE_REFERENCE_INVALID for a bad tag. */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  const problem = tagProblem(tag);
  if (problem !== undefined) {
    throw invalidReference(
      `${formatImageReference(build(ref.registry, ref.repository))}:${tag}`,
      'tag',
      problem,
    );
  }
  return build(ref.registry, ref.repository, tag);
}

/** The image to deploy for `-i`: tag defaults to `latest` unless a digest is given; a tag from the env var beats tag and digest. */
export function resolveDeployImage(text: string, tagFromEnv?: string): ImageReference {
  const ref = parseImageReference(text);
  if (tagFromEnv !== undefined) {
    const problem = tagProblem(tagFromEnv);
    if (problem !== undefined) {
      throw invalidReference(
        text,
        'tag',
        `the tag from the environment variable (-e) is unusable: ${problem}`,
      );
    }
    return withTag(ref, tagFromEnv);
  }
  if (ref.tag === undefined && ref.digest === undefined) return { ...ref, tag: DEFAULT_TAG };
  return ref;
}

/** A reference without undefined-valued keys, so results compare and serialise cleanly. */
function build(
  registry: string | undefined,
  repository: string,
  tag?: string,
  digest?: string,
): ImageReference {
  const ref: ImageReference = registry === undefined ? { repository } : { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}
