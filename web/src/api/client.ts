/**
 * The one way the app talks to the server: JSON over fetch to /api, with the session cookie the
 * browser holds (httpOnly: scripts never see it) and, on every change, the CSRF token the session
 * answered, in `X-Slipway-Csrf`. Errors come back as ApiError with the API's code, message and
 * details, so a form can show a field's message beside the field it names.
 */

/** The header that carries the session's CSRF token on every request that changes something. */
export const CSRF_HEADER = 'x-slipway-csrf';

let csrfToken: string | undefined;

/** Remembers the session's CSRF token (from sign-in or GET /api/session); undefined after sign-out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The API's error answer `{ code, message, details }`, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * The validation issues the API listed (`details.issues`: "release.notes: notes must be at most
   * 100000 characters"), by the field they name; forms show each beside its field (fieldErrors).
   */
  get issues(): string[] {
    const d = this.details as { issues?: unknown } | undefined;
    return Array.isArray(d?.issues) ? d.issues.filter((i): i is string => typeof i === 'string') : [];
  }
}

/** What a request may carry beside its method and path. */
export interface RequestOptions {
  /** A JSON body. */
  body?: unknown;
  /** `If-Match` for a guarded write: the ETag (version) of the last read. */
  ifMatch?: string | number;
  signal?: AbortSignal;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** An answer: its JSON (undefined for 204) and its ETag. */
export interface ApiAnswer<T> {
  data: T;
  etag: string | undefined;
  status: number;
  headers: Headers;
}

/** Called when the server answers 401 (the session ended): the app goes to the sign-in page. */
let onUnauthenticated: (() => void) | undefined;
/** Sets what happens when a request finds the session gone. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

/** Sends one request to the API (`path` from `/api/...`); throws ApiError on an error status. */
export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  if (options.ifMatch !== undefined) headers['if-match'] = quoteEtag(options.ifMatch);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The server did not answer. Check that it is running, then try again.');
  }
  const text = await response.text();
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const body = (json ?? {}) as { code?: string; message?: string; details?: unknown };
    if (response.status === 401 && !path.startsWith('/api/session')) onUnauthenticated?.();
    throw new ApiError(
      response.status,
      body.code ?? `HTTP_${response.status}`,
      body.message ?? `The server answered ${response.status} ${response.statusText}.`,
      body.details,
    );
  }
  return {
    data: json as T,
    etag: response.headers.get('etag') ?? undefined,
    status: response.status,
    headers: response.headers,
  };
}

/** `"<version>"` from a version or an ETag. */
function quoteEtag(value: string | number): string {
  const s = String(value);
  return s.startsWith('"') ? s : `"${s}"`;
}

/** GET `path`; answers the JSON. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await request<T>('GET', path, signal ? { signal } : {})).data;
}

/** Builds `/api/spaces/{space}/...` with each part encoded. */
export function spacePath(space: string, ...parts: (string | number)[]): string {
  return ['/api/spaces', space, ...parts]
    .map((p, i) => (i === 0 ? p : encodeURIComponent(String(p))))
    .join('/');
}

/** Appends a query string of the defined values in `query` (arrays repeat the key). */
export function withQuery(
  path: string,
  query: Record<string, string | number | boolean | string[] | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
