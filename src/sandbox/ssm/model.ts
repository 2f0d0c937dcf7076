/**
 * SSM Parameter Store state of one account in one region. Each parameter keeps its versions (at most
 * 100, as AWS); values are kept in plain text, SecureString ones are shown encrypted unless asked.
 */
export type SsmParameterType = 'String' | 'StringList' | 'SecureString';
export type SsmTier = 'Standard' | 'Advanced';

/** One version of a parameter: everything PutParameter set. */
export interface SsmParameterVersion {
  version: number;
  value: string;
  type: SsmParameterType;
  /** SecureString only: the KMS key id, ARN or alias as given (default alias/aws/ssm). */
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  tier: SsmTier;
  dataType: string;
  /** Sandbox epoch ms. */
  lastModifiedDate: number;
  /** The ARN of the caller that wrote this version. */
  lastModifiedUser: string;
}

export interface SsmParameter {
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: SsmParameterVersion[];
  tags: { Key: string; Value: string }[];
}

export interface SsmRegion {
  /** By name exactly as created (names are case sensitive). */
  parameters: Record<string, SsmParameter>;
}

export function emptySsmRegion(): SsmRegion {
  return { parameters: {} };
}

/** The region's Parameter Store, created on first use (state files written before SSM have none). */
export function ssmOf(rs: { ssm?: SsmRegion }): SsmRegion {
  rs.ssm ??= emptySsmRegion();
  return rs.ssm;
}

/** The current version of a parameter. */
export function current(p: SsmParameter): SsmParameterVersion {
  return p.versions[p.versions.length - 1]!;
}
