/**
 * A step's action as JSON in a code editor: the form of a type without its own, and "Edit as JSON"
 * for settings a form does not show. Text that is not a JSON object with the step's type is not
 * taken (the message says why) until it is fixed.
 */
import { useState } from 'react';
import { useFormContext } from 'react-hook-form';
import { CodeEditor } from '../CodeEditor.js';
import { useEditor, useFieldError } from '../editor-context.js';
import { stepToForm, stepToJson, type StepForm } from '../process-model.js';

/** Why `text` cannot be the action of type `type`, or undefined when it can. */
function problemOf(text: string, type: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `This is not valid JSON (${(error as Error).message}); fix it to keep the change.`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'The action must be a JSON object.';
  if ((parsed as { type?: unknown }).type !== type)
    return `The action's "type" must stay "${type}" (add a new step for another type).`;
  return undefined;
}

/** `index` is the step's index in the form. */
export function JsonActionEditor({ index }: { index: number }) {
  const { getValues, setValue } = useFormContext();
  const { readOnly } = useEditor();
  const apiError = useFieldError(`steps.${index}.action`);
  const step = getValues(`steps.${index}`) as StepForm;
  const [text, setText] = useState(() => JSON.stringify(stepToJson(step).action, null, 2));
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const change = (next: string) => {
    setText(next);
    const found = problemOf(next, step.action.type);
    setProblem(found);
    if (found === undefined) {
      const current = getValues(`steps.${index}`) as StepForm;
      const action = stepToForm({ ...stepToJson(current), action: JSON.parse(next) as unknown }).action;
      setValue(`steps.${index}.action`, action, { shouldDirty: true });
    }
  };
  return (
    <CodeEditor
      label="Action (JSON)"
      value={text}
      onChange={change}
      language="json"
      readOnly={readOnly}
      error={problem ?? apiError}
      hint="The action as the API takes it (docs/steps.md lists every property)."
    />
  );
}
