/** Infrastructure › Workers: every registered worker (server-wide), online or not; disable and enable (administrators). */
import { useMutation } from '@tanstack/react-query';
import { useApi, usePageTitle } from '../../app/hooks.js';
import { request } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { PageHeader, Time } from '../../components/common.js';
import { invalidatePrefix, ListState, ListTable } from '../../components/resource-form.js';
import { useClient } from './shared.js';

interface WorkerJson {
  id: string;
  name: string;
  pool: string;
  version: string;
  hostname: string | null;
  lastSeenAt: string;
  online: boolean;
  disabledAt: string | null;
}

const ADMIN_ONLY = 'Workers are managed by administrators; ask one to register, disable or remove a worker.';

/** See the module comment. */
export function WorkersPage() {
  usePageTitle('Workers');
  const { me } = useSession();
  const isAdmin = me?.isAdmin === true;
  const workers = useApi<{ items: WorkerJson[] }>(isAdmin ? '/api/workers' : undefined);
  const client = useClient();
  const toggle = useMutation({
    mutationFn: (w: WorkerJson) =>
      request('POST', `/api/workers/${encodeURIComponent(w.id)}/${w.disabledAt ? 'enable' : 'disable'}`),
    onSuccess: () => invalidatePrefix(client, '/api/workers'),
  });
  return (
    <>
      <PageHeader title="Workers" subtitle="Machines that run script steps for a pool (docs/workers.md)." />
      {!isAdmin ? <p className="notice notice-info">{ADMIN_ONLY}</p> : null}
      {isAdmin ? (
        <ListState list={workers} loading="Loading workers" empty="No workers registered.">
          Script steps run on the server itself until a worker registers with a token (slipway worker).
        </ListState>
      ) : null}
      <ErrorMessage error={toggle.error} title="Not changed" />
      <ListTable
        items={workers.data?.items}
        columns={['Name', 'Pool', 'State', 'Last seen', { hidden: 'Actions' }]}
        row={(w) => (
          <tr key={w.id}>
            <td>
              {w.name} <span className="muted">{w.hostname ?? ''}</span>
            </td>
            <td>{w.pool}</td>
            <td>
              <span className={`badge tone-${w.disabledAt ? 'warning' : w.online ? 'success' : 'neutral'}`}>
                {w.disabledAt ? 'Disabled' : w.online ? 'Online' : 'Offline'}
              </span>
            </td>
            <td>
              <Time iso={w.lastSeenAt} />
            </td>
            <td>
              <Button
                busy={toggle.isPending && toggle.variables.id === w.id}
                onClick={() => toggle.mutate(w)}
              >
                {w.disabledAt ? `Enable ${w.name}` : `Disable ${w.name}`}
              </Button>
            </td>
          </tr>
        )}
      />
    </>
  );
}
