/** ELBv2 listener rules: conditions, priorities and (weighted forward) actions. */
import { AwsError } from '../errors.js';
import { EMPTY_RESULT, memberList } from '../protocol/query.js';
import type { QueryHandler, QueryInput } from '../service.js';
import { checkActions } from './actions.js';
import { actionsOf, conditionsOf, hasList, optionalInt, required, tagsOf, validation } from './input.js';
import { elbOf, getListener, getRule, hexId, ruleNotFound, rulesOf } from './lookup.js';
import type { ElbRule, Elbv2Region } from './model.js';
import { ruleXml } from './render.js';

function priorityOf(input: QueryInput, field: string): number {
  const p = optionalInt(input, field);
  if (p === undefined) required(input, field);
  const n = p!;
  if (n < 1 || n > 50000) {
    throw validation(
      `1 validation error detected: Value '${n}' at 'priority' failed to satisfy constraint: Member must have value ${n < 1 ? 'greater than or equal to 1' : 'less than or equal to 50000'}`,
    );
  }
  return n;
}

function checkPriorityFree(elb: Elbv2Region, listenerArn: string, priority: number, except?: string): void {
  if (rulesOf(elb, listenerArn).some((r) => r.priority === String(priority) && r.arn !== except)) {
    throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
  }
}

export const ruleActions: Record<string, QueryHandler> = {
  CreateRule: (input, ctx) => {
    const elb = elbOf(ctx);
    const listener = getListener(elb, required(input, 'ListenerArn'));
    const priority = priorityOf(input, 'Priority');
    if (!hasList(input, 'Conditions')) required(input, 'Conditions');
    if (!hasList(input, 'Actions')) required(input, 'Actions');
    const conditions = conditionsOf(input);
    if (conditions.length === 0) throw validation('A rule must have at least one condition');
    const actions = actionsOf(input, 'Actions');
    checkActions(elb, listener.loadBalancerArn, actions);
    checkPriorityFree(elb, listener.arn, priority);
    const tail = listener.arn.slice(listener.arn.indexOf(':listener/') + ':listener/'.length);
    const prefix = listener.arn.slice(0, listener.arn.indexOf(':listener/'));
    const rule: ElbRule = {
      arn: `${prefix}:listener-rule/${tail}/${hexId()}`,
      listenerArn: listener.arn,
      priority: String(priority),
      isDefault: false,
      conditions,
      actions,
      tags: tagsOf(input),
    };
    elb.rules[rule.arn] = rule;
    ctx.sandbox.changed();
    return { Rules: [ruleXml(rule)] };
  },
  DescribeRules: (input, ctx) => {
    const elb = elbOf(ctx);
    const arns = memberList(input, 'RuleArns');
    if (arns.length > 0) {
      if (arns.some((a) => !elb.rules[a])) throw ruleNotFound();
      return { Rules: arns.map((a) => ruleXml(elb.rules[a]!)) };
    }
    if (!input.ListenerArn) throw validation('You must specify either listener or rule ARNs');
    const listener = getListener(elb, input.ListenerArn);
    return { Rules: rulesOf(elb, listener.arn).map(ruleXml) };
  },
  ModifyRule: (input, ctx) => {
    const elb = elbOf(ctx);
    const rule = getRule(elb, required(input, 'RuleArn'));
    const listener = getListener(elb, rule.listenerArn);
    let { conditions, actions } = rule;
    if (hasList(input, 'Conditions')) {
      if (rule.isDefault) {
        throw new AwsError(
          'OperationNotPermitted',
          `Conditions cannot be specified for the default rule '${rule.arn}'`,
        );
      }
      conditions = conditionsOf(input);
    }
    if (hasList(input, 'Actions')) {
      actions = actionsOf(input, 'Actions');
      checkActions(elb, listener.loadBalancerArn, actions);
    }
    rule.conditions = conditions;
    rule.actions = actions;
    ctx.sandbox.changed();
    return { Rules: [ruleXml(rule)] };
  },
  SetRulePriorities: (input, ctx) => {
    const elb = elbOf(ctx);
    const pairs: { rule: ElbRule; priority: number }[] = [];
    for (let i = 1; input[`RulePriorities.member.${i}.RuleArn`] !== undefined; i++) {
      const rule = getRule(elb, input[`RulePriorities.member.${i}.RuleArn`]!);
      if (rule.isDefault) {
        throw new AwsError(
          'OperationNotPermitted',
          `The priority of the default rule '${rule.arn}' cannot be changed`,
        );
      }
      pairs.push({ rule, priority: priorityOf(input, `RulePriorities.member.${i}.Priority`) });
    }
    const moving = new Set(pairs.map((p) => p.rule.arn));
    for (const p of pairs) {
      const clash = rulesOf(elb, p.rule.listenerArn).some(
        (r) => !moving.has(r.arn) && r.priority === String(p.priority),
      );
      if (
        clash ||
        pairs.filter((q) => q.rule.listenerArn === p.rule.listenerArn && q.priority === p.priority).length > 1
      ) {
        throw new AwsError('PriorityInUse', `Priority '${p.priority}' is currently in use`);
      }
    }
    for (const p of pairs) p.rule.priority = String(p.priority);
    ctx.sandbox.changed();
    return { Rules: pairs.map((p) => ruleXml(p.rule)) };
  },
  DeleteRule: (input, ctx) => {
    const elb = elbOf(ctx);
    const rule = getRule(elb, required(input, 'RuleArn'));
    if (rule.isDefault) {
      throw new AwsError('OperationNotPermitted', `Default rule '${rule.arn}' cannot be deleted`);
    }
    delete elb.rules[rule.arn];
    ctx.sandbox.changed();
    return EMPTY_RESULT;
  },
};
