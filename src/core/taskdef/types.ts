/** The types of the task definition module (re-exported by index.ts). */
import type { ImageReference } from '../images/reference.js';

/** A task definition as plain JSON (the DescribeTaskDefinition `taskDefinition`, or a file's content). */
export type TaskDefinitionJson = Record<string, unknown>;

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

/**
 * One human-readable change, e.g. `container web: image nginx:1.1 → nginx:1.2`. `before`/`after`
 * is undefined when the field (or container, with field `container`) was added/removed. Nested
 * fields are dotted (`logConfiguration.options.awslogs-group`); environment and secrets entries
 * are `environment.NAME` / `secrets.NAME`.
 */
export interface TaskDefinitionChange {
  container?: string;
  field: string;
  before: unknown;
  after: unknown;
}
