/** Reading ELBv2's flattened Query input: required members, numbers, tags, actions, conditions. */
import { AwsError } from '../errors.js';
import { memberList } from '../protocol/query.js';
import type { QueryInput } from '../service.js';
import type { ElbAction, ElbCondition, ElbTag } from './model.js';

/** AWS's validation error (Query services spell the code ValidationError). */
export function validation(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The member, or AWS's "Value null ... Member must not be null" when absent. */
export function required(input: QueryInput, field: string): string {
  const v = input[field];
  if (v === undefined || v === '') {
    throw validation(
      `1 validation error detected: Value null at '${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

/** An optional integer member; ValidationError when it is not a whole number. */
export function optionalInt(input: QueryInput, field: string): number | undefined {
  const v = input[field];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw validation(`Value '${v}' at '${lowerFirst(field)}' is not a valid integer`);
  return n;
}

/** An optional boolean member ("true"/"false"). */
export function optionalBool(input: QueryInput, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === '') return undefined;
  return v === 'true';
}

/** `Tags.member.N.Key/Value`; DuplicateTagKeys when a key repeats. */
export function tagsOf(input: QueryInput, prefix = 'Tags'): ElbTag[] {
  const tags: ElbTag[] = [];
  for (let i = 1; input[`${prefix}.member.${i}.Key`] !== undefined; i++) {
    const Key = input[`${prefix}.member.${i}.Key`]!;
    if (tags.some((t) => t.Key === Key)) {
      throw new AwsError('DuplicateTagKeys', `Tag key '${Key}' is duplicated`);
    }
    tags.push({ Key, Value: input[`${prefix}.member.${i}.Value`] ?? '' });
  }
  return tags;
}

/** Adds or replaces tags by key. */
export function mergeTags(into: ElbTag[], tags: ElbTag[]): void {
  for (const t of tags) {
    const existing = into.find((x) => x.Key === t.Key);
    if (existing) existing.Value = t.Value;
    else into.push({ ...t });
  }
}

function actionAt(input: QueryInput, p: string): ElbAction {
  const type = input[`${p}.Type`];
  if (!type) {
    throw validation(
      `1 validation error detected: Value null at '${lowerFirst(p.replace(/\.member\.(\d+)/g, '.$1.member'))}.type' failed to satisfy constraint: Member must not be null`,
    );
  }
  const action: ElbAction = { type };
  const order = optionalInt(input, `${p}.Order`);
  if (order !== undefined) action.order = order;
  if (type === 'forward') {
    const single = input[`${p}.TargetGroupArn`];
    const groups: { targetGroupArn: string; weight: number }[] = [];
    const fc = `${p}.ForwardConfig`;
    for (let i = 1; input[`${fc}.TargetGroups.member.${i}.TargetGroupArn`] !== undefined; i++) {
      const weight = optionalInt(input, `${fc}.TargetGroups.member.${i}.Weight`) ?? 1;
      if (weight < 0 || weight > 999) {
        throw validation(`The weight of target group must be between 0 and 999`);
      }
      groups.push({ targetGroupArn: input[`${fc}.TargetGroups.member.${i}.TargetGroupArn`]!, weight });
    }
    if (!single && groups.length === 0) {
      throw validation('A target group ARN must be specified');
    }
    if (single && groups.length > 0 && !(groups.length === 1 && groups[0]!.targetGroupArn === single)) {
      throw validation(
        'You cannot specify both a target group ARN and a forward config with different target groups',
      );
    }
    if (single && groups.length === 0) action.targetGroupArn = single;
    else action.targetGroups = groups;
    const enabled = optionalBool(input, `${fc}.TargetGroupStickinessConfig.Enabled`);
    if (enabled !== undefined) {
      action.stickiness = { enabled };
      const d = optionalInt(input, `${fc}.TargetGroupStickinessConfig.DurationSeconds`);
      if (d !== undefined) action.stickiness.durationSeconds = d;
    }
  } else if (type === 'fixed-response') {
    const f = `${p}.FixedResponseConfig`;
    action.fixedResponse = { statusCode: required(input, `${f}.StatusCode`) };
    if (input[`${f}.ContentType`] !== undefined) action.fixedResponse.contentType = input[`${f}.ContentType`];
    if (input[`${f}.MessageBody`] !== undefined) action.fixedResponse.messageBody = input[`${f}.MessageBody`];
  } else if (type === 'redirect') {
    const r: Record<string, string> = {};
    for (const k of ['Protocol', 'Port', 'Host', 'Path', 'Query', 'StatusCode']) {
      const v = input[`${p}.RedirectConfig.${k}`];
      if (v !== undefined) r[k] = v;
    }
    if (!r.StatusCode) throw validation('A redirect status code must be specified');
    action.redirect = r;
  } else {
    throw new AwsError(
      'InvalidLoadBalancerAction',
      `The sandbox supports forward, fixed-response and redirect actions, not '${type}'.`,
    );
  }
  return action;
}

/** `<prefix>.member.N` actions (forward with weights, fixed-response, redirect). */
export function actionsOf(input: QueryInput, prefix: string): ElbAction[] {
  const out: ElbAction[] = [];
  for (let i = 1; input[`${prefix}.member.${i}.Type`] !== undefined; i++) {
    out.push(actionAt(input, `${prefix}.member.${i}`));
  }
  return out;
}

/** True when the input names any member of `<prefix>.member.N` (an empty list cannot be sent). */
export function hasList(input: QueryInput, prefix: string): boolean {
  return Object.keys(input).some((k) => k === prefix || k.startsWith(`${prefix}.member.`));
}

const CONFIGS = [
  'HostHeaderConfig',
  'PathPatternConfig',
  'HttpHeaderConfig',
  'HttpRequestMethodConfig',
  'SourceIpConfig',
  'QueryStringConfig',
];

/** `Conditions.member.N`: Field with Values or one of the *Config members. */
export function conditionsOf(input: QueryInput): ElbCondition[] {
  const out: ElbCondition[] = [];
  for (let i = 1; ; i++) {
    const p = `Conditions.member.${i}`;
    if (!Object.keys(input).some((k) => k.startsWith(`${p}.`))) return out;
    const field = input[`${p}.Field`];
    if (!field) throw validation('A condition field must be specified');
    const cond: ElbCondition = { field, values: memberList(input, `${p}.Values`) };
    for (const c of CONFIGS) {
      const values = memberList(input, `${p}.${c}.Values`);
      const name = input[`${p}.${c}.HttpHeaderName`];
      if (values.length === 0 && name === undefined) continue;
      cond.configs ??= {};
      cond.configs[c] = name === undefined ? { Values: values } : { HttpHeaderName: name, Values: values };
    }
    out.push(cond);
  }
}
