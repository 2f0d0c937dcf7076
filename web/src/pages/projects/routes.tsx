/** The project pages: the list, a project's releases, creating a release, a release. */
import type { RouteObject } from 'react-router';
import { NewReleasePage } from './NewReleasePage.js';
import { ProjectPage } from './ProjectPage.js';
import { ProjectsPage } from './ProjectsPage.js';
import { ReleasePage } from './ReleasePage.js';
import './projects.css';

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [
  { path: 'spaces/:space/projects', element: <ProjectsPage /> },
  { path: 'spaces/:space/projects/:project', element: <ProjectPage /> },
  { path: 'spaces/:space/projects/:project/releases/new', element: <NewReleasePage /> },
  { path: 'spaces/:space/projects/:project/releases/:version', element: <ReleasePage /> },
];
