/**
 * A button that can say why it is disabled. A disabled action stays focusable (aria-disabled) so a
 * keyboard or screen-reader user reaches the reason, which is also shown beside it.
 */
import { useId, type ButtonHTMLAttributes } from 'react';

/** Button props; `disabledReason` disables the button and shows why. */
export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Why the action is not possible now; the button is disabled and the reason shown. */
  disabledReason?: string | undefined;
  /** `primary` for the page's main action, `danger` for destructive ones. Default `secondary`. */
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
  /** Shows a busy state and disables the button (e.g. while its request runs). */
  busy?: boolean;
}

/** See the module comment. */
export function Button({
  disabledReason,
  variant = 'secondary',
  busy,
  className,
  onClick,
  children,
  ...rest
}: ButtonProps) {
  const reasonId = useId();
  const disabled = disabledReason !== undefined || busy === true || rest.disabled === true;
  const button = (
    <button
      type="button"
      {...rest}
      disabled={disabledReason !== undefined ? undefined : rest.disabled || busy}
      aria-disabled={disabled || undefined}
      aria-busy={busy || undefined}
      aria-describedby={disabledReason !== undefined ? reasonId : rest['aria-describedby']}
      title={disabledReason ?? rest.title}
      className={['btn', `btn-${variant}`, className].filter(Boolean).join(' ')}
      onClick={disabled ? (e) => e.preventDefault() : onClick}
    >
      {children}
    </button>
  );
  if (disabledReason === undefined) return button;
  return (
    <span className="btn-with-reason">
      {button}
      <span id={reasonId} className="disabled-reason">
        {disabledReason}
      </span>
    </span>
  );
}
