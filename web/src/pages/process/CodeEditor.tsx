/**
 * A labelled code editor (CodeMirror) for scripts, templates and JSON, with the language's
 * highlighting. Tab indents inside it; Esc then Tab moves on (CodeMirror's rule), which the hint says.
 */
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { StreamLanguage } from '@codemirror/language';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { yaml } from '@codemirror/legacy-modes/mode/yaml';
import CodeMirror, { EditorView, type Extension } from '@uiw/react-codemirror';
import { useId, useMemo, type ReactNode } from 'react';

/** The languages the editor highlights. */
export type CodeLanguage = 'bash' | 'node' | 'python' | 'yaml' | 'json';

function languageOf(language: CodeLanguage): Extension {
  switch (language) {
    case 'bash':
      return StreamLanguage.define(shell);
    case 'python':
      return python();
    case 'yaml':
      return StreamLanguage.define(yaml);
    case 'json':
    case 'node':
      return javascript();
  }
}

/** CodeEditor props. */
export interface CodeEditorProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  language: CodeLanguage;
  readOnly?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
  minHeight?: string;
}

/** See the module comment. */
export function CodeEditor({
  label,
  value,
  onChange,
  language,
  readOnly,
  hint,
  error,
  minHeight,
}: CodeEditorProps) {
  const id = useId();
  const labelId = `${id}-label`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hintId, error ? errorId : undefined].filter(Boolean).join(' ');
  const extensions = useMemo(
    () => [
      languageOf(language),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-labelledby': labelId,
        'aria-describedby': describedBy,
        ...(error ? { 'aria-invalid': 'true' } : {}),
      }),
    ],
    [language, labelId, describedBy, error],
  );
  return (
    <div className={`field code-field${error ? ' field-invalid' : ''}`}>
      <span id={labelId} className="code-label">
        {label}
      </span>
      <CodeMirror
        className="code-editor"
        value={value}
        onChange={onChange}
        extensions={extensions}
        readOnly={readOnly ?? false}
        editable={!readOnly}
        minHeight={minHeight ?? '10rem'}
        maxHeight="32rem"
        basicSetup={{ foldGutter: false, highlightActiveLine: !readOnly, autocompletion: false }}
      />
      <div id={hintId} className="field-hint">
        {hint ? <>{hint} </> : null}
        {readOnly ? null : 'In the editor, Tab indents; press Esc, then Tab, to move on.'}
      </div>
      {error ? (
        <div id={errorId} className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}
