/** Links to several deployments just created (one per tenant or environment). */
import { Link } from 'react-router';
import { paths } from '../../app/paths.js';
import type { DeploymentView } from './model.js';

/** See the module comment; `label` names each (e.g. "Acme in Dev"). */
export function DeploymentLinks({
  space,
  items,
  label,
}: {
  space: string;
  items: DeploymentView[];
  label: (d: DeploymentView) => string;
}) {
  return (
    <div className="notice notice-success" role="status">
      Created {items.length} deployments:
      <ul>
        {items.map((d) => (
          <li key={d.id}>
            <Link to={paths.deployment(space, d.id)}>{label(d)}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
