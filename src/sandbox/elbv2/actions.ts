/** Checks a rule's or listener's actions against the region: target groups exist and fit the load balancer. */
import { AwsError } from '../errors.js';
import { loadBalancersOf } from './health.js';
import { targetGroupNotFound } from './lookup.js';
import { weightsOf, type ElbAction, type Elbv2Region } from './model.js';
import { validation } from './input.js';

/** Throws AWS's error when the actions cannot be attached to load balancer `lbArn`. */
export function checkActions(elb: Elbv2Region, lbArn: string, actions: ElbAction[]): void {
  if (actions.length === 0) throw validation('At least one action must be specified');
  const terminal = actions.filter((a) => ['forward', 'fixed-response', 'redirect'].includes(a.type));
  if (terminal.length !== 1) {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      'You must specify exactly one forward, fixed-response or redirect action',
    );
  }
  for (const a of actions) {
    if (a.type !== 'forward') continue;
    const weights = weightsOf(a);
    const seen = new Set<string>();
    for (const w of weights) {
      if (seen.has(w.targetGroupArn)) {
        throw validation(
          `Target group '${w.targetGroupArn}' is specified more than once in the forward action`,
        );
      }
      seen.add(w.targetGroupArn);
      const tg = elb.targetGroups[w.targetGroupArn];
      if (!tg) throw targetGroupNotFound();
      const others = loadBalancersOf(elb, tg.arn).filter((arn) => arn !== lbArn);
      if (others.length > 0) {
        throw new AwsError(
          'TargetGroupAssociationLimit',
          `The following target groups cannot be associated with more than one load balancer: ${tg.arn}`,
        );
      }
    }
    if (weights.length > 5) {
      throw new AwsError('TooManyTargetGroups', 'A forward action can have at most 5 target groups');
    }
  }
}
