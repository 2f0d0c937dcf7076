/**
 * Traffic of BLUE_GREEN, LINEAR and CANARY deployments. The weights always live on the service
 * deployment (and so on its revisions); the listener rules of the sandbox's ELBv2 named in each
 * load balancer's `advancedConfiguration` follow them.
 */
import { setForwardWeights } from '../elbv2/ports.js';
import type { Scope } from './engine-context.js';
import type { EcsService } from './model.js';
import type { EcsServiceDeploymentRecord } from './service-deployment-model.js';
import { isObject } from './util.js';

/** Points the production (or test) listener rules at the target revision by the deployment's weight. */
export function applyTraffic(
  scope: Scope,
  service: EcsService,
  r: EcsServiceDeploymentRecord,
  which: 'test' | 'prod',
  _now: number,
): void {
  const target = service.deployments.find((d) => d.id === r.targetDeploymentId);
  const weight = which === 'prod' ? r.prodWeight : r.testWeight;
  service.loadBalancers.forEach((lb, i) => {
    const adv = lb.advancedConfiguration;
    if (!isObject(adv) || typeof lb.targetGroupArn !== 'string') return;
    const alt = adv.alternateTargetGroupArn;
    const rule = which === 'prod' ? adv.productionListenerRule : adv.testListenerRule;
    if (typeof alt !== 'string' || typeof rule !== 'string') return;
    const green = target?.targetGroupArns?.[i] ?? alt;
    const blue = green === alt ? lb.targetGroupArn : alt;
    setForwardWeights(scope.rs, rule, [
      { targetGroupArn: blue, weight: 100 - weight },
      { targetGroupArn: green, weight },
    ]);
  });
}
