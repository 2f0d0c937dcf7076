/** A deep link to nothing: say so and offer the way back. */
import { Link } from 'react-router';
import { usePageTitle } from './hooks.js';

/** See the module comment. */
export function NotFound() {
  usePageTitle('Not found');
  return (
    <div className="not-found">
      <h1>There is no page here</h1>
      <p>
        The link may be old, or the thing it pointed to was renamed or deleted.{' '}
        <Link to="/">Go to the dashboard</Link>.
      </p>
    </div>
  );
}
