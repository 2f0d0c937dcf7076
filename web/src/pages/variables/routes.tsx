/** The variables area: project variables and their preview, library variable sets, tenant variables. */
import type { RouteObject } from 'react-router';
import { LibrarySetPage, LibrarySetsPage } from './LibrarySetsPages.js';
import { PreviewPage } from './PreviewPage.js';
import { ProjectVariablesPage } from './ProjectVariablesPage.js';
import { TenantVariablesPage } from './TenantVariablesPage.js';
import './variables.css';

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [
  { path: 'spaces/:space/projects/:project/variables', element: <ProjectVariablesPage /> },
  { path: 'spaces/:space/projects/:project/variables/preview', element: <PreviewPage /> },
  { path: 'spaces/:space/library/variable-sets', element: <LibrarySetsPage /> },
  { path: 'spaces/:space/library/variable-sets/:id', element: <LibrarySetPage /> },
  { path: 'spaces/:space/tenants/:tenant/variables', element: <TenantVariablesPage /> },
];
