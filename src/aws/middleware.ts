/**
 * The two middlewares Slipway adds to every SDK client:
 * - `slipwayCall` (initialize, outermost): remembers which call is running (for retry events) and,
 *   when AWS says the session expired, refreshes the credentials and sends the call once more. It
 *   sits above serialization because the SDK picks the signing identity there, once per call.
 * - `slipwayRateLimit` (finalizeRequest, inside the retry loop, before signing): waits for the
 *   call's token from the shared limiter, so every attempt is paced and signed just before sending.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  AbsoluteLocation,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
  MiddlewareStack,
  RelativeMiddlewareOptions,
} from '@smithy/types';
import type { RefreshableCredentials } from './credentials.js';
import { isExpiredCredentialsError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';
import type { CallInfo } from './retry.js';

const calls = new AsyncLocalStorage<CallInfo>();

/** The SDK call running in this async context, if any (read by the retry strategy). */
export function currentCall(): CallInfo | undefined {
  return calls.getStore();
}

/** The action of a command: `DescribeServicesCommand` → `DescribeServices`. */
export function actionOf(context: HandlerExecutionContext): string {
  const name = context.commandName ?? 'Unknown';
  return name.endsWith('Command') ? name.slice(0, -'Command'.length) : name;
}

/** What the middlewares of one client need. */
export interface SlipwayMiddlewareConfig {
  /** Short service name: `ecs`, `ecr`, `logs`, `sts`. */
  service: string;
  region: string;
  /** Whose buckets the calls draw from (see credentialIdentityKey). */
  identity: string;
  credentials: RefreshableCredentials;
  /** The limiter (looked up per call so that a test's reset takes effect). */
  limiter: () => RateLimiter;
}

const CALL_OPTIONS: InitializeHandlerOptions & AbsoluteLocation = {
  step: 'initialize',
  name: 'slipwayCall',
  priority: 'high',
  override: true,
};

const RATE_LIMIT_OPTIONS: RelativeMiddlewareOptions & { name: string } = {
  name: 'slipwayRateLimit',
  relation: 'before',
  toMiddleware: 'httpSigningMiddleware',
  override: true,
};

/** Adds Slipway's middlewares to a client's stack. */
export function installSlipwayMiddleware<I extends object, O extends MetadataBearer>(
  stack: MiddlewareStack<I, O>,
  config: SlipwayMiddlewareConfig,
): void {
  const call: InitializeMiddleware<I, O> = (next, context) => (args) => {
    const info: CallInfo = { service: config.service, action: actionOf(context) };
    return calls.run(info, async () => {
      const generation = config.credentials.generation;
      try {
        return await next(args);
      } catch (e) {
        if (!isExpiredCredentialsError(e) || !config.credentials.invalidate(generation)) throw e;
        return await next(args);
      }
    });
  };
  const rateLimit: FinalizeRequestMiddleware<I, O> = (next, context) => async (args) => {
    const signal = (context as { __smithy_context?: { abortSignal?: AbortSignal } }).__smithy_context
      ?.abortSignal;
    await config.limiter().acquire(
      {
        identity: config.identity,
        region: config.region,
        service: config.service,
        action: actionOf(context),
      },
      signal,
    );
    return next(args);
  };
  stack.add(call, CALL_OPTIONS);
  stack.addRelativeTo(rateLimit, RATE_LIMIT_OPTIONS);
}
