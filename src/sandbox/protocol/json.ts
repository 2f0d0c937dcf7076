/** AWS JSON 1.1 protocol: `X-Amz-Target` selects the action, errors carry `__type`. */
import type { ServerResponse } from 'node:http';
import { AwsError } from '../errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Splits `Prefix.Action`; undefined when the header is malformed. */
export function parseTarget(target: string): { prefix: string; action: string } | undefined {
  const dot = target.lastIndexOf('.');
  if (dot <= 0 || dot === target.length - 1) return undefined;
  return { prefix: target.slice(0, dot), action: target.slice(dot + 1) };
}

/** Parses a JSON 1.1 request body; an empty body is `{}`. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, requestId: string, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(200, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

export function sendJsonError(res: ServerResponse, requestId: string, err: AwsError): void {
  const text = JSON.stringify({ __type: err.code, message: err.message });
  res.writeHead(err.status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': err.code,
  });
  res.end(text);
}
