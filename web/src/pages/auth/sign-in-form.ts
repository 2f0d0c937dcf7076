/**
 * The sign-in and password forms' own rules, without the DOM: where to go after signing in, what
 * is missing before a request is worth sending, and what the API's refusal means to a person.
 */

/** How the user signs in: a user name and password, or an API key (`?with=api-key`). */
export type SignInMode = 'password' | 'apiKey';

/** The mode a sign-in URL's `with` parameter asks for. */
export function signInMode(value: string | null): SignInMode {
  return value === 'api-key' ? 'apiKey' : 'password';
}

/** Only a path of this app may follow sign-in (never another site, nor the sign-in page again). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/sign-in' || next.startsWith('/sign-in?')) return '/';
  return next;
}

/** The fields a sign-in needs, by the name they are shown under, with what to do. */
export function missingSignInFields(
  mode: SignInMode,
  values: { username: string; password: string; apiKey: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  if (mode === 'apiKey') {
    if (values.apiKey.trim() === '') out.apiKey = 'Enter your API key (it starts with slw_).';
    return out;
  }
  if (values.username.trim() === '') out.username = 'Enter your user name.';
  if (values.password === '') out.password = 'Enter your password.';
  return out;
}

/** Shortest password the server accepts (src/store/passwords.ts). */
export const MIN_PASSWORD_LENGTH = 12;

/** What is wrong with a new password before it is sent (the server checks again). */
export function newPasswordProblems(
  userName: string,
  values: { newPassword: string; confirm: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  const length = [...values.newPassword].length;
  if (length < MIN_PASSWORD_LENGTH) {
    out.newPassword = `Use at least ${MIN_PASSWORD_LENGTH} characters (this has ${length}); a few unrelated words make a good one.`;
  } else if (values.newPassword.trim().toLowerCase() === userName.toLowerCase()) {
    out.newPassword = 'Do not use your user name as your password.';
  }
  if (values.confirm !== values.newPassword)
    out.confirm = 'The two new passwords differ; type the same one twice.';
  return out;
}
