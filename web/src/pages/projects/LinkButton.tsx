/** A link drawn as a button; with `disabledReason` it is a disabled Button that says why instead. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Button } from '../../components/Button.js';

/** See the module comment. */
export function LinkButton({
  to,
  variant = 'secondary',
  disabledReason,
  children,
}: {
  to: string;
  variant?: 'primary' | 'secondary';
  disabledReason?: string | undefined;
  children: ReactNode;
}) {
  if (disabledReason !== undefined)
    return (
      <Button variant={variant} disabledReason={disabledReason}>
        {children}
      </Button>
    );
  return (
    <Link to={to} className={`btn btn-${variant}`}>
      {children}
    </Link>
  );
}
