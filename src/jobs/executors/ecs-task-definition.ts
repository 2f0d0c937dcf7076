/**
 * The container settings of an "Update Amazon ECS Service" step applied to a task definition:
 * images from package references, environment variables and environment files, each per container
 * in "append" or "replace" mode. Pure: works on plain JSON, never mutates its input.
 */
import { SlipwayError } from '../../core/errors.js';
import { containerName, containersOf, editEntries } from '../../core/taskdef/entries.js';
import type { TaskDefinitionJson } from '../../core/taskdef/index.js';
import { deepCopy, isPlainObject } from '../../core/taskdef/json.js';

/** One container entry of the action. */
export interface ContainerSettings {
  name: string;
  /** A package reference name whose image the container gets. */
  image?: string;
  environment: { name: string; value: string }[];
  /** "append" (default): add and override these names; "replace": exactly these. */
  environmentMode: 'append' | 'replace';
  environmentFiles: { value: string }[];
}

/**
 * The definition with each container's settings applied. Throws INVALID_INPUT naming a container
 * the definition lacks, or a package reference whose image is not known (`imageOf` returned undefined).
 */
export function editContainers(
  base: TaskDefinitionJson,
  settings: readonly ContainerSettings[],
  imageOf: (packageReference: string) => string | undefined,
): TaskDefinitionJson {
  const td = deepCopy(base);
  const containers = containersOf(td);
  const byName = new Map(containers.map((c, i) => [containerName(c, i), c]));
  for (const s of settings) {
    const c = byName.get(s.name);
    if (!c)
      throw new SlipwayError(
        'INVALID_INPUT',
        `The task definition has no container "${s.name}" (it has ${[...byName.keys()].map((n) => `"${n}"`).join(', ')}). ` +
          'Fix the container name in the step, or choose another template task definition.',
        { data: { container: s.name, containers: [...byName.keys()] } },
      );
    if (s.image !== undefined) {
      const image = imageOf(s.image);
      if (!image)
        throw new SlipwayError(
          'INVALID_INPUT',
          `The image of package reference "${s.image}" is not known (variable Octopus.Action.Package[${s.image}].Image is empty). ` +
            'Check that the release has a version for this package.',
          { data: { packageReference: s.image } },
        );
      c['image'] = image;
    }
    const set = Object.fromEntries(s.environment.map((e) => [e.name, e.value]));
    const only = s.environmentMode === 'replace' ? new Set(Object.keys(set)) : undefined;
    put(c, 'environment', editEntries(c['environment'], 'value', set, [], only));
    put(c, 'environmentFiles', environmentFiles(c['environmentFiles'], s));
  }
  return td;
}

/** The container's environment files: the given ones added (append) or exactly the given ones (replace). */
function environmentFiles(current: unknown, s: ContainerSettings): unknown[] {
  const given = s.environmentFiles.map((f) => ({ value: f.value, type: 's3' }));
  if (s.environmentMode === 'replace') return given;
  const list = Array.isArray(current) ? (current as unknown[]) : [];
  const have = new Set(list.map((f) => (isPlainObject(f) ? f['value'] : undefined)));
  return [...list, ...given.filter((f) => !have.has(f.value))];
}

function put(container: Record<string, unknown>, key: string, list: unknown[]): void {
  if (list.length === 0) delete container[key];
  else container[key] = list;
}
