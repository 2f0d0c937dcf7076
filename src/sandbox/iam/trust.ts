/**
 * Evaluates a role's trust policy for sts:AssumeRole, to the extent deployments need: which
 * principals may assume it, and the `sts:ExternalId` condition.
 */

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { AWS?: string | string[]; Service?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function principalMatches(p: string, callerAccount: string, callerArn: string): boolean {
  if (p === '*') return true;
  if (p === callerAccount || p === `arn:aws:iam::${callerAccount}:root`) return true;
  if (p === callerArn) return true;
  // A role principal also admits sessions of that role.
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(p);
  return m !== null && callerArn.startsWith(`arn:aws:sts::${m[1]}:assumed-role/${m[2]}/`);
}

/** The external id a trust policy demands, if any (for the admin API's listings). */
export function requiredExternalId(policyDocument: string): string | undefined {
  try {
    const doc = JSON.parse(policyDocument) as { Statement?: Statement[] };
    for (const s of doc.Statement ?? []) {
      const ext = s.Condition?.StringEquals?.['sts:ExternalId'];
      if (ext !== undefined) return list(ext)[0];
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** True when a statement allows the caller to assume the role with the given external id. */
export function trustAllows(
  policyDocument: string,
  callerAccount: string,
  callerArn: string,
  externalId: string | undefined,
): boolean {
  let doc: { Statement?: Statement[] | Statement };
  try {
    doc = JSON.parse(policyDocument) as { Statement?: Statement[] | Statement };
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.some((s) => {
    if (s.Effect !== 'Allow') return false;
    if (!list(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')) return false;
    const principals = typeof s.Principal === 'string' ? [s.Principal] : list(s.Principal?.AWS);
    if (!principals.some((p) => principalMatches(p, callerAccount, callerArn))) return false;
    const ext = s.Condition?.StringEquals?.['sts:ExternalId'];
    return ext === undefined || (externalId !== undefined && list(ext).includes(externalId));
  });
}

/** A trust policy letting the given accounts assume the role, optionally demanding an external id. */
export function trustPolicyFor(accountIds: string[], externalId?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: accountIds.map((a) => `arn:aws:iam::${a}:root`) },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  });
}
