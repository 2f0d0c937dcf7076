/**
 * Every page's route. Each area of the app declares its own routes (pages/<area>/routes.tsx); this
 * file only puts them under the signed-in layout. Paths live in paths.ts.
 */
import { createBrowserRouter, type RouteObject } from 'react-router';
import { routes as adminRoutes } from '../pages/admin/routes.js';
import { accountRoutes, authRoutes } from '../pages/auth/routes.js';
import { routes as dashboardRoutes } from '../pages/dashboard/routes.js';
import { routes as deploymentRoutes } from '../pages/deployments/routes.js';
import { routes as libraryRoutes } from '../pages/library/routes.js';
import { routes as processRoutes } from '../pages/process/routes.js';
import { routes as projectRoutes } from '../pages/projects/routes.js';
import { routes as variableRoutes } from '../pages/variables/routes.js';
import { Home, Layout } from './Layout.js';
import { NotFound } from './NotFound.js';

/** The whole route table (exported for the tests that check every page is reachable). */
export const routeTable: RouteObject[] = [
  ...authRoutes,
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      ...dashboardRoutes,
      ...projectRoutes,
      ...deploymentRoutes,
      ...processRoutes,
      ...variableRoutes,
      ...libraryRoutes,
      ...adminRoutes,
      ...accountRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
];

/** The app's router (history in the address bar: deep links and the back button work). */
export function createRouter() {
  return createBrowserRouter(routeTable);
}
