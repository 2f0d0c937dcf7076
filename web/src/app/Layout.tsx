/**
 * The frame of every signed-in page: a skip link, the header with the main navigation, the space
 * and the user (with sign-out), and the page itself. Without a session it sends you to sign in and
 * brings you back afterwards.
 */
import { useEffect } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { setUnauthenticatedHandler } from '../api/client.js';
import { useSession } from '../api/session.js';
import { Button } from '../components/Button.js';
import { Loading } from '../components/common.js';
import { paths } from './paths.js';

/** See the module comment. */
export function Layout() {
  const { session, me, loading, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const params = useParams();
  const here = location.pathname + location.search;

  // A request that finds the session gone (expired, signed out elsewhere) leads to sign-in.
  useEffect(() => {
    setUnauthenticatedHandler(() => void navigate(paths.signIn(here), { replace: true }));
    return () => setUnauthenticatedHandler(undefined);
  }, [navigate, here]);

  if (loading) return <Loading what="Loading Slipway" />;
  if (!session) return <Navigate to={paths.signIn(here)} replace />;

  const space = params.space ?? me?.spaces[0]?.name ?? 'Default';
  const sections = [
    { to: paths.dashboard(space), label: 'Dashboard', end: true },
    { to: paths.projects(space), label: 'Projects' },
    { to: `/spaces/${encodeURIComponent(space)}/library`, label: 'Library' },
    { to: `/spaces/${encodeURIComponent(space)}/infrastructure`, label: 'Infrastructure' },
    { to: `/spaces/${encodeURIComponent(space)}/configuration`, label: 'Configuration' },
  ];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to={paths.dashboard(space)} className="brand">
          Slipway
        </NavLink>
        <nav aria-label="Main" className="main-nav">
          <ul>
            {sections.map((s) => (
              <li key={s.label}>
                <NavLink to={s.to} end={s.end ?? false}>
                  {s.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-menu">
          {me && me.spaces.length > 1 ? (
            <label className="space-picker">
              <span className="visually-hidden">Space</span>
              <select value={space} onChange={(e) => void navigate(paths.dashboard(e.target.value))}>
                {me.spaces.map((s) => (
                  <option key={s.id} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <NavLink to={paths.account()} className="user-name" title="Your account: change your password">
            {session.user.name}
          </NavLink>
          <Button variant="link" onClick={() => void signOut().then(() => navigate(paths.signIn()))}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** `/`: the dashboard of the user's first space. */
export function Home() {
  const { me } = useSession();
  return <Navigate to={paths.dashboard(me?.spaces[0]?.name ?? 'Default')} replace />;
}
