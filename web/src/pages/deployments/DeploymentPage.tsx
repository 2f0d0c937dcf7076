/**
 * The deployment page (paths.deployment): what is deployed where and by whom, its state live, the
 * cancel button, the rollout view and the task log, and the interruptions answered in place.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, request, spacePath } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi, usePageTitle, useSpace } from '../../app/hooks.js';
import { paths } from '../../app/paths.js';
import { Button } from '../../components/Button.js';
import { EmptyState, Loading, PageHeader, StateBadge, Time } from '../../components/common.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { isFinal } from '../../lib/states.js';
import { duration } from '../../lib/time.js';
import { InterruptionCard, interruptionsPath } from './InterruptionCard.js';
import type { LogNode } from './log-tree.js';
import { buildRollout } from './rollout.js';
import { RolloutView } from './RolloutView.js';
import { TaskLog } from './TaskLog.js';
import type { DeploymentView, InterruptionView, StreamState } from './types.js';
import { useLiveLog, type LiveStatus } from './useLiveLog.js';

interface Named {
  id: string;
  name: string;
}

const LIVE_WORDS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: 'Refreshing every 2 s',
  ended: 'Complete',
};

/** See the module comment. */
export function DeploymentPage() {
  const space = useSpace();
  const id = useParams().id ?? '';
  const path = spacePath(space, 'deployments', id);
  const deployment = useApi<DeploymentView>(path, { retry: false });

  if (deployment.isPending) return <Loading what="Loading the deployment" />;
  if (deployment.error) {
    const notFound = deployment.error instanceof ApiError && deployment.error.status === 404;
    return (
      <>
        <PageHeader title={notFound ? 'Deployment not found' : 'The deployment could not be read'} />
        {notFound ? (
          <EmptyState title={`There is no deployment ${id} in space ${space}.`}>
            The link may be mistyped, or the deployment was removed with its release by the lifecycle’s
            retention. Find the project’s deployments from the{' '}
            <Link to={paths.dashboard(space)}>dashboard</Link>.
          </EmptyState>
        ) : (
          <ErrorMessage error={deployment.error} />
        )}
      </>
    );
  }
  return <Loaded key={`${space}/${deployment.data.id}`} space={space} d={deployment.data} />;
}

function Loaded({ space, d }: { space: string; d: DeploymentView }) {
  const client = useQueryClient();
  const { can } = useSession();
  const path = spacePath(space, 'deployments', d.id);
  const onState = useCallback(
    (s: StreamState) => {
      // The header's times and error come from the deployment: read it again when the state moves.
      const held = client.getQueryData<DeploymentView>([path]);
      if (!held || held.state !== s.state || held.finishedAt !== s.finishedAt)
        void client.invalidateQueries({ queryKey: [path] });
      void client.invalidateQueries({ queryKey: [interruptionsPath(space, d.id)] });
    },
    [client, path, space, d.id],
  );
  const live = useLiveLog(space, d.id, onState);
  const state = live.state?.state ?? d.state;
  const final = isFinal(state);

  const project = useApi<Named>(spacePath(space, 'projects', d.projectId), { staleTime: 60_000 });
  const release = useApi<{ id: string; version: string }>(spacePath(space, 'releases', d.releaseId), {
    staleTime: 60_000,
  });
  const environment = useApi<Named>(spacePath(space, 'environments', d.environmentId), { staleTime: 60_000 });
  const tenant = useApi<Named>(d.tenantId ? spacePath(space, 'tenants', d.tenantId) : undefined, {
    staleTime: 60_000,
    retry: false,
  });
  const interruptions = useApi<{ items: InterruptionView[] }>(interruptionsPath(space, d.id), {
    refetchInterval: final ? false : 2000,
  });

  const projectName = project.data?.name ?? d.projectId;
  const version = release.data?.version ?? d.releaseId;
  const envName = environment.data?.name ?? d.environmentId;
  const tenantName = d.tenantId ? (tenant.data?.name ?? d.tenantId) : undefined;
  usePageTitle(`${projectName} ${version} → ${envName}${tenantName ? ` (${tenantName})` : ''}`);

  const model = useMemo(() => buildRollout(live.lines), [live.lines]);
  const items = interruptions.data?.items ?? [];
  const open = items.filter((i) => i.answer === undefined);
  const forceOpen = useMemo(() => new Set(open.map((i) => i.step)), [open]);
  const stepsWithLines = useMemo(() => new Set(live.lines.map((l) => l.path[0])), [live.lines]);
  const elsewhere = items.filter((i) => !stepsWithLines.has(i.step));

  const slot = (node: LogNode) => {
    if (node.path.length !== 1) return null;
    const here = items.filter((i) => i.step === node.name);
    return here.map((i) => <InterruptionCard key={i.id} space={space} interruption={i} deployment={d} />);
  };

  const started = live.state?.startedAt ?? d.startedAt;
  const finished = live.state?.finishedAt ?? d.finishedAt;
  const error = live.state?.error ?? d.error;

  return (
    <div className="deployment-page">
      <PageHeader
        title={
          <>
            {projectName} {version} <span aria-hidden="true">→</span>
            <span className="visually-hidden"> to </span> {envName}
            {tenantName ? ` · ${tenantName}` : ''}
          </>
        }
        subtitle={<>Deployment {d.id}</>}
        actions={<CancelButton space={space} d={d} state={state} can={can} />}
      />
      <dl className="deployment-facts card">
        <div>
          <dt>State</dt>
          <dd>
            <StateBadge state={state} />
          </dd>
        </div>
        <div>
          <dt>Project</dt>
          <dd>
            <Link to={paths.project(space, projectName)}>{projectName}</Link>
          </dd>
        </div>
        <div>
          <dt>Release</dt>
          <dd>
            <Link to={paths.release(space, projectName, version)}>{version}</Link>
          </dd>
        </div>
        <div>
          <dt>Environment</dt>
          <dd>{envName}</dd>
        </div>
        <div>
          <dt>Tenant</dt>
          <dd>{tenantName ?? <span className="muted">untenanted</span>}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time iso={d.createdAt} /> by {d.createdBy}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{started ? <Time iso={started} /> : <span className="muted">not yet</span>}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>
            {finished ? (
              <>
                <Time iso={finished} />
                {started ? (
                  <span className="muted">
                    {' '}
                    (took {duration((Date.parse(finished) - Date.parse(started)) / 1000)})
                  </span>
                ) : null}
              </>
            ) : (
              <span className="muted">not yet</span>
            )}
          </dd>
        </div>
      </dl>
      {d.comments ? <p className="deployment-comments">Comments: {d.comments}</p> : null}
      {error && final ? (
        <div className="notice notice-danger" role="alert">
          <strong>{state === 'canceled' ? 'Canceled' : 'Failed'}:</strong> {error}
        </div>
      ) : null}
      {d.stalledSince && !final ? (
        <p className="notice notice-warning">
          No progress since <Time iso={d.stalledSince} />: the deployment still runs; check the last step’s
          log, or cancel it.
        </p>
      ) : null}
      {open.length > 0 ? (
        <div className="notice notice-warning" role="status">
          <strong>Waiting for an answer:</strong>{' '}
          {open.map((i, n) => (
            <span key={i.id}>
              {n > 0 ? ', ' : ''}
              <a href={`#interruption-${i.id}`}>
                {i.title} (step {i.step})
              </a>
            </span>
          ))}
        </div>
      ) : null}
      {elsewhere.length > 0 ? (
        <section aria-label="Interruptions">
          {elsewhere.map((i) => (
            <InterruptionCard key={i.id} space={space} interruption={i} deployment={d} />
          ))}
        </section>
      ) : null}
      <RolloutView model={model} />
      <TaskLog
        lines={live.lines}
        slot={slot}
        forceOpen={forceOpen}
        live={
          <span className={`live-status live-${live.status}`} role="status">
            {LIVE_WORDS[live.status]}
            {live.error ? ` (${live.error})` : ''}
          </span>
        }
      />
    </div>
  );
}

function CancelButton({
  space,
  d,
  state,
  can,
}: {
  space: string;
  d: DeploymentView;
  state: string;
  can: ReturnType<typeof useSession>['can'];
}) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => request<DeploymentView>('POST', spacePath(space, 'deployments', d.id, 'cancel')),
    onSuccess: (answer) => {
      client.setQueryData([spacePath(space, 'deployments', d.id)], answer.data);
      setConfirming(false);
    },
  });
  const allowed = can(space, 'task.cancel', {
    projectId: d.projectId,
    environmentId: d.environmentId,
    ...(d.tenantId ? { tenantId: d.tenantId } : {}),
  });
  const reason = isFinal(state)
    ? 'The deployment has finished: there is nothing to cancel.'
    : state === 'cancelling'
      ? 'Cancelling: the running step is being stopped.'
      : !allowed.allowed
        ? allowed.reason
        : undefined;
  if (confirming && reason === undefined)
    return (
      <div className="cancel-confirm" role="group" aria-label="Confirm cancel">
        <span>Cancel this deployment? The running step stops; finished steps stay done.</span>
        <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate()}>
          Yes, cancel the deployment
        </Button>
        <Button onClick={() => setConfirming(false)}>Keep it running</Button>
        <ErrorMessage error={cancel.error} title="Not canceled" />
      </div>
    );
  return (
    <Button variant="danger" disabledReason={reason} onClick={() => setConfirming(true)}>
      Cancel
    </Button>
  );
}
