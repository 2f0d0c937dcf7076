/** ECS task definition actions: Register, Describe, List, ListFamilies, Deregister, Delete. */
import { clientException, invalidParameter, optionalString, requireString } from '../errors.js';
import { epochSeconds, type CallContext, type JsonHandler, type JsonInput } from '../service.js';
import { arnPrefix, parseEcsArn, taskDefinitionArnOf } from './arns.js';
import type { EcsTaskDefinition } from './model.js';
import { paginate } from './pagination.js';
import { compatibilitiesOf, requiresAttributesOf, validateTaskDefinition } from './taskdef-rules.js';
import { clone, parseInclude, parseTags, requireRefs, type Failure } from './util.js';

const NOT_FOUND = 'Unable to describe task definition.';
const DOES_NOT_EXIST =
  'The specified task definition does not exist. Specify a valid account, family, revision and try again.';

interface TaskDefRef {
  family: string;
  revision?: number;
}

/** Parses `family`, `family:revision` or a task definition ARN; undefined when malformed or another account's. */
function parseRef(ctx: CallContext, ref: string): TaskDefRef | undefined {
  let s = ref;
  if (ref.startsWith('arn:')) {
    const arn = parseEcsArn(ref);
    if (!arn || arn.type !== 'task-definition' || arn.parts.length !== 1) return undefined;
    if (arn.region !== ctx.region || arn.account !== ctx.account.id) return undefined;
    s = arn.parts[0]!;
    if (!s.includes(':')) return undefined;
  }
  const m = /^([A-Za-z0-9_-]{1,255})(?::(\d+))?$/.exec(s);
  if (!m) return undefined;
  return m[2] === undefined ? { family: m[1]! } : { family: m[1]!, revision: Number(m[2]) };
}

/**
 * The task definition a reference names: a given revision whatever its status, or for a bare
 * family its latest ACTIVE revision. Undefined when there is none.
 */
export function findTaskDefinition(ctx: CallContext, ref: string): EcsTaskDefinition | undefined {
  const parsed = parseRef(ctx, ref);
  if (!parsed) return undefined;
  const revisions = ctx.regionState.ecs.taskDefinitions[parsed.family];
  if (!revisions) return undefined;
  if (parsed.revision !== undefined) return revisions[parsed.revision - 1];
  for (let i = revisions.length - 1; i >= 0; i--) {
    if (revisions[i]!.status === 'ACTIVE') return revisions[i];
  }
  return undefined;
}

/** The ACTIVE task definition a CreateService/UpdateService/RunTask names, with ECS's errors. */
export function requireActiveTaskDefinition(ctx: CallContext, ref: string): EcsTaskDefinition {
  const td = findTaskDefinition(ctx, ref);
  if (!td) throw invalidParameter('TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive');
  return td;
}

/** Defaults ECS fills in on every container it returns (its register-task-definition output shows them). */
const CONTAINER_DEFAULTS: Record<string, () => unknown> = {
  cpu: () => 0,
  portMappings: () => [],
  essential: () => true,
  environment: () => [],
  mountPoints: () => [],
  volumesFrom: () => [],
};

/** Adds ECS's defaults where the registered body left them out (the stored body stays as given). */
function withDefaults(body: Record<string, unknown>): Record<string, unknown> {
  const out = clone(body);
  out.volumes ??= [];
  out.placementConstraints ??= [];
  if (Array.isArray(out.containerDefinitions)) {
    for (const c of out.containerDefinitions as unknown[]) {
      if (c === null || typeof c !== 'object') continue;
      const container = c as Record<string, unknown>;
      for (const [k, make] of Object.entries(CONTAINER_DEFAULTS)) container[k] ??= make();
    }
  }
  return out;
}

/** The DescribeTaskDefinition shape: the body as registered, ECS's defaults, and the read-only fields. */
export function renderTaskDefinition(td: EcsTaskDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { taskDefinitionArn: td.taskDefinitionArn, ...withDefaults(td.body) };
  out.family = td.family;
  out.revision = td.revision;
  out.status = td.status;
  out.requiresAttributes = requiresAttributesOf(td.body);
  out.compatibilities = compatibilitiesOf(td.body);
  out.registeredAt = epochSeconds(td.registeredAt);
  out.registeredBy = td.registeredBy;
  if (td.deregisteredAt !== undefined) out.deregisteredAt = epochSeconds(td.deregisteredAt);
  if (td.deleteRequestedAt !== undefined) out.deleteRequestedAt = epochSeconds(td.deleteRequestedAt);
  return out;
}

/** IAM role names: what `role/<name>` may hold (IAM's RoleName pattern). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * ECS accepts a role's short name where taskRoleArn and executionRoleArn expect an ARN and stores
 * the ARN (`arn:aws:iam::<account>:role/<name>`, no path, as ECS expands it). CloudFormation
 * templates rely on this: `Ref` of an in-stack AWS::IAM::Role is the role's name.
 */
export function expandRoleNames(body: Record<string, unknown>, accountId: string): void {
  for (const field of ['taskRoleArn', 'executionRoleArn']) {
    const v = body[field];
    if (typeof v !== 'string' || v === '' || v.startsWith('arn:')) continue;
    if (!ROLE_NAME.test(v)) throw clientException('Role is not valid');
    body[field] = `arn:aws:iam::${accountId}:role/${v}`;
  }
}

const registerTaskDefinition: JsonHandler = (input, ctx) => {
  const { tags: _tags, ...body } = input;
  expandRoleNames(body, ctx.account.id);
  validateTaskDefinition(body);
  const tags = parseTags(input);
  const family = body.family as string;
  const store = ctx.regionState.ecs.taskDefinitions;
  const revisions = (store[family] ??= []);
  const revision = revisions.length + 1;
  const td: EcsTaskDefinition = {
    family,
    revision,
    taskDefinitionArn: taskDefinitionArnOf(ctx, family, revision),
    status: 'ACTIVE',
    registeredAt: ctx.now,
    registeredBy: ctx.callerArn,
    body: clone(body),
    tags,
  };
  revisions.push(td);
  ctx.sandbox.changed();
  const out: Record<string, unknown> = { taskDefinition: renderTaskDefinition(td) };
  if (tags.length > 0) out.tags = clone(tags);
  return out;
};

const describeTaskDefinition: JsonHandler = (input, ctx) => {
  const ref = requireString(input, 'taskDefinition');
  const include = parseInclude(input, ['TAGS']);
  const td = findTaskDefinition(ctx, ref);
  if (!td) throw clientException(NOT_FOUND);
  const out: Record<string, unknown> = { taskDefinition: renderTaskDefinition(td) };
  if (include.has('TAGS')) out.tags = clone(td.tags);
  return out;
};

/** Revisions sort by family, then revision; `\u0000` keeps the key order equal to that order. */
function revisionKey(td: EcsTaskDefinition): string {
  return `${td.family}\u0000${String(td.revision).padStart(10, '0')}`;
}

function parseStatus(input: JsonInput, allowed: string[], fallback: string): string {
  const status = optionalString(input, 'status') ?? fallback;
  if (!allowed.includes(status)) throw invalidParameter(`status must be one of: ${allowed.join(', ')}.`);
  return status;
}

const listTaskDefinitions: JsonHandler = (input, ctx) => {
  const prefix = optionalString(input, 'familyPrefix');
  const status = parseStatus(input, ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'], 'ACTIVE');
  const sort = optionalString(input, 'sort') ?? 'ASC';
  if (sort !== 'ASC' && sort !== 'DESC') throw invalidParameter('sort must be ASC or DESC.');
  const matches: EcsTaskDefinition[] = [];
  const families = Object.keys(ctx.regionState.ecs.taskDefinitions).sort();
  for (const family of families) {
    // Despite its name, familyPrefix is the full family name (AWS's model says so, and ECS behaves so).
    if (prefix !== undefined && family !== prefix) continue;
    for (const td of ctx.regionState.ecs.taskDefinitions[family] ?? []) {
      if (td.status === status) matches.push(td);
    }
  }
  const asc = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (sort === 'DESC') matches.reverse();
  const page = paginate(matches, revisionKey, input, {
    defaultMax: 100,
    max: 100,
    compare: sort === 'DESC' ? (a, b) => asc(b, a) : asc,
  });
  return { taskDefinitionArns: page.items.map((td) => td.taskDefinitionArn), nextToken: page.nextToken };
};

const listTaskDefinitionFamilies: JsonHandler = (input, ctx) => {
  const prefix = optionalString(input, 'familyPrefix');
  const status = parseStatus(input, ['ACTIVE', 'INACTIVE', 'ALL'], 'ALL');
  const families = Object.entries(ctx.regionState.ecs.taskDefinitions)
    .filter(([family, revisions]) => {
      if (prefix !== undefined && !family.startsWith(prefix)) return false;
      const active = revisions.some((td) => td.status === 'ACTIVE');
      return status === 'ALL' || (status === 'ACTIVE' ? active : !active);
    })
    .map(([family]) => family)
    .sort();
  const page = paginate(families, (f) => f, input, { defaultMax: 100, max: 100 });
  return { families: page.items, nextToken: page.nextToken };
};

/** Deregister and Delete name one revision: a bare family is refused. */
function findRevision(ctx: CallContext, ref: string): EcsTaskDefinition | undefined {
  const parsed = parseRef(ctx, ref);
  if (parsed && parsed.revision === undefined) {
    throw clientException(
      'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.',
    );
  }
  return findTaskDefinition(ctx, ref);
}

const deregisterTaskDefinition: JsonHandler = (input, ctx) => {
  const ref = requireString(input, 'taskDefinition');
  const td = findRevision(ctx, ref);
  if (!td) throw clientException(DOES_NOT_EXIST);
  if (td.status === 'ACTIVE') {
    td.status = 'INACTIVE';
    td.deregisteredAt = ctx.now;
    ctx.sandbox.changed();
  }
  return { taskDefinition: renderTaskDefinition(td) };
};

const deleteTaskDefinitions: JsonHandler = (input, ctx) => {
  const refs = requireRefs(input, 'taskDefinitions', 10, 'taskDefinitions');
  const deleted: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const td = findRevision(ctx, ref);
    const arn =
      td?.taskDefinitionArn ?? (ref.startsWith('arn:') ? ref : `${arnPrefix(ctx)}task-definition/${ref}`);
    if (!td) {
      failures.push({ arn, reason: DOES_NOT_EXIST });
    } else if (td.status === 'ACTIVE') {
      failures.push({
        arn,
        reason:
          'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      });
    } else {
      if (td.status === 'INACTIVE') {
        td.status = 'DELETE_IN_PROGRESS';
        td.deleteRequestedAt = ctx.now;
      }
      deleted.push(renderTaskDefinition(td));
    }
  }
  if (deleted.length > 0) ctx.sandbox.changed();
  return { taskDefinitions: deleted, failures };
};

export const taskDefinitionActions: Record<string, JsonHandler> = {
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  ListTaskDefinitionFamilies: listTaskDefinitionFamilies,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  DeleteTaskDefinitions: deleteTaskDefinitions,
};
