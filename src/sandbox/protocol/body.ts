/** Reading a request body with a size limit (shared by the AWS APIs and the registry). */
import type { IncomingMessage } from 'node:http';

/** Reads the whole body; rejects with `tooLarge(limit)` (and drops the connection) past `limit` bytes. */
export function readBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: (limit: number) => Error,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(tooLarge(limit));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
