/** The process editor's route (paths.projectProcess). */
import type { RouteObject } from 'react-router';
import { ProcessPage } from './ProcessPage.js';
import './process.css';

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [
  { path: 'spaces/:space/projects/:project/process', element: <ProcessPage /> },
];
