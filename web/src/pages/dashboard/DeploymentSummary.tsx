/** What one dashboard cell shows of a deployment: its release (linking to the deployment), state, when and by whom. */
import { Link } from 'react-router';
import { paths } from '../../app/paths.js';
import { StateBadge, Time } from '../../components/common.js';
import type { DashboardItem } from './types.js';

/** The release version as a link to the deployment, its state badge, and "5 minutes ago by alice". */
export function DeploymentSummary({
  space,
  item,
  label,
}: {
  space: string;
  item: DashboardItem;
  label: string;
}) {
  return (
    <div className="dash-deployment">
      <div className="dash-line">
        <Link to={paths.deployment(space, item.deploymentId)} aria-label={label} className="dash-version">
          {item.releaseVersion}
        </Link>{' '}
        <StateBadge state={item.state} />
      </div>
      <div className="dash-when muted">
        <Time iso={item.finishedAt ?? item.startedAt ?? item.createdAt} /> by {item.createdBy}
      </div>
    </div>
  );
}
