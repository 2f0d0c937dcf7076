/** The tabs every project page shows under its title: overview, process, variables, channels, tenants. */
import { NavLink } from 'react-router';
import { paths } from '../app/paths.js';

/** The project's tabs; `project` is its id or name as in the URL. */
export function ProjectTabs({ space, project }: { space: string; project: string }) {
  const tabs = [
    { to: paths.project(space, project), label: 'Releases', end: true },
    { to: paths.projectProcess(space, project), label: 'Process' },
    { to: paths.projectVariables(space, project), label: 'Variables' },
    { to: paths.projectChannels(space, project), label: 'Channels' },
    { to: paths.projectTenants(space, project), label: 'Tenants' },
  ];
  return (
    <nav className="tabs" aria-label="Project">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end ?? false}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
