/** This area's pages (placeholder until the area is built). */
import type { RouteObject } from 'react-router';

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [];
