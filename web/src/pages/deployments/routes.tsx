/** The deployment page. */
import type { RouteObject } from 'react-router';
import { DeploymentPage } from './DeploymentPage.js';
import './deployments.css';

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [{ path: 'spaces/:space/deployments/:id', element: <DeploymentPage /> }];
