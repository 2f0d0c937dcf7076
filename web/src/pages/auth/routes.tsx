/** The sign-in page (outside the signed-in layout) and the user's own account page (inside it). */
import type { RouteObject } from 'react-router';
import { AccountPage } from './AccountPage.js';
import { SignInPage } from './SignInPage.js';
import './auth.css';

/** Top-level routes (no layout, no session needed). */
export const authRoutes: RouteObject[] = [{ path: '/sign-in', element: <SignInPage /> }];

/** Routes under the signed-in layout: /account. */
export const accountRoutes: RouteObject[] = [{ path: 'account', element: <AccountPage /> }];
