/**
 * A native strategy deployment in the rollout view (BLUE_GREEN, LINEAR, CANARY; a ROLLING one judged
 * by its service deployment shows its status only): the strategy, the service deployment's status,
 * the lifecycle stages in order with the current one marked, the new revision's traffic weights, and
 * a PAUSE hook waiting for an answer with a link to its manual intervention.
 */
import { useId } from 'react';
import type { ServiceRollout } from './rollout.js';
import {
  stageSteps,
  interventionFor,
  FAILING_STATUSES,
  type StageStep,
  type StrategyProgress,
} from './strategy.js';
import type { InterruptionView } from './types.js';

function statusTone(status: string | undefined): string {
  if (status === 'SUCCESSFUL') return 'success';
  if (status === 'ROLLBACK_FAILED') return 'danger';
  if (status !== undefined && FAILING_STATUSES.has(status)) return 'warning';
  return 'running';
}

const STEP_WORDS: Record<StageStep['state'], string> = {
  done: 'done',
  current: 'now',
  failed: 'failed here, rolled back',
  upcoming: 'to come',
};

/** The lifecycle stages as an ordered list: a person sees where the deployment is. */
function Stages({ service, st }: { service: string; st: StrategyProgress }) {
  const steps = stageSteps(st);
  if (steps.length === 0) return null;
  return (
    <ol className="stage-steps" aria-label={`Lifecycle stages of ${service}`}>
      {steps.map((x) => (
        <li
          key={x.stage}
          className={`stage-step stage-${x.state}`}
          aria-current={x.state === 'current' || x.state === 'failed' ? 'step' : undefined}
        >
          <span className="stage-mark" aria-hidden="true">
            {x.state === 'done' ? '✓' : x.state === 'failed' ? '✕' : x.state === 'current' ? '●' : '○'}
          </span>
          <span className="stage-name">{x.stage}</span>
          {x.state === 'done' || x.state === 'upcoming' ? (
            <span className="visually-hidden">, {STEP_WORDS[x.state]}</span>
          ) : (
            <span className="stage-now">{STEP_WORDS[x.state]}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** See the module comment. */
export function StrategyPanel({
  s,
  st,
  interruptions,
}: {
  s: ServiceRollout;
  st: StrategyProgress;
  interruptions: readonly InterruptionView[];
}) {
  const headingId = useId();
  const paused = st.paused;
  const question = paused ? interventionFor(s.path, s.service, paused.hookId, interruptions) : undefined;
  const revision = st.revision ?? s.taskDefinition;
  const hasWeights = st.testWeight !== undefined || st.productionWeight !== undefined;
  return (
    <section className="strategy" aria-labelledby={headingId}>
      <h4 id={headingId}>{st.strategy || 'Native'} deployment</h4>
      <dl className="rollout-facts">
        <dt>Strategy</dt>
        <dd>{st.strategy || 'native'}</dd>
        <dt>Service deployment</dt>
        <dd>
          <span className={`badge tone-${statusTone(st.status)}`}>{st.status ?? 'PENDING'}</span>
        </dd>
        <dt>Stage</dt>
        <dd>{st.stage ?? <span className="muted">none reported yet</span>}</dd>
        {hasWeights ? (
          <>
            <dt>Traffic to {revision ? <span className="mono">{revision}</span> : 'the new revision'}</dt>
            <dd>
              test {st.testWeight ?? 0} % · production {st.productionWeight ?? 0} %
            </dd>
          </>
        ) : null}
        {st.failedAt && st.status && FAILING_STATUSES.has(st.status) ? (
          <>
            <dt>Rolled back from</dt>
            <dd>{st.failedAt}</dd>
          </>
        ) : null}
      </dl>
      <Stages service={s.service} st={st} />
      {paused ? (
        <div className="notice notice-warning strategy-paused">
          <p>
            <strong>Paused at {paused.stage}:</strong> the PAUSE hook <code>{paused.hookId}</code> waits for
            an answer
            {paused.expiresAt !== undefined ? (
              <>
                {' '}
                until {new Date(paused.expiresAt).toISOString().replace('T', ' ').slice(0, 16)} UTC (then{' '}
                {paused.timeoutAction ?? 'its timeout action'})
              </>
            ) : null}
            . Proceed continues the deployment, abort rolls it back.
          </p>
          <p>
            {question ? (
              <a href={`#interruption-${question.id}`}>Answer the manual intervention: {question.title}</a>
            ) : (
              <>The step’s manual intervention in the task log below asks for the answer.</>
            )}
          </p>
        </div>
      ) : null}
      {st.hookAnswered && !paused ? (
        <p className={st.hookAnswered.action ? 'muted' : 'notice notice-warning'}>
          {st.hookAnswered.action
            ? `PAUSE hook ${st.hookAnswered.hookId} answered: ${st.hookAnswered.action}.`
            : st.hookAnswered.message}
        </p>
      ) : null}
    </section>
  );
}
