/**
 * How an AWS service plugs into the sandbox's HTTP server. A JSON service (ECS, ECR, Logs) maps
 * `X-Amz-Target: <prefix>.<Action>` to a handler; a Query service (STS, IAM) maps `Action=`.
 * Handlers receive the parsed input and a CallContext, return the response object, and throw
 * AwsError for AWS-shaped failures (anything else becomes a 500 InternalFailure and is a bug).
 */
import type { AccountState, RegionState } from './world.js';
import type { SandboxRuntime } from './runtime.js';
import type { XmlNode } from './protocol/xml.js';

export interface CallContext {
  /** The calling account (from the access key). */
  account: AccountState;
  /** The account's state in the request's region. */
  regionState: RegionState;
  region: string;
  accessKeyId: string;
  /** The caller's ARN (user root or assumed-role session). */
  callerArn: string;
  requestId: string;
  /** Sandbox time of the call, epoch ms. */
  now: number;
  sandbox: SandboxRuntime;
}

export type JsonInput = Record<string, unknown>;
export type JsonHandler = (input: JsonInput, ctx: CallContext) => unknown;

export interface JsonService {
  /** Short name used in stats, faults and throttling keys: "ecs", "ecr", "logs". */
  name: string;
  /** X-Amz-Target prefix, e.g. AmazonEC2ContainerServiceV20141113. */
  targetPrefix: string;
  actions: Record<string, JsonHandler>;
}

/** Query-protocol input: the form fields, flattened (`Tags.member.1.Key` → value). */
export type QueryInput = Record<string, string>;
/** A Query handler returns the content of `<ActionResult>` as an XmlNode. */
export type QueryHandler = (input: QueryInput, ctx: CallContext) => XmlNode;

export interface QueryService {
  /** "sts" or "iam": also the SigV4 signing name that selects the service. */
  name: string;
  /** XML namespace of responses. */
  xmlns: string;
  actions: Record<string, QueryHandler>;
}

/** JSON 1.1 timestamps are epoch seconds. */
export function epochSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
