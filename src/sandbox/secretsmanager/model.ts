/**
 * Secrets Manager state of one account in one region: secrets with their versions and staging
 * labels (AWSCURRENT, AWSPREVIOUS, custom ones). Values are kept as given; binary ones as base64.
 */
export interface SmVersion {
  versionId: string;
  secretString?: string;
  /** base64 of the bytes. */
  secretBinary?: string;
  stages: string[];
  /** Sandbox epoch ms. */
  createdDate: number;
}

export interface SmSecret {
  arn: string;
  name: string;
  description?: string;
  /** As given (any KMS key id, ARN or alias); absent = the AWS managed key aws/secretsmanager. */
  kmsKeyId?: string;
  tags: { Key: string; Value: string }[];
  createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** Set by DeleteSecret with a recovery window: the secret is "marked deleted" until then. */
  deletedDate?: number;
  /** When the deleted secret goes for good (sandbox epoch ms). */
  deleteAt?: number;
  /** In creation order. */
  versions: SmVersion[];
}

export interface SecretsRegion {
  /** By ARN. */
  secrets: Record<string, SmSecret>;
}

export function emptySecretsRegion(): SecretsRegion {
  return { secrets: {} };
}

/** The region's Secrets Manager, created on first use (older state files have none). */
export function secretsOf(rs: { secretsmanager?: SecretsRegion }): SecretsRegion {
  rs.secretsmanager ??= emptySecretsRegion();
  return rs.secretsmanager;
}
