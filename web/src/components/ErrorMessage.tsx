/** Shows what went wrong and what to do: the API's message (which says what to do), its issues. */
import { ApiError } from '../api/client.js';

/** Renders `error` (an ApiError, another Error, or nothing). */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="notice notice-danger" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
      {issues.length > 1 ? (
        <ul>
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      {error instanceof ApiError && error.code !== `HTTP_${error.status}` ? (
        <span className="error-code"> ({error.code})</span>
      ) : null}
    </div>
  );
}
