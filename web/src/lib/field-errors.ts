/**
 * The API names each bad field in its validation issues as "<path>: <message>" (docs/api.md,
 * Errors). A form wants them by field: `fieldErrors(issues, 'release')` answers
 * `{ notes: 'notes must be at most 100000 characters' }` for "release.notes: ...".
 */

/** One issue split into the field's path and the message; a path-less issue has path ''. */
export function splitIssue(issue: string): { path: string; message: string } {
  const match = /^([A-Za-z_$][\w$-]*(?:(?:\.[A-Za-z_$][\w$]*)|\[\d+\])*): (.*)$/s.exec(issue);
  if (!match) return { path: '', message: issue };
  return { path: match[1] ?? '', message: match[2] ?? issue };
}

/**
 * The issues under `root` (a body's root name such as `release`; '' for none), keyed by the path
 * below it (`notes`, `steps[2].name`). Issues outside `root` go under ''. The first issue of a
 * field wins.
 */
export function fieldErrors(issues: readonly string[], root = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const { path, message } = splitIssue(issue);
    let key = '';
    if (root === '') key = path;
    else if (path === root) key = '';
    else if (path.startsWith(`${root}.`)) key = path.slice(root.length + 1);
    else if (path.startsWith(`${root}[`)) key = path.slice(root.length);
    out[key] ??= key === '' && path !== '' && path !== root ? issue : message;
  }
  return out;
}
