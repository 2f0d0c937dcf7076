/** The sign-in tables as Kysely sees them (migration 0009_sessions). */

/** A signed-in browser session; the token itself is never stored, only its SHA-256. */
export interface SessionsTable {
  id: string;
  /** Hex SHA-256 of the cookie's token. */
  token_hash: string;
  user_id: string;
  /** Sent back in X-Slipway-Csrf on every change; useless without the cookie. */
  csrf_token: string;
  /** How the session was started: `password` or `api-key`. */
  method: string;
  /** The API key a session started with a key was started with: revoking the key ends the session. */
  api_key_id: string | null;
  source_ip: string | null;
  created_at: Date;
  /** The absolute end, whatever the activity. */
  expires_at: Date;
  /** Slides with use; the session ends after the idle time without use. */
  last_seen_at: Date;
}

/** One failed sign-in, counted by the limiter: `subject` is `user:<lower-case name>` or `address:<ip>`. */
export interface SignInFailuresTable {
  id: string;
  subject: string;
  failed_at: Date;
}
