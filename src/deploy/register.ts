/**
 * Registering new revisions: once per distinct content, so services sharing a family and content
 * share one revision (and registrations of one family never race each other).
 */
import {
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
} from '@aws-sdk/client-ecs';
import { SlipwayError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import { sameContent, type TaskDefinitionJson } from '../core/taskdef/index.js';
import { say, type Subject } from './progress.js';

/** Registers a task definition; returns its ARN. */
export async function registerDefinition(
  ecs: ECSClient,
  td: TaskDefinitionJson,
  tags: Tag[] | undefined,
  emit: EventSink,
  subject: Subject,
): Promise<string> {
  // The definition is plain JSON that may carry fields newer than this SDK: pass it through as is.
  const input = {
    ...td,
    ...(tags && tags.length > 0 ? { tags } : {}),
  } as unknown as RegisterTaskDefinitionCommandInput;
  const res = await ecs.send(new RegisterTaskDefinitionCommand(input));
  const arn = res.taskDefinition?.taskDefinitionArn;
  if (!arn)
    throw new SlipwayError('AWS_CALL_FAILED', 'RegisterTaskDefinition returned no task definition ARN.');
  say(emit, 'deploy.registered', subject, `registered ${shortTaskDefinition(arn)}`, {
    taskDefinitionArn: arn,
    family: typeof td['family'] === 'string' ? td['family'] : undefined,
  });
  return arn;
}

/** Something that needs a registered revision. */
export interface Registrable {
  taskDefinition: TaskDefinitionJson;
  tags?: Tag[];
  subject: Subject;
}

/**
 * Registers each distinct content once (sequentially: one family's registrations must not race);
 * `registered` is awaited after each registration, before the next.
 */
export async function registerAll(
  ecs: ECSClient,
  items: Registrable[],
  emit: EventSink,
  registered: (arn: string, taskDefinition: TaskDefinitionJson) => Promise<void> = () => Promise.resolve(),
): Promise<string[]> {
  const done: { td: TaskDefinitionJson; arn: string }[] = [];
  const arns: string[] = [];
  for (const item of items) {
    const same = done.find((d) => sameContent(d.td, item.taskDefinition));
    if (same) {
      arns.push(same.arn);
      continue;
    }
    const arn = await registerDefinition(ecs, item.taskDefinition, item.tags, emit, item.subject);
    done.push({ td: item.taskDefinition, arn });
    arns.push(arn);
    await registered(arn, item.taskDefinition);
  }
  return arns;
}
