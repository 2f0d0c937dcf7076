/** AWS Query protocol (STS, IAM): form-encoded `Action=...` requests, XML responses. */
import type { ServerResponse } from 'node:http';
import type { AwsError } from '../errors.js';
import { escapeXml, nodeToXml, type XmlNode } from './xml.js';

/** Flattens form fields into a record (the last value wins for a repeated key). */
export function parseQueryBody(body: Buffer, search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of search) out[k] = v;
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) out[k] = v;
  return out;
}

/** Reads a `Name.member.N` list from flattened Query input. */
export function memberList(input: Record<string, string>, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = input[`${name}.member.${i}`];
    if (v === undefined) return out;
    out.push(v);
  }
}

/**
 * What a handler returns for an action whose output shape has no members (ExecuteChangeSet,
 * DeleteChangeSet): the `<ActionResult/>` element is written, empty (botocore expects it). Any
 * other empty result writes no result element, as for actions without an output shape.
 */
export const EMPTY_RESULT: XmlNode = Object.freeze({});

export function sendQuery(
  res: ServerResponse,
  xmlns: string,
  action: string,
  requestId: string,
  result: XmlNode,
): void {
  const inner = nodeToXml(result);
  const text =
    `<${action}Response xmlns="${xmlns}">` +
    (inner || result === EMPTY_RESULT ? `<${action}Result>${inner}</${action}Result>` : '') +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

export function sendQueryError(res: ServerResponse, xmlns: string, requestId: string, err: AwsError): void {
  const text =
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${err.fault}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  res.writeHead(err.status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}
