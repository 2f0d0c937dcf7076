/**
 * The failure reasons resource handlers give, in AWS's wording (cloudformation.md §A3): the
 * `Resource handler returned message: "..." (RequestToken: ..., HandlerErrorCode: ...)` wrapper,
 * the SDK error text inside it, and the few fixed messages.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../errors.js';
import type { ProgressEvent } from '../contracts.js';

/** The service names the handlers' SDK prints in `(Service: X, ...)`. */
export type SdkService = 'Ecs' | 'Iam' | 'CloudWatchLogs';

/** A FAILED progress event with `message` wrapped as a registry handler reports it. */
export function handlerFailure(message: string, errorCode: string, physicalId?: string): ProgressEvent {
  return {
    status: 'FAILED',
    errorCode,
    message: `Resource handler returned message: "${message}" (RequestToken: ${randomUUID()}, HandlerErrorCode: ${errorCode})`,
    ...(physicalId !== undefined ? { physicalId } : {}),
  };
}

/** The HandlerErrorCode a service error maps to. */
export function handlerErrorCode(e: AwsError): string {
  const code = e.code;
  if (/NotFound|NoSuchEntity/.test(code)) return 'NotFound';
  if (/AlreadyExists/.test(code)) return 'AlreadyExists';
  if (/Throttl/.test(code)) return 'Throttling';
  if (/LimitExceeded/.test(code)) return 'ServiceLimitExceeded';
  if (/AccessDenied/.test(code)) return 'AccessDenied';
  return e.status >= 500 ? 'ServiceInternalError' : 'InvalidRequest';
}

/**
 * A service error as the handler reports it. ECS errors read `Invalid request provided: <Op>
 * error: <message> (Service: Ecs, Status Code: 400, Request ID: <uuid>) (SDK Attempt Count: 1)`
 * (HandlerErrorCode InvalidRequest); other services' keep their own message before the SDK part.
 */
export function serviceFailure(
  service: SdkService,
  operation: string,
  e: AwsError,
  physicalId?: string,
): ProgressEvent {
  const sdk = `(Service: ${service}, Status Code: ${e.status}, Request ID: ${randomUUID()}) (SDK Attempt Count: 1)`;
  if (service === 'Ecs') {
    return handlerFailure(
      `Invalid request provided: ${operation} error: ${e.message} ${sdk}`,
      'InvalidRequest',
      physicalId,
    );
  }
  return handlerFailure(`${e.message} ${sdk}`, handlerErrorCode(e), physicalId);
}

/**
 * A registry handler's AlreadyExists: the identifier is the primary identifier as JSON (AWS prints
 * e.g. `'{"/properties/LogGroupName":"/ecs/web"}'`).
 */
export function alreadyExists(type: string, property: string, value: string): ProgressEvent {
  const identifier = JSON.stringify({ [`/properties/${property}`]: value });
  return handlerFailure(
    `Resource of type '${type}' with identifier '${identifier}' already exists.`,
    'AlreadyExists',
  );
}

/** The stabilisation timeout (aws/aws-app-mesh-examples#419). */
export function timedOut(physicalId?: string): ProgressEvent {
  return {
    status: 'FAILED',
    errorCode: 'NotStabilized',
    message: 'Resource timed out waiting for completion',
    ...(physicalId !== undefined ? { physicalId } : {}),
  };
}

/** An ECS::Service whose deployment the circuit breaker failed (aws/copilot-cli#5296). */
export function circuitBreakerTriggered(physicalId: string): ProgressEvent {
  return handlerFailure(
    "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'.",
    'GeneralServiceException',
    physicalId,
  );
}

/** The reason a resource of a type AWS has but the sandbox does not emulate fails with. */
export function unemulatedTypeMessage(type: string): string {
  return `The sandbox does not emulate resources of type ${type}; it emulates AWS::ECS::TaskDefinition, AWS::ECS::Service, AWS::ECS::Cluster, AWS::IAM::Role and AWS::Logs::LogGroup. Remove the resource from the template, or deploy this template to a real AWS account.`;
}

/** A non-AWS error inside a handler: a sandbox bug, reported rather than crashing the stack. */
export function internalFailure(e: unknown, physicalId?: string): ProgressEvent {
  const text = e instanceof Error ? e.message : String(e);
  return handlerFailure(`Internal Failure: ${text}`, 'InternalFailure', physicalId);
}

/** Whether `e` is an AwsError (the handlers' failures) rather than a bug. */
export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}
