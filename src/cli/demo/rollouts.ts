/**
 * `slipway demo --rollouts`: starts the sandbox in-process and rehearses three rollouts of a small
 * service with the official AWS SDK: create, upgrade, and a broken image that the deployment
 * circuit breaker rolls back. Ends non-zero unless each ends as it should.
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { SlipwayError } from '../../core/errors.js';
import { makeEvent, type EventSink } from '../../core/events.js';
import { stderrSink } from '../render.js';

const CLUSTER = 'demo';
const SERVICE = 'web';

interface Outcome {
  deploymentId: string;
  rolloutState: string;
  reason: string;
  serviceTaskDefinition: string;
}

/** Polls DescribeServices until `deploymentId` leaves IN_PROGRESS, printing events not `seen` before and counts. */
async function watch(
  ecs: ECSClient,
  deploymentId: string,
  emit: EventSink,
  timeoutMs: number,
  seen: Set<string>,
): Promise<Outcome> {
  let lastTable = '';
  const deadline = Date.now() + timeoutMs;
  // ECS drops a failed deployment from the list once its tasks are gone: remember how it ended.
  let last = { rolloutState: 'IN_PROGRESS', reason: '' };
  for (;;) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
    const svc: Service | undefined = out.services?.[0];
    if (!svc) throw new SlipwayError('DEMO_FAILED', `Service ${SERVICE} vanished during the demo.`);
    for (const ev of [...(svc.events ?? [])].reverse()) {
      if (ev.id && !seen.has(ev.id)) {
        seen.add(ev.id);
        // A failed deployment can leave the list between two polls; its event stays.
        const failed = ev.message?.match(new RegExp(`deployment ${deploymentId} deployment failed: (.*)$`));
        if (failed) last = { rolloutState: 'FAILED', reason: failed[1] ?? '' };
        emit(makeEvent('demo.service-event', `  event: ${ev.message ?? ''}`, { id: ev.id }));
      }
    }
    const table = (svc.deployments ?? [])
      .map(
        (d) =>
          `    ${d.status?.padEnd(7)} ${d.taskDefinition?.split('/').pop()?.padEnd(8)} ${String(d.rolloutState).padEnd(11)} desired ${d.desiredCount} pending ${d.pendingCount} running ${d.runningCount} failed ${d.failedTasks}`,
      )
      .join('\n');
    if (table !== lastTable) {
      lastTable = table;
      emit(makeEvent('demo.deployments', `  deployments:\n${table}`));
    }
    const ours = svc.deployments?.find((d) => d.id === deploymentId);
    if (ours) last = { rolloutState: ours.rolloutState ?? '?', reason: ours.rolloutStateReason ?? '' };
    const onlyOne = (svc.deployments ?? []).length === 1;
    if (!ours || ours.rolloutState === 'FAILED' || (ours.rolloutState === 'COMPLETED' && onlyOne)) {
      // Wait for a rollback (if any) to finish before reporting what the service runs.
      const primary = svc.deployments?.find((d) => d.status === 'PRIMARY');
      if (primary && primary.id !== deploymentId && primary.rolloutState === 'IN_PROGRESS') {
        // keep polling until the rollback settles
      } else {
        return {
          deploymentId,
          rolloutState: ours
            ? last.rolloutState
            : last.rolloutState === 'IN_PROGRESS'
              ? 'REPLACED'
              : last.rolloutState,
          reason: last.reason || 'replaced by another deployment',
          serviceTaskDefinition: svc.taskDefinition?.split('/').pop() ?? '?',
        };
      }
    }
    if (Date.now() > deadline) {
      throw new SlipwayError(
        'DEMO_FAILED',
        `Deployment ${deploymentId} did not settle within ${timeoutMs / 1000} s.`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function primaryId(svc: Service | undefined): string {
  const id = svc?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  if (!id) throw new SlipwayError('DEMO_FAILED', 'The service has no PRIMARY deployment.');
  return id;
}

async function registerRevision(ecs: ECSClient, image: string): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: SERVICE,
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'web',
          image,
          memory: 256,
          essential: true,
          portMappings: [{ containerPort: 8080, hostPort: 8080 }],
          healthCheck: {
            command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'],
            interval: 5,
            retries: 2,
            startPeriod: 5,
          },
        },
      ],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

/** Runs the three rollouts; throws DEMO_FAILED unless each ends as expected. */
export async function runRollouts(opts: { timeScale: number; output: string }): Promise<void> {
  const emit = stderrSink({ json: opts.output === 'json' });
  // Loaded on use, so other commands start without the sandbox's code.
  const { startSandbox } = await import('../../sandbox/index.js');
  const sb = await startSandbox({ port: 0, timeScale: opts.timeScale });
  try {
    emit(makeEvent('demo.step', `Sandbox on ${sb.endpoint} (time scale ${opts.timeScale}).`));
    const admin = await fetch(`${sb.endpoint}/_sandbox/clusters`, {
      method: 'POST',
      body: JSON.stringify({ name: CLUSTER, instances: { count: 3 } }),
    });
    if (!admin.ok) throw new SlipwayError('DEMO_FAILED', `Seeding the cluster failed: ${await admin.text()}`);
    const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    const results: [string, Outcome, string][] = [];
    const seen = new Set<string>();

    emit(
      makeEvent('demo.step', '1. Create service web (2 tasks, fixed host port 8080, 3 instances) on web:1'),
    );
    const td1 = await registerRevision(ecs, 'public.ecr.aws/docker/library/nginx:1.27');
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: SERVICE,
        taskDefinition: td1,
        desiredCount: 2,
        deploymentConfiguration: {
          minimumHealthyPercent: 50,
          maximumPercent: 100,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
      }),
    );
    results.push([
      'create web:1',
      await watch(ecs, primaryId(created.service), emit, 60_000, seen),
      'COMPLETED',
    ]);

    emit(makeEvent('demo.step', '2. Upgrade to web:2 (nginx 1.28)'));
    const td2 = await registerRevision(ecs, 'public.ecr.aws/docker/library/nginx:1.28');
    const up = await ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: td2 }),
    );
    results.push([
      'upgrade to web:2',
      await watch(ecs, primaryId(up.service), emit, 60_000, seen),
      'COMPLETED',
    ]);

    emit(makeEvent('demo.step', `3. Deploy web:3 with an image missing from the sandbox registry`));
    const td3 = await registerRevision(ecs, `${sb.runtime.registryHost}/web:missing`);
    const bad = await ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: td3 }),
    );
    results.push(['broken web:3', await watch(ecs, primaryId(bad.service), emit, 90_000, seen), 'FAILED']);

    let ok = true;
    for (const [name, outcome, expected] of results) {
      const good = outcome.rolloutState === expected;
      ok &&= good;
      emit(
        makeEvent(
          'demo.finished',
          `${good ? 'ok  ' : 'FAIL'} ${name}: ${outcome.rolloutState} (${outcome.reason}); service now runs ${outcome.serviceTaskDefinition}`,
          { ...outcome, expected },
        ),
      );
    }
    const last = results[2]?.[1];
    if (last && last.serviceTaskDefinition !== 'web:2') ok = false;
    if (!ok) throw new SlipwayError('DEMO_FAILED', 'A demo rollout did not end as expected (see above).');
    process.stdout.write(
      'demo: 3 rollouts ended as expected (web:1 created, web:2 upgraded, web:3 rolled back to web:2)\n',
    );
  } finally {
    await sb.close();
  }
}
