/** What the HTTP API is built over: the store, the secrets, AWS, the engine and the release service. */
import type { AmbientAws } from '../aws/account-credentials.js';
import type { Engine } from '../jobs/engine.js';
import type { ScriptIsolation } from '../jobs/executors/script-isolation.js';
import type { ReleaseService } from '../releases/service.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';

/** What the server needs. */
export interface ServerDeps {
  store: Store;
  /** Encrypts and decrypts secret fields and sensitive variables (the master key). */
  secrets: SecretBox;
  /** Log requests and errors with fastify's logger (pino, JSON on stdout). Default false. */
  logger?: boolean;
  /** Where the log goes when `logger` is on (tests read it). Default stdout. */
  logStream?: NodeJS.WritableStream;
  /** AWS where an account or target says "ambient". Default: the SDK's credential chain and AWS's endpoints. */
  aws?: AmbientAws;
  /** The clock. Default `() => new Date()`. */
  now?: () => Date;
  /** Runs deployments (queue, cancel). Default none: deployments stay queued, cancel ends queued ones only. */
  engine?: Engine;
  /** The release service. Default: one over these deps (tests pass one with fake feed tags). */
  releases?: ReleaseService;
  /** Where the built web UI is (index.html and assets/). Default web/dist in the package; none there: API only. */
  webRoot?: string;
  /**
   * Trust X-Forwarded-Proto/-For from a reverse proxy in front (fastify's trustProxy), so that a
   * session cookie over https gets `Secure` behind a TLS-terminating proxy. Default false.
   */
  trustProxy?: boolean;
  /** How this node runs script steps and what they can use, for /healthz. Default: not said. */
  scripts?: ScriptIsolation;
}
