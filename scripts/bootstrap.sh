#!/usr/bin/env bash
# Installs what the quick-start commands need on a fresh machine that has only Node 20:
# the npm packages pinned in package-lock.json (once per lock file change).
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.seawall-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "seawall: installing npm packages from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
