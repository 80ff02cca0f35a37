#!/usr/bin/env bash
# Compiles i18n/*.ts to .qm with lrelease (Debian qttools5-dev-tools). Quick and idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
LRELEASE=$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)
if [ ! -x "$LRELEASE" ]; then
  echo "translations: lrelease not found (Debian package qttools5-dev-tools): run 'make setup', which installs it" >&2
  exit 1
fi
shopt -s nullglob
for ts in i18n/*.ts; do
  qm=${ts%.ts}.qm
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then "$LRELEASE" -silent "$ts" -qm "$qm"; fi
done
