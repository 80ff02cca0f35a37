#!/usr/bin/env bash
# The test command: engine suite in the engine venv, then the QGIS suite on real QGIS 3.22
# (offscreen, under Xvfb for the tests that start the desktop). Fails if either fails or runs nothing.
# RR_TEST_PARTS="engine qgis" (default) picks the halves; scripts/qgis_suite.sh runs the QGIS one.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd); cd "$here"
source scripts/envpath.sh
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1
status=0
run() {  # $1 = label, rest = command; pytest exit 5 ("no tests ran") is a failure here
  local label=$1; shift
  echo "=== $label"
  "$@"; local rc=$?
  if [ $rc -eq 5 ]; then echo "$label: no tests ran — that is a failure"; rc=1; fi
  [ $rc -eq 0 ] || { echo "$label: FAILED (exit $rc)"; status=1; }
}
parts=" ${RR_TEST_PARTS:-engine qgis} "
[[ $parts == *" engine "* ]] && run "engine tests" "$ENGINE_ENV/bin/python" -m pytest tests/engine "$@"
[[ $parts == *" qgis "* ]] && run "QGIS tests" env QT_QPA_PLATFORM=offscreen xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$QGIS_ENV/bin/python" -m pytest tests/qgis "$@"
exit $status
