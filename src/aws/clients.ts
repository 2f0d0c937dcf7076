/**
 * AWS clients per (credentials, region): the official SDK v3 clients with Slipway's credential
 * sources, endpoint overrides, the process-wide rate limiter and retries.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { EventSink } from '../core/events.js';
import { buildCredentials, credentialIdentityKey, type CredentialSource } from './credentials.js';
import { credentialsError } from './errors.js';
import { currentCall, installSlipwayMiddleware } from './middleware.js';
import { sharedRateLimiter } from './rate-limit.js';
import { DEFAULT_MAX_ATTEMPTS, SlipwayRetryStrategy } from './retry.js';

export { describeAwsError } from './errors.js';
export { resetRateLimiter, sharedRateLimiter } from './rate-limit.js';

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
  /** How long (ms) a call keeps retrying past maxAttempts while AWS cannot be reached at all (default 120,000; 0 for a person waiting on an answer). */
  unreachableRetryMs?: number;
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
  /** Stack calls draw from the published per-action CloudFormation quotas (core/aws-limits.ts). */
  cloudformation: CloudFormationClient;
  /** Parameter Store (secrets delivered to tasks); draws from SSM's published per-action rates. */
  ssm: SSMClient;
  /** Secrets Manager; draws from its published per-action rates. */
  secretsmanager: SecretsManagerClient;
  /** IAM (SimulatePrincipalPolicy: may a task's execution role read its secrets). */
  iam: IAMClient;
  /** The account id (GetCallerIdentity, cached). */
  accountId(): Promise<string>;
  /** Closes sockets. */
  destroy(): void;
}

/** Builds the clients for a target. Throws SlipwayError('AWS_CREDENTIALS') when the region or static keys are missing; other credential problems surface on the first call, as the same error. */
export function createAwsClients(target: AwsTarget, options: AwsClientOptions = {}): AwsClients {
  if (!target.region) throw credentialsError('No AWS region is set.');
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // One HTTP handler for every client (and the STS client of assume-role): destroy() closes all sockets.
  const requestHandler = new NodeHttpHandler();
  const credentials = buildCredentials(target.credentials, {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    requestHandler,
    maxAttempts,
    ...(options.emit ? { emit: options.emit } : {}),
  });
  const config = {
    region: target.region,
    // Unset, the SDK resolves AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL and the config file itself.
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials: credentials.provider,
    requestHandler,
    maxAttempts,
    retryStrategy: new SlipwayRetryStrategy({
      maxAttempts,
      ...(options.unreachableRetryMs === undefined ? {} : { unreachableRetryMs: options.unreachableRetryMs }),
      ...(options.emit ? { emit: options.emit } : {}),
      currentCall,
    }),
  };
  const middleware = (service: string) => ({
    service,
    region: target.region,
    identity: credentialIdentityKey(target.credentials),
    credentials,
    limiter: sharedRateLimiter,
  });
  const ecs = new ECSClient(config);
  installSlipwayMiddleware(ecs.middlewareStack, middleware('ecs'));
  const ecr = new ECRClient(config);
  installSlipwayMiddleware(ecr.middlewareStack, middleware('ecr'));
  const logs = new CloudWatchLogsClient(config);
  installSlipwayMiddleware(logs.middlewareStack, middleware('logs'));
  const sts = new STSClient(config);
  installSlipwayMiddleware(sts.middlewareStack, middleware('sts'));
  const cloudformation = new CloudFormationClient(config);
  installSlipwayMiddleware(cloudformation.middlewareStack, middleware('cloudformation'));
  const ssm = new SSMClient(config);
  installSlipwayMiddleware(ssm.middlewareStack, middleware('ssm'));
  const secretsmanager = new SecretsManagerClient(config);
  installSlipwayMiddleware(secretsmanager.middlewareStack, middleware('secretsmanager'));
  const iam = new IAMClient(config);
  installSlipwayMiddleware(iam.middlewareStack, middleware('iam'));

  let account: Promise<string> | undefined;
  return {
    region: target.region,
    ecs,
    ecr,
    logs,
    sts,
    cloudformation,
    ssm,
    secretsmanager,
    iam,
    accountId() {
      if (!account) {
        const asked = sts.send(new GetCallerIdentityCommand({})).then((r) => {
          if (!r.Account) throw new Error('GetCallerIdentity returned no account');
          return r.Account;
        });
        // A failure is not cached: the next call asks again.
        asked.catch(() => {
          if (account === asked) account = undefined;
        });
        account = asked;
      }
      return account;
    },
    destroy() {
      for (const c of [ecs, ecr, logs, sts, cloudformation, ssm, secretsmanager, iam]) c.destroy();
      requestHandler.destroy();
    },
  };
}
