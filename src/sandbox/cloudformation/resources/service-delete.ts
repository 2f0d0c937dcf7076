/**
 * AWS::ECS::Service delete: scale to zero, wait until no task runs, DeleteService, wait until the
 * service is INACTIVE (its tasks stopped). Each step is one call; the context says which.
 */
import type { ProgressEvent, ResourceRequest } from '../contracts.js';
import { callJson, inProgress, pastDeadline, success } from './common.js';
import { ecsAction } from './ecs-tags.js';
import { isAwsError, serviceFailure, timedOut } from './messages.js';
import { clusterOfService, describeService } from './service-state.js';
import { CFN_TIMINGS } from './timings.js';

function wait(step: string, arn: string): ProgressEvent {
  return inProgress(CFN_TIMINGS.servicePollSeconds, { step }, arn);
}

/** DeleteService (forced when asked: a service ECS cannot scale any more, e.g. its revision is gone). */
function deleteService(request: ResourceRequest, arn: string, force: boolean): ProgressEvent {
  try {
    callJson(request, ecsAction('DeleteService'), {
      cluster: clusterOfService(request, arn),
      service: arn,
      ...(force ? { force: true } : {}),
    });
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Ecs', 'DeleteService', e, arn);
    throw e;
  }
  return wait('inactive', arn);
}

/** The delete handler. */
export function removeService(request: ResourceRequest): ProgressEvent {
  const arn = request.physicalId;
  if (!arn) return success();
  const svc = describeService(request, arn);
  // Gone already (or never made): nothing to delete.
  if (!svc || svc.status === 'INACTIVE') return success(arn);
  const step = request.context?.step;
  if (step === 'inactive' || svc.status === 'DRAINING') {
    return pastDeadline(request) ? timedOut(arn) : wait('inactive', arn);
  }
  if (step === 'drain') {
    if (svc.runningCount + svc.pendingCount === 0) return deleteService(request, arn, false);
    return pastDeadline(request) ? timedOut(arn) : wait('drain', arn);
  }
  if (svc.desiredCount === 0) return deleteService(request, arn, false);
  try {
    callJson(request, ecsAction('UpdateService'), {
      cluster: clusterOfService(request, arn),
      service: arn,
      desiredCount: 0,
    });
  } catch {
    // The sandbox's UpdateService checks the task definition even for a count; delete regardless.
    return deleteService(request, arn, true);
  }
  return wait('drain', arn);
}
