/**
 * Task definitions: clean a described definition for RegisterTaskDefinition, apply edits, diff.
 * The module's entry; the work is in clean.ts, edit.ts, diff.ts, format.ts and same.ts.
 */
export type {
  ContainerEdit,
  TaskDefinitionChange,
  TaskDefinitionEdits,
  TaskDefinitionJson,
} from './types.js';
export { READ_ONLY_FIELDS, cleanForRegister, unwrapTaskDefinition } from './clean.js';
export { applyEdits } from './edit.js';
export { diffTaskDefinitions } from './diff.js';
export { formatChanges } from './format.js';
export { sameContent } from './same.js';
