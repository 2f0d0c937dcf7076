/**
 * Request bodies with a size limit (shared by the AWS APIs, the registry and the admin API). A body
 * over its limit is refused before it is buffered: a declared Content-Length is checked before
 * anything is read, and a body that grows past the limit stops being kept at once. What the client
 * still sends is read and thrown away, so that it can read the 413 instead of seeing its connection
 * reset; past DRAIN_MAX_BYTES the connection is closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How much of a refused body is drained (and discarded) before the connection is closed. */
const DRAIN_MAX_BYTES = 1024 * 1024 * 1024;

/** The Content-Length the client declared, or undefined (chunked or absent). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/** Requests that sent `Expect: 100-continue` and wait for it: their body is asked for only when wanted. */
const awaitingContinue = new WeakMap<IncomingMessage, ServerResponse>();

/** Registers a request that waits for `100 Continue` (the server's 'checkContinue' event). */
export function expectContinue(req: IncomingMessage, res: ServerResponse): void {
  awaitingContinue.set(req, res);
}

/**
 * Reads and discards the rest of a refused body; closes the connection past DRAIN_MAX_BYTES. A client
 * still waiting for `100 Continue` is not asked for its body: the connection closes after the answer.
 */
export function discardBody(req: IncomingMessage): void {
  const waiting = awaitingContinue.get(req);
  if (waiting) {
    awaitingContinue.delete(req);
    waiting.shouldKeepAlive = false;
    return;
  }
  let drained = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > DRAIN_MAX_BYTES) req.socket.destroy();
  });
  req.resume();
}

/**
 * Reads the whole body, up to `limit` bytes. Rejects with `tooLarge(limit)` without buffering more
 * when the declared or received size is over the limit (the caller answers the 413).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: (limit: number) => Error,
): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) {
    discardBody(req);
    return Promise.reject(tooLarge(limit));
  }
  const waiting = awaitingContinue.get(req);
  if (waiting) {
    awaitingContinue.delete(req);
    waiting.writeContinue();
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        req.off('end', onEnd);
        discardBody(req);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}
