/** Docker Registry HTTP API v2 for the sandbox's ECR repositories. Placeholder: being written. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxRuntime } from '../runtime.js';

export async function handleRegistry(
  _req: IncomingMessage,
  res: ServerResponse,
  _runtime: SandboxRuntime,
): Promise<void> {
  res.writeHead(501, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code: 'UNSUPPORTED', message: 'registry not implemented yet' }] }));
}
