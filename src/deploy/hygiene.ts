/**
 * --max-definitions: after a successful deployment, keep the newest N ACTIVE revisions of the
 * family and deregister the rest, except revisions still in use (by any service or running task in
 * the cluster) and the rollback target.
 */
import {
  DeregisterTaskDefinitionCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { EventSink } from '../core/events.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import { say } from './progress.js';
import { describeServices, describeTasks, listTaskArns } from './snapshot.js';

export interface HygieneInput {
  ecs: ECSClient;
  cluster: string;
  family: string;
  keep: number;
  /** Revisions never to deregister (the one just deployed, the rollback targets). */
  protect: string[];
  emit: EventSink;
}

export interface HygieneResult {
  deregistered: string[];
  kept: { taskDefinitionArn: string; why: string }[];
}

/** ACTIVE revisions of a family, newest first. */
async function activeRevisions(ecs: ECSClient, family: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const res = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: family,
        status: 'ACTIVE',
        sort: 'DESC',
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    arns.push(...(res.taskDefinitionArns ?? []));
    nextToken = res.nextToken;
  } while (nextToken);
  // familyPrefix also matches longer family names: keep ours only.
  return arns.filter((a) => shortTaskDefinition(a).replace(/:\d+$/, '') === family);
}

/** Revisions used in the cluster: every deployment of every service, and every running or pending task. */
async function revisionsInUse(ecs: ECSClient, cluster: string): Promise<Map<string, string>> {
  const used = new Map<string, string>();
  const serviceArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const res = await ecs.send(new ListServicesCommand({ cluster, ...(nextToken ? { nextToken } : {}) }));
    serviceArns.push(...(res.serviceArns ?? []));
    nextToken = res.nextToken;
  } while (nextToken);
  const services = await describeServices(ecs, cluster, serviceArns);
  for (const s of services.values()) {
    if (!s) continue;
    if (s.taskDefinition) used.set(s.taskDefinition, `used by service ${s.serviceName ?? '?'}`);
    for (const d of s.deployments ?? [])
      if (d.taskDefinition)
        used.set(d.taskDefinition, `used by a deployment of service ${s.serviceName ?? '?'}`);
  }
  // desiredStatus RUNNING covers PENDING tasks too.
  const taskArns = await listTaskArns(ecs, { cluster, desiredStatus: 'RUNNING' });
  for (const t of await describeTasks(ecs, cluster, taskArns))
    if (t.taskDefinitionArn && !used.has(t.taskDefinitionArn))
      used.set(t.taskDefinitionArn, `used by running task ${t.taskArn?.split('/').pop() ?? '?'}`);
  return used;
}

/** Deregisters the revisions beyond the newest `keep`, except those in use or protected. */
export async function pruneDefinitions(input: HygieneInput): Promise<HygieneResult> {
  const { ecs, family, keep } = input;
  const revisions = await activeRevisions(ecs, family);
  const result: HygieneResult = { deregistered: [], kept: [] };
  const beyond = revisions.slice(Math.max(0, keep));
  for (const arn of revisions.slice(0, Math.max(0, keep)))
    result.kept.push({ taskDefinitionArn: arn, why: `among the newest ${keep}` });
  if (beyond.length > 0) {
    const used = await revisionsInUse(ecs, input.cluster);
    const protect = new Set(input.protect);
    for (const arn of beyond) {
      const why = protect.has(arn) ? 'the rollback target or the revision just deployed' : used.get(arn);
      if (why) {
        result.kept.push({ taskDefinitionArn: arn, why });
        continue;
      }
      await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
      result.deregistered.push(arn);
    }
  }
  const keptOld = result.kept.filter((k) => !k.why.startsWith('among'));
  say(
    input.emit,
    'deploy.definitions-deregistered',
    { family },
    `deregistered ${result.deregistered.length} revision(s)${result.deregistered.length ? ` (${result.deregistered.map(shortTaskDefinition).join(', ')})` : ''}; kept the newest ${keep}${keptOld.length ? ` and ${keptOld.map((k) => `${shortTaskDefinition(k.taskDefinitionArn)} (${k.why})`).join(', ')}` : ''}`,
    {
      cluster: input.cluster,
      deregistered: result.deregistered,
      kept: result.kept,
    },
  );
  return result;
}
