/** What a task takes from its container instance, and lookups by ARN that several actions share. */
import type { EcsRegion, EcsTask, EcsTaskDefinition } from './model.js';
import { parseCpu, parseMemory } from './taskdef-rules.js';
import { isObject } from './util.js';

/** The task definition an ARN (`...:task-definition/<family>:<revision>`) names, if stored. */
export function taskDefinitionByArn(ecs: EcsRegion, arn: string): EcsTaskDefinition | undefined {
  const m = /:task-definition\/([A-Za-z0-9_-]+):(\d+)$/.exec(arn);
  if (!m) return undefined;
  return ecs.taskDefinitions[m[1]!]?.[Number(m[2]) - 1];
}

/** CPU units and MiB a task reserves: task-level values, else the sum over its containers. */
export function taskSize(ecs: EcsRegion, task: EcsTask): { cpu: number; memory: number } {
  const td = taskDefinitionByArn(ecs, task.taskDefinitionArn);
  const body = td?.body ?? {};
  let cpu = parseCpu(task.cpu) ?? parseCpu(body.cpu);
  let memory = parseMemory(task.memory) ?? parseMemory(body.memory);
  if (cpu === undefined || memory === undefined) {
    let c = 0;
    let m = 0;
    const containers = Array.isArray(body.containerDefinitions) ? body.containerDefinitions : [];
    for (const def of containers) {
      if (!isObject(def)) continue;
      c += typeof def.cpu === 'number' ? def.cpu : 0;
      m +=
        typeof def.memory === 'number'
          ? def.memory
          : typeof def.memoryReservation === 'number'
            ? def.memoryReservation
            : 0;
    }
    cpu ??= c;
    memory ??= m;
  }
  return { cpu, memory };
}

/** True while a task holds resources (placed and not yet stopped). */
export function isLive(task: EcsTask): boolean {
  return task.lastStatus !== 'STOPPED';
}

/** True while a task counts as pending for cluster and instance statistics. */
export function isPending(task: EcsTask): boolean {
  return (
    task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING' || task.lastStatus === 'ACTIVATING'
  );
}
