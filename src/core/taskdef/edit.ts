/** Applying a deployment's edits to a task definition, on parsed data only. */
import { messageOf, SlipwayError } from '../errors.js';
import {
  formatImageReference,
  parseImageReference,
  sameRepository,
  tryParseImageReference,
  withTag,
  type ImageReference,
} from '../images/reference.js';
import { unwrapTaskDefinition } from './clean.js';
import { diffTaskDefinitions } from './diff.js';
import { containerName, containersOf, editEntries, type ContainerJson } from './entries.js';
import { deepCopy, isEmptyValue, isPlainObject } from './json.js';
import type {
  ContainerEdit,
  TaskDefinitionChange,
  TaskDefinitionEdits,
  TaskDefinitionJson,
} from './types.js';

/**
 * Applies edits to a cleaned definition (never mutates the input). Throws SlipwayError
 * IMAGE_NOT_IN_TASK_DEFINITION when `image` matches no container, INVALID_INPUT when a named container does not exist.
 * Order: `image`, then `tagOnly` (which overrides every tag, as the script's `-to` does), then per-container edits.
 */
export function applyEdits(
  td: TaskDefinitionJson,
  edits: TaskDefinitionEdits,
): { taskDefinition: TaskDefinitionJson; changes: TaskDefinitionChange[] } {
  const before = unwrapTaskDefinition(td);
  const after = deepCopy(before);
  // Copies, so editing them in place leaves the input alone.
  const containers = containersOf(after);
  const byName = new Map(containers.map((c, i) => [containerName(c, i), c]));
  const containerEdits = edits.containers ?? [];
  for (const edit of containerEdits) checkContainerEdit(edit, byName);

  if (edits.image !== undefined) replaceImage(containers, edits.image);
  if (edits.tagOnly !== undefined) retagAll(containers, edits.tagOnly);
  for (const edit of containerEdits) editContainer(byName.get(edit.container)!, edit);
  if (edits.exclusiveEnvironment === true || edits.exclusiveSecrets === true) {
    for (const name of new Set(containerEdits.map((e) => e.container))) {
      const mine = containerEdits.filter((e) => e.container === name);
      const container = byName.get(name)!;
      if (edits.exclusiveEnvironment === true) {
        const keep = new Set(mine.flatMap((e) => Object.keys(e.setEnvironment ?? {})));
        put(container, 'environment', editEntries(container['environment'], 'value', {}, [], keep));
      }
      if (edits.exclusiveSecrets === true) {
        const keep = new Set(mine.flatMap((e) => Object.keys(e.setSecrets ?? {})));
        put(container, 'secrets', editEntries(container['secrets'], 'valueFrom', {}, [], keep));
      }
    }
  }
  return { taskDefinition: after, changes: diffTaskDefinitions(before, after) };
}

/** `-i`: every container of exactly this repository gets the image; an image that does not parse never matches. */
function replaceImage(containers: ContainerJson[], image: ImageReference): void {
  const matching = containers.filter((c) => {
    const ref = tryParseImageReference(c['image']);
    return ref !== undefined && sameRepository(ref, image);
  });
  const text = formatImageReference(image);
  if (matching.length === 0) {
    const listed = containers.map((c, i) => ({ name: containerName(c, i), image: c['image'] }));
    throw new SlipwayError(
      'IMAGE_NOT_IN_TASK_DEFINITION',
      `No container of the task definition uses the repository of ${JSON.stringify(text)}. ` +
        `Containers: ${listed.map((c) => `${c.name} → ${JSON.stringify(c.image ?? null)}`).join(', ')}. ` +
        'Give -i an image of one of these repositories (registry, port and path must match exactly), ' +
        'or use --tag-only to change only the tag.',
      { data: { image: text, containers: listed } },
    );
  }
  for (const c of matching) c['image'] = text;
}

/** `--tag-only`: every container image gets the tag, keeping its repository and dropping any digest. */
function retagAll(containers: ContainerJson[], tag: string): void {
  containers.forEach((c, i) => {
    const image = c['image'];
    if (image === undefined) return;
    let ref: ImageReference;
    try {
      ref = parseImageReference(String(image));
    } catch (e) {
      // Retagging an image we cannot read would silently deploy the old one.
      const message = messageOf(e);
      throw new SlipwayError(
        'IMAGE_REFERENCE_INVALID',
        `Cannot set tag ${JSON.stringify(tag)} on container ${containerName(c, i)}: ${message}`,
        { cause: e, data: { container: containerName(c, i), image } },
      );
    }
    c['image'] = formatImageReference(withTag(ref, tag));
  });
}

/** Validates one container edit before anything changes, so errors leave nothing half-applied. */
function checkContainerEdit(edit: ContainerEdit, byName: ReadonlyMap<string, ContainerJson>): void {
  if (!byName.has(edit.container)) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `The task definition has no container named ${JSON.stringify(edit.container)}; ` +
        `its containers are: ${[...byName.keys()].map((n) => JSON.stringify(n)).join(', ')}.`,
      { data: { container: edit.container, containers: [...byName.keys()] } },
    );
  }
  const where = `container ${edit.container}`;
  if (edit.image !== undefined) parseImageReference(edit.image);
  for (const [list, set, unset] of [
    ['environment', edit.setEnvironment, edit.unsetEnvironment],
    ['secret', edit.setSecrets, edit.unsetSecrets],
  ] as const) {
    const both = (unset ?? []).filter((n) => set !== undefined && Object.hasOwn(set, n));
    if (both.length > 0) {
      throw new SlipwayError('INVALID_INPUT', `${where}: ${list} ${both.join(', ')} is both set and unset.`);
    }
    for (const name of [...Object.keys(set ?? {}), ...(unset ?? [])]) {
      if (name === '') throw new SlipwayError('INVALID_INPUT', `${where}: an ${list} name is empty.`);
    }
  }
  checkWhole(where, 'cpu', edit.cpu, 0);
  checkWhole(where, 'memory', edit.memory, 1);
  checkWhole(where, 'memoryReservation', edit.memoryReservation, 1);
}

function checkWhole(where: string, field: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `${where}: ${field} must be a whole number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}, got ${value}.`,
    );
  }
}

/** Applies one (already checked) edit to its container, in place on our copy. */
function editContainer(container: ContainerJson, edit: ContainerEdit): void {
  if (edit.image !== undefined) container['image'] = edit.image;
  if (edit.setEnvironment !== undefined || edit.unsetEnvironment !== undefined) {
    const env = editEntries(
      container['environment'],
      'value',
      edit.setEnvironment ?? {},
      edit.unsetEnvironment ?? [],
    );
    put(container, 'environment', env);
  }
  if (edit.setSecrets !== undefined || edit.unsetSecrets !== undefined) {
    const secrets = editEntries(
      container['secrets'],
      'valueFrom',
      edit.setSecrets ?? {},
      edit.unsetSecrets ?? [],
    );
    put(container, 'secrets', secrets);
  }
  // An empty command means "use the image's own", which ECS expresses by omitting the field.
  if (edit.command !== undefined) put(container, 'command', [...edit.command]);
  if (edit.cpu !== undefined) container['cpu'] = edit.cpu;
  if (edit.memory !== undefined) container['memory'] = edit.memory;
  if (edit.memoryReservation !== undefined) container['memoryReservation'] = edit.memoryReservation;
  if (edit.dockerLabels !== undefined) {
    const labels = isPlainObject(container['dockerLabels']) ? container['dockerLabels'] : {};
    put(container, 'dockerLabels', { ...labels, ...edit.dockerLabels });
  }
}

/** Sets a field, or removes it when the value is empty (RegisterTaskDefinition rejects some empties). */
function put(container: ContainerJson, key: string, value: unknown): void {
  if (isEmptyValue(value)) delete container[key];
  else container[key] = value;
}
