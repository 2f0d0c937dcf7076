/**
 * The library: environments, lifecycles, tenants, tag sets and feeds under
 * /spaces/:space/library/..., and a project's channels under /spaces/:space/projects/:project/channels.
 * (Variable sets, also in the library's navigation, are the variables area's page.)
 */
import { Navigate, useParams, type RouteObject } from 'react-router';
import { paths } from '../../app/paths.js';
import { ChannelEditPage } from './ChannelEditPage.js';
import { ChannelsPage } from './ChannelsPage.js';
import { EnvironmentEditPage } from './EnvironmentEditPage.js';
import { EnvironmentsPage } from './EnvironmentsPage.js';
import { FeedEditPage } from './FeedEditPage.js';
import { FeedsPage } from './FeedsPage.js';
import { LifecycleEditPage } from './LifecycleEditPage.js';
import { LifecyclesPage } from './LifecyclesPage.js';
import { TagSetEditPage } from './TagSetEditPage.js';
import { TagSetsPage } from './TagSetsPage.js';
import { TenantEditPage } from './TenantEditPage.js';
import { TenantsPage } from './TenantsPage.js';
import './library.css';

/** /spaces/:space/library: the first page, environments. */
function LibraryHome() {
  return <Navigate to={paths.library(useParams().space ?? 'Default', 'environments')} replace />;
}

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [
  { path: 'spaces/:space/library', element: <LibraryHome /> },
  { path: 'spaces/:space/library/environments', element: <EnvironmentsPage /> },
  { path: 'spaces/:space/library/environments/:id', element: <EnvironmentEditPage /> },
  { path: 'spaces/:space/library/lifecycles', element: <LifecyclesPage /> },
  { path: 'spaces/:space/library/lifecycles/:id', element: <LifecycleEditPage /> },
  { path: 'spaces/:space/library/tenants', element: <TenantsPage /> },
  { path: 'spaces/:space/library/tenants/:id', element: <TenantEditPage /> },
  { path: 'spaces/:space/library/tag-sets', element: <TagSetsPage /> },
  { path: 'spaces/:space/library/tag-sets/:id', element: <TagSetEditPage /> },
  { path: 'spaces/:space/library/feeds', element: <FeedsPage /> },
  { path: 'spaces/:space/library/feeds/:id', element: <FeedEditPage /> },
  { path: 'spaces/:space/projects/:project/channels', element: <ChannelsPage /> },
  { path: 'spaces/:space/projects/:project/channels/:channel', element: <ChannelEditPage /> },
];
