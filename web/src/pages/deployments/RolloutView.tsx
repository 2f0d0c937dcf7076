/**
 * The rollout view: per step × target, each ECS service's deployments (primary/active, revision,
 * desired/pending/running/failed, rollout state), its tasks started and stopped with their reasons,
 * ECS's service events, a native strategy's deployment (StrategyPanel); each CloudFormation stack's
 * events. Drawn from the model rollout.ts builds out of the log's coded lines.
 */
import { useId, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { useApi, useSpace } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { interruptionsPath } from './InterruptionCard.js';
import {
  isOurRow,
  rolloutLook,
  whereOf,
  type RolloutModel,
  type ServiceRollout,
  type StackRollout,
} from './rollout.js';
import './rollout-strategy.css';
import { StrategyPanel } from './StrategyPanel.js';
import type { InterruptionView } from './types.js';

const EVENTS_SHOWN = 8;

/** A table that may scroll sideways on a phone: a focusable region, so a keyboard can scroll it. */
function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

function time(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
}

const weight = (w: number | undefined) => (w === undefined ? '–' : `${w} %`);

/** A strategy deployment's revisions: TARGET and SOURCE, the service deployment's status, their weights. */
function RevisionsTable({ s }: { s: ServiceRollout }) {
  return (
    <>
      <TableWrap label={`Revisions of ${s.service}`}>
        <table className="table rollout-table">
          <caption className="visually-hidden">Revisions of {s.service} in this service deployment</caption>
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Task definition</th>
              <th scope="col">Service deployment</th>
              <th scope="col">Test traffic</th>
              <th scope="col">Production traffic</th>
              <th scope="col">Desired</th>
              <th scope="col">Pending</th>
              <th scope="col">Running</th>
            </tr>
          </thead>
          <tbody>
            {s.deployments.map((r) => (
              <tr key={`${r.status}|${r.id}`} className={isOurRow(s, r) ? 'rollout-ours' : undefined}>
                <td>
                  {r.status}
                  {isOurRow(s, r) ? <span className="muted"> (this deployment)</span> : null}
                </td>
                <td className="mono">{r.taskDefinition}</td>
                <td>{r.rolloutState || '–'}</td>
                <td>{weight(r.testWeight)}</td>
                <td>{weight(r.productionWeight)}</td>
                <td>{r.desired}</td>
                <td>{r.pending}</td>
                <td>{r.running}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p className="muted rollout-legend">
        TARGET is the revision this deployment brings in, SOURCE the one it replaces; the service deployment’s
        status is ECS’s for the whole deployment.
      </p>
    </>
  );
}

function DeploymentsTable({ s }: { s: ServiceRollout }) {
  if (s.deployments.length === 0) return <p className="muted">No deployments listed yet.</p>;
  if (s.strategy && s.deployments.some((r) => r.status === 'TARGET' || r.status === 'SOURCE'))
    return <RevisionsTable s={s} />;
  return (
    <TableWrap label={`ECS deployments of ${s.service}`}>
      <table className="table rollout-table">
        <caption className="visually-hidden">ECS deployments of {s.service}</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Task definition</th>
            <th scope="col">Rollout</th>
            <th scope="col">Desired</th>
            <th scope="col">Pending</th>
            <th scope="col">Running</th>
            <th scope="col">Failed</th>
          </tr>
        </thead>
        <tbody>
          {s.deployments.map((r) => (
            <tr key={r.id} className={isOurRow(s, r) ? 'rollout-ours' : undefined}>
              <td>
                {r.status}
                {isOurRow(s, r) ? <span className="muted"> (this deployment)</span> : null}
              </td>
              <td className="mono">{r.taskDefinition}</td>
              <td>{r.rolloutState || '–'}</td>
              <td>{r.desired}</td>
              <td>{r.pending}</td>
              <td>{r.running}</td>
              <td className={r.failed > 0 ? 'rollout-failed-count' : undefined}>{r.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Tasks({ s }: { s: ServiceRollout }) {
  // The failure's own reason is shown above already.
  const reasons = s.stopReasons.filter((r) => r !== s.outcome?.reason);
  if (s.tasks.length === 0 && reasons.length === 0) return null;
  const stopped = s.tasks.filter((t) => t.stoppedAt !== undefined);
  const started = s.tasks.filter((t) => t.stoppedAt === undefined);
  return (
    <div className="rollout-tasks">
      <h4>Tasks</h4>
      {started.length > 0 ? (
        <p>
          Started:{' '}
          {started.map((t) => (
            <code key={t.id} className="task-id">
              {t.id}
            </code>
          ))}
        </p>
      ) : null}
      {stopped.length > 0 ? (
        <ul className="stopped-tasks" aria-label={`Stopped tasks of ${s.service}`}>
          {stopped.map((t) => (
            <li key={t.id}>
              <code className="task-id">{t.id}</code> stopped {time(t.stoppedAt)}
              {t.taskDefinition ? <span className="muted"> ({t.taskDefinition})</span> : null}
              {t.reason ? <span className="stop-reason">: {t.reason}</span> : null}
              {t.exits
                .filter((x) => x.exitCode !== undefined || x.reason)
                .map((x) => (
                  <span key={x.container} className="stop-reason">
                    {' '}
                    · container {x.container}
                    {x.exitCode !== undefined ? ` exit code ${x.exitCode}` : ''}
                    {x.reason ? `: ${x.reason}` : ''}
                  </span>
                ))}
            </li>
          ))}
        </ul>
      ) : null}
      {reasons.map((r) => (
        <p key={r} className="stop-reason">
          Why tasks stopped: {r}
        </p>
      ))}
    </div>
  );
}

function Events({ s }: { s: ServiceRollout }) {
  const [all, setAll] = useState(false);
  if (s.events.length === 0) return null;
  const newestFirst = [...s.events].reverse();
  const shown = all ? newestFirst : newestFirst.slice(0, EVENTS_SHOWN);
  return (
    <div className="rollout-events">
      <h4>ECS service events</h4>
      <ol className="service-events">
        {shown.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{time(e.at)}</time> {e.text}
          </li>
        ))}
      </ol>
      {s.events.length > EVENTS_SHOWN ? (
        <Button variant="link" onClick={() => setAll((v) => !v)}>
          {all ? 'Show the newest events only' : `Show all ${s.events.length} events`}
        </Button>
      ) : null}
    </div>
  );
}

function Service({ s, interruptions }: { s: ServiceRollout; interruptions: readonly InterruptionView[] }) {
  const look = rolloutLook(s);
  const st = s.strategy;
  const headingId = useId();
  return (
    <article className="rollout card" aria-labelledby={headingId}>
      <div className="rollout-head">
        <h3 id={headingId}>
          Service {s.service}
          <span className="muted rollout-where"> · {whereOf(s.path)}</span>
        </h3>
        <span className={`badge tone-${look.tone}`}>{look.label}</span>
      </div>
      <dl className="rollout-facts">
        {s.cluster ? (
          <>
            <dt>Cluster</dt>
            <dd>{s.cluster}</dd>
          </>
        ) : null}
        {s.taskDefinition ? (
          <>
            <dt>Revision</dt>
            <dd className="mono">{s.taskDefinition}</dd>
          </>
        ) : null}
        {s.action ? (
          <>
            <dt>Plan</dt>
            <dd>{s.action}</dd>
          </>
        ) : null}
      </dl>
      {st ? <StrategyPanel s={s} st={st} interruptions={interruptions} /> : null}
      <DeploymentsTable s={s} />
      {s.outcome?.kind === 'failed' || s.outcome?.kind === 'timed-out' ? (
        <p className="notice notice-danger">{s.outcome.reason ?? s.outcome.message}</p>
      ) : null}
      {s.rollback ? (
        <p className={`notice ${s.rollback.state === 'failed' ? 'notice-danger' : 'notice-warning'}`}>
          {s.rollback.message}
        </p>
      ) : null}
      <Tasks s={s} />
      <Events s={s} />
    </article>
  );
}

function Stack({ st }: { st: StackRollout }) {
  const tone = st.succeeded === true ? 'success' : st.succeeded === false ? 'danger' : 'running';
  const word = st.status ?? (st.noChange ? 'No change' : st.waiting ? 'Waiting' : 'In progress');
  const events = [...st.events].reverse();
  const headingId = useId();
  return (
    <article className="rollout card" aria-labelledby={headingId}>
      <div className="rollout-head">
        <h3 id={headingId}>
          Stack {st.stackName}
          <span className="muted rollout-where"> · {whereOf(st.path)}</span>
        </h3>
        <span className={`badge tone-${tone}`}>{word}</span>
      </div>
      {st.operation ? <p>Operation: {st.operation}</p> : null}
      {st.waiting ? <p className="muted">{st.waiting}</p> : null}
      {st.noChange ? <p className="muted">{st.noChange}</p> : null}
      {events.length > 0 ? (
        <TableWrap label={`Stack events of ${st.stackName}`}>
          <table className="table rollout-table">
            <caption className="visually-hidden">Stack events of {st.stackName}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Resource</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e, i) => (
                <tr key={e.eventId || i}>
                  <td>{time(e.timestamp)}</td>
                  <td>{e.logicalResourceId}</td>
                  <td className="mono">{e.resourceType}</td>
                  <td className={/FAILED/.test(e.status) ? 'rollout-failed-count' : undefined}>{e.status}</td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </article>
  );
}

/**
 * The rollout section; nothing when no step wrote a coded ECS or CloudFormation event. A paused
 * hook links to its manual intervention: `interruptions` when the page passes them, else read
 * through the same query the page polls (the deployment's id from the address).
 */
export function RolloutView({
  model,
  interruptions,
}: {
  model: RolloutModel;
  interruptions?: readonly InterruptionView[];
}) {
  const space = useSpace();
  const id = useParams().id;
  const paused = model.services.some((s) => s.strategy?.paused);
  const read = useApi<{ items: InterruptionView[] }>(
    interruptions === undefined && paused && id ? interruptionsPath(space, id) : undefined,
    { staleTime: 2000 },
  );
  const items = interruptions ?? read.data?.items ?? [];
  if (model.services.length === 0 && model.stacks.length === 0) return null;
  return (
    <section className="rollouts" aria-labelledby="rollout-title">
      <h2 id="rollout-title">Rollout</h2>
      {model.stacks.map((st) => (
        <Stack key={st.key} st={st} />
      ))}
      {model.services.map((s) => (
        <Service key={s.key} s={s} interruptions={items} />
      ))}
    </section>
  );
}
