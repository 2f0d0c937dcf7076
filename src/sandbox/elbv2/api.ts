/**
 * Elastic Load Balancing v2 (Query protocol, signing name `elasticloadbalancing`): application load
 * balancers, target groups, listeners, rules with weighted forward actions, targets and their
 * health, tags. Enough for ECS's native blue/green, linear and canary deployments (which drive the
 * weights through ports.ts) and for CloudFormation's load balancer mappings.
 */
import { EMPTY_RESULT, memberList } from '../protocol/query.js';
import type { QueryService } from '../service.js';
import { balancerActions } from './api-balancers.js';
import { ruleActions } from './api-rules.js';
import { targetActions } from './api-targets.js';
import { mergeTags, required, tagsOf } from './input.js';
import { elbOf, tagsOfResource } from './lookup.js';

function resourceArns(input: Record<string, string>): string[] {
  const arns = memberList(input, 'ResourceArns');
  if (arns.length === 0) required(input, 'ResourceArns');
  return arns;
}

export const elbv2Service: QueryService = {
  name: 'elasticloadbalancing',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  actions: {
    ...balancerActions,
    ...targetActions,
    ...ruleActions,
    AddTags: (input, ctx) => {
      const elb = elbOf(ctx);
      const tags = tagsOf(input);
      if (tags.length === 0) required(input, 'Tags');
      // Every ARN is checked before any is changed.
      const targets = resourceArns(input).map((arn) => tagsOfResource(elb, arn));
      for (const t of targets) mergeTags(t, tags);
      ctx.sandbox.changed();
      return EMPTY_RESULT;
    },
    RemoveTags: (input, ctx) => {
      const elb = elbOf(ctx);
      const keys = memberList(input, 'TagKeys');
      if (keys.length === 0) required(input, 'TagKeys');
      const targets = resourceArns(input).map((arn) => tagsOfResource(elb, arn));
      for (const t of targets) t.splice(0, t.length, ...t.filter((x) => !keys.includes(x.Key)));
      ctx.sandbox.changed();
      return EMPTY_RESULT;
    },
    DescribeTags: (input, ctx) => {
      const elb = elbOf(ctx);
      return {
        TagDescriptions: resourceArns(input).map((arn) => ({
          ResourceArn: arn,
          Tags: tagsOfResource(elb, arn).map((t) => ({ Key: t.Key, Value: t.Value })),
        })),
      };
    },
  },
};
