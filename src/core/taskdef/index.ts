/**
 * Task definitions: clean a described definition for RegisterTaskDefinition, apply edits, diff.
 * CONTRACT STUB: signatures are fixed; bodies are being written (issue 3).
 */
import { SlipwayError } from '../errors.js';
import type { ImageReference } from '../images/reference.js';

/** A task definition as plain JSON (the DescribeTaskDefinition `taskDefinition`, or a file's content). */
export type TaskDefinitionJson = Record<string, unknown>;

/** Read-only fields that DescribeTaskDefinition returns and RegisterTaskDefinition rejects. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

/** Edits to one container, chosen by name. Unset fields are left alone. */
export interface ContainerEdit {
  container: string;
  image?: string;
  /** Environment variables to set (name → value). */
  setEnvironment?: Record<string, string>;
  /** Environment variable names to remove. */
  unsetEnvironment?: string[];
  /** Secrets to set (name → valueFrom ARN). */
  setSecrets?: Record<string, string>;
  unsetSecrets?: string[];
  /** Replaces the command (already split into words). */
  command?: string[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  /** Docker labels to set. */
  dockerLabels?: Record<string, string>;
}

/** Everything a deployment may change in a task definition. */
export interface TaskDefinitionEdits {
  /** `-i`: replaces the image of every container whose repository equals this one's (exactly). */
  image?: ImageReference;
  /** `--tag-only`/env tag without `-i`: sets this tag on every container image, keeping each repository, dropping digests. */
  tagOnly?: string;
  containers?: ContainerEdit[];
  /** Remove environment variables not given in `setEnvironment` of the edited containers. */
  exclusiveEnvironment?: boolean;
  /** Remove secrets not given in `setSecrets` of the edited containers. */
  exclusiveSecrets?: boolean;
}

/** One human-readable change, e.g. `container web: image nginx:1.1 → nginx:1.2`. */
export interface TaskDefinitionChange {
  container?: string;
  field: string;
  before: unknown;
  after: unknown;
}

/** Strips exactly READ_ONLY_FIELDS and drops empty values (`""`, `[]`, `{}`, null) at any depth; passes the rest through. Accepts `{taskDefinition: {...}}` too. */
export function cleanForRegister(_described: TaskDefinitionJson): TaskDefinitionJson {
  throw new SlipwayError('NOT_IMPLEMENTED', 'cleanForRegister is being written');
}

/**
 * Applies edits to a cleaned definition (never mutates the input). Throws SlipwayError
 * IMAGE_NOT_IN_TASK_DEFINITION when `image` matches no container, INVALID_INPUT when a named container does not exist.
 */
export function applyEdits(
  _td: TaskDefinitionJson,
  _edits: TaskDefinitionEdits,
): { taskDefinition: TaskDefinitionJson; changes: TaskDefinitionChange[] } {
  throw new SlipwayError('NOT_IMPLEMENTED', 'applyEdits is being written');
}

/** The changes from `before` to `after` (both cleaned), field by field, containers matched by name. */
export function diffTaskDefinitions(
  _before: TaskDefinitionJson,
  _after: TaskDefinitionJson,
): TaskDefinitionChange[] {
  throw new SlipwayError('NOT_IMPLEMENTED', 'diffTaskDefinitions is being written');
}

/** A readable, line-oriented rendering of changes (for `--diff` and logs). */
export function formatChanges(_changes: TaskDefinitionChange[]): string[] {
  throw new SlipwayError('NOT_IMPLEMENTED', 'formatChanges is being written');
}

/** True when both cleaned definitions register the same thing (key order and empty values ignored). */
export function sameContent(_a: TaskDefinitionJson, _b: TaskDefinitionJson): boolean {
  throw new SlipwayError('NOT_IMPLEMENTED', 'sameContent is being written');
}
