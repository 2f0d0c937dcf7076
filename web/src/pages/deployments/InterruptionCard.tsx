/**
 * One interruption (manual intervention or guided failure), shown in place in its step: what it
 * asks, who may answer, and the answers its kind takes, with notes. Only the responsible teams (or
 * an administrator) with interruption.submit in the deployment's scope may answer; others see why.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { request, spacePath } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { useApi } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Time } from '../../components/common.js';
import { ANSWERS, type DeploymentView, type InterruptionAnswer, type InterruptionView } from './types.js';

interface TeamRef {
  id: string;
  name: string;
}

/** The interruptions query's key (the page refreshes it). */
export function interruptionsPath(space: string, deploymentId: string): string {
  return spacePath(space, 'deployments', deploymentId, 'interruptions');
}

const ANSWERED: Record<InterruptionAnswer, string> = {
  proceed: 'Proceeded',
  abort: 'Aborted',
  retry: 'Retried',
  ignore: 'Ignored',
  fail: 'Failed',
};

/** See the module comment. */
export function InterruptionCard({
  space,
  interruption: i,
  deployment,
}: {
  space: string;
  interruption: InterruptionView;
  deployment: DeploymentView;
}) {
  const { can, me } = useSession();
  const client = useQueryClient();
  const [notes, setNotes] = useState('');
  const headingId = useId();
  // Team names come from the caller's own grants, or the teams list when they may read it.
  const teams = useApi<{ items: TeamRef[] }>(
    i.responsibleTeamIds.length > 0 ? `${spacePath(space, 'teams')}?limit=500` : undefined,
    { retry: false, staleTime: 60_000 },
  );
  const mine = me?.spaces.find(
    (s) => s.id === deployment.spaceId || s.name.toLowerCase() === space.toLowerCase(),
  );
  const myTeams = (mine?.grants ?? []).flatMap((g) => {
    const team = (g as { team?: TeamRef | null }).team;
    return team ? [team] : [];
  });
  const teamName = (id: string) =>
    myTeams.find((t) => t.id === id)?.name ?? teams.data?.items.find((t) => t.id === id)?.name ?? id;

  const answer = useMutation({
    mutationFn: (reply: InterruptionAnswer) =>
      request<InterruptionView>('POST', spacePath(space, 'interruptions', i.id, 'answer'), {
        body: { answer: reply, notes },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: [interruptionsPath(space, deployment.id)] });
    },
  });

  const scope = {
    projectId: deployment.projectId,
    environmentId: deployment.environmentId,
    ...(deployment.tenantId ? { tenantId: deployment.tenantId } : {}),
  };
  const allowed = can(space, 'interruption.submit', scope);
  const inTeam =
    i.responsibleTeamIds.length === 0 ||
    me?.isAdmin === true ||
    myTeams.some((t) => i.responsibleTeamIds.includes(t.id));
  const reason = !allowed.allowed
    ? allowed.reason
    : !inTeam
      ? `Only members of ${i.responsibleTeamIds.map((t) => `"${teamName(t)}"`).join(', ')} (or an administrator) may answer this; ask one of them.`
      : undefined;
  const kindWord = i.kind === 'manual-intervention' ? 'Manual intervention' : 'Guided failure';

  return (
    <section
      className={`interruption card ${i.answer ? 'interruption-answered' : 'interruption-open'}`}
      aria-labelledby={headingId}
      id={`interruption-${i.id}`}
    >
      <p className="interruption-kind">
        {kindWord}
        {i.target ? ` · ${i.target}` : ''}
      </p>
      <h4 id={headingId}>{i.title}</h4>
      {i.instructions ? <p className="interruption-instructions">{i.instructions}</p> : null}
      {i.responsibleTeamIds.length > 0 ? (
        <p className="muted">Responsible: {i.responsibleTeamIds.map(teamName).join(', ')}</p>
      ) : null}
      {i.answer ? (
        <p>
          <strong>{ANSWERED[i.answer]}</strong> by {i.answeredBy ?? 'someone'} <Time iso={i.answeredAt} />
          {i.notes ? (
            <>
              : <q>{i.notes}</q>
            </>
          ) : null}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <Field label="Notes" hint="Why you answer this way; kept in the task log and the audit log.">
            <textarea
              rows={2}
              value={notes}
              maxLength={10_000}
              onChange={(e) => setNotes(e.target.value)}
              disabled={reason !== undefined}
            />
          </Field>
          <div className="form-actions">
            {ANSWERS[i.kind].map((a, n) => (
              <Button
                key={a.answer}
                variant={
                  n === 0 ? 'primary' : a.answer === 'abort' || a.answer === 'fail' ? 'danger' : 'secondary'
                }
                // The reason is shown once, beside the first answer; the others are simply disabled.
                disabledReason={n === 0 ? reason : undefined}
                busy={answer.isPending && answer.variables === a.answer}
                disabled={answer.isPending || (n > 0 && reason !== undefined)}
                onClick={() => answer.mutate(a.answer)}
              >
                {a.label}
              </Button>
            ))}
          </div>
          <ErrorMessage error={answer.error} title="Not answered" />
        </form>
      )}
    </section>
  );
}
