#!/usr/bin/env bash
# Creates the unprivileged OS user that `slipway server` runs script steps as (default
# slipway-script; pass another name as $1). A system user with no home, no login shell and a group
# of its own: scripts run as it cannot read the server's data directory, keys or environment.
# Idempotent. Needs root (or sudo).
set -euo pipefail
user="${1:-slipway-script}"
if id -u "$user" >/dev/null 2>&1; then
  echo "install-script-user: $user exists (uid $(id -u "$user"))"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
    echo "install-script-user: need root (or sudo) to create the user $user" >&2
    exit 1
  fi
fi
nologin=/usr/sbin/nologin
[ -x "$nologin" ] || nologin=/bin/false
"${sudo[@]}" useradd --system --user-group --no-create-home --home-dir /nonexistent --shell "$nologin" "$user"
echo "install-script-user: created $user (uid $(id -u "$user"))"
