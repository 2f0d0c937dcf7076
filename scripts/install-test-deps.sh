#!/usr/bin/env bash
# Installs what the tests need on a Debian machine: Debian's docker-registry (a real Docker Registry
# v2 server) and apache2-utils (htpasswd, for the Basic-auth registry) for the feed tests, and
# postgresql (server binaries under /usr/lib/postgresql/<ver>/bin) for the store tests, python3 and
# Debian's AWS CLI v2 (awscli) for the script-step tests (an AWS CLI and Python script against the
# sandbox), Debian's chromium for the web UI's browser tests, and the slipway-script user (scripts/install-script-user.sh) for the script-isolation
# tests. Idempotent: installs only what is missing and runs `apt-get update` at most once. Run as root
# (CI) or with sudo.
set -euo pipefail

# The unprivileged user script steps run as (the script-isolation tests need it).
bash "$(dirname "$0")/install-script-user.sh" ||
  echo "install-test-deps: no script user; the script-isolation tests will be skipped" >&2

missing=()
command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# The store tests run initdb/pg_ctl from Debian's versioned directory, which is not on PATH.
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
# Looked for where the script user finds them (/usr/bin), not on this shell's PATH: an AWS CLI or a
# Python under /root (pyenv) is out of that user's reach.
[ -x /usr/bin/python3 ] || missing+=(python3)
[ -x /usr/bin/aws ] || missing+=(awscli)
# The web UI's browser tests drive Debian's Chromium with playwright-core (test/ui/kit.ts).
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: docker-registry, htpasswd, postgresql, python3, awscli and chromium are present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get not found; install ${missing[*]} by hand (the feed and store tests skip without them)" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
    echo "install-test-deps: need root (or sudo) to install ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
install() { "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
# Try without refreshing the lists first: on a machine whose lists are current this saves a minute.
if ! install >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update
  install
fi
# The package's own service is not wanted: the tests start their registries on loopback themselves.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  "${sudo[@]}" systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
# Likewise PostgreSQL's default cluster: the store tests run their own servers on free ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet postgresql 2>/dev/null; then
  "${sudo[@]}" systemctl disable --now postgresql >/dev/null 2>&1 || true
fi
echo "install-test-deps: installed ${missing[*]}"
