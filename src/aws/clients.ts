/**
 * AWS clients per (credentials, region): the official SDK v3 clients with Slipway's credential
 * sources, endpoint overrides, the process-wide rate limiter and retries. CONTRACT STUB:
 * signatures are fixed; bodies are being written (issue 3).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { STSClient } from '@aws-sdk/client-sts';
import { SlipwayError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';

/** Where credentials come from. */
export type CredentialSource =
  /** The SDK's standard chain: env, shared config/credentials `profile`, SSO, web identity, container and instance metadata. */
  | { kind: 'chain'; profile?: string }
  | { kind: 'static'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** Assume `roleArn` using `source`'s credentials; refreshed before expiry during long waits. */
  | {
      kind: 'assume-role';
      roleArn: string;
      externalId?: string;
      /** Default `slipway-<time>`. */
      sessionName?: string;
      /** Default 3600. */
      durationSeconds?: number;
      source: CredentialSource;
    };

/** One AWS account and region to talk to. */
export interface AwsTarget {
  region: string;
  credentials: CredentialSource;
  /** Endpoint for every service (e.g. the sandbox). Default: the SDK's own resolution, which honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>. */
  endpoint?: string;
}

export interface AwsClientOptions {
  /** Attempts per call, including the first (default 10): throttling and "Too many concurrent attempts" are retried with jittered backoff. */
  maxAttempts?: number;
  /** Receives `aws.retry` / `aws.throttled` events (default: none). */
  emit?: EventSink;
}

/** The clients Slipway uses for one target. All share credentials and the process-wide rate limiter. */
export interface AwsClients {
  region: string;
  ecs: ECSClient;
  ecr: ECRClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
  /** The account id (GetCallerIdentity, cached). */
  accountId(): Promise<string>;
  /** Closes sockets. */
  destroy(): void;
}

/** Builds the clients for a target. */
export function createAwsClients(_target: AwsTarget, _options: AwsClientOptions = {}): AwsClients {
  throw new SlipwayError('NOT_IMPLEMENTED', 'createAwsClients is being written');
}
