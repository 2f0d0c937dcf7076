/** The dashboards: the space's projects × environments, and a project's tenants × environments. */
import type { RouteObject } from 'react-router';
import './dashboard.css';
import { SpaceDashboard } from './SpaceDashboard.js';
import { TenantDashboard } from './TenantDashboard.js';

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [
  { path: 'spaces/:space', element: <SpaceDashboard /> },
  { path: 'spaces/:space/projects/:project/tenants', element: <TenantDashboard /> },
];
