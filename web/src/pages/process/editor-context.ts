/** What every field of the process editor needs to know: read-only or not, the API's errors, the space's lists. */
import { createContext, useContext } from 'react';
import { errorFor } from './process-model.js';

/** A choice in a select or checkbox group: the stored value (an id) and what the user reads. */
export interface Option {
  value: string;
  label: string;
}

/** The space's lists the pickers offer. */
export interface EditorOptions {
  environments: Option[];
  channels: Option[];
  tenantTags: Option[];
  teams: Option[];
  feeds: Option[];
}

/** The editor's shared state. */
export interface EditorContextValue {
  readOnly: boolean;
  /** The API's validation messages by form path (`steps.2.name`). */
  errors: Readonly<Record<string, string>>;
  options: EditorOptions;
}

/** Provided by the process page. */
export const EditorContext = createContext<EditorContextValue>({
  readOnly: true,
  errors: {},
  options: { environments: [], channels: [], tenantTags: [], teams: [], feeds: [] },
});

/** The editor's shared state. */
export function useEditor(): EditorContextValue {
  return useContext(EditorContext);
}

/** The API's message for the field at `path` (or an item of it), if any. */
export function useFieldError(path: string): string | undefined {
  return errorFor(useEditor().errors, path);
}
