/**
 * Reads the SigV4 Authorization header. The sandbox learns the caller (access key, hence account)
 * and the region from the credential scope. It does not verify the signature itself: the
 * sandbox is a local tool and clients sign with the keys it handed out.
 */
export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ecs/aws4_request, ...`; undefined if absent. */
export function parseAuthorization(header: string | undefined): SigV4Scope | undefined {
  if (!header) return undefined;
  const m = CREDENTIAL.exec(header);
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}

/** Parses the scope from presigned query parameters (`X-Amz-Credential=...`). */
export function parsePresigned(query: URLSearchParams): SigV4Scope | undefined {
  const cred = query.get('X-Amz-Credential');
  if (!cred) return undefined;
  return parseAuthorization(`Credential=${cred}`);
}
