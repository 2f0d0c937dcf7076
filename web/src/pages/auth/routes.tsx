/** Pages outside the signed-in layout. */
import type { RouteObject } from 'react-router';
import { SignInPage } from './SignInPage.js';

/** Top-level routes (no layout, no session needed). */
export const authRoutes: RouteObject[] = [{ path: '/sign-in', element: <SignInPage /> }];
