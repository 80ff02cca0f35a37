#!/usr/bin/env bash
# The QGIS half of `make test` on whatever system it runs in — the host (QGIS 3.22) or a matrix
# chroot (scripts/qgis_matrix.sh): set-up (scripts/setup.sh: that system's venvs, from its own
# /usr/bin/python3), translations, then scripts/run_tests.sh's QGIS command. Results in OUTDIR:
#   versions.txt (QGIS, Python, numpy, PyQt), setup.log, pytest.log, junit.xml, times.txt
# Usage: scripts/qgis_suite.sh OUTDIR [pytest args...]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd); cd "$here"
out=${1:?usage: qgis_suite.sh OUTDIR [pytest args]}; shift
mkdir -p "$out"; rm -f "$out"/{versions.txt,setup.log,pytest.log,junit.xml,times.txt}
export PYTHONDONTWRITEBYTECODE=1

t0=$(date +%s)
if ! bash scripts/setup.sh all >"$out/setup.log" 2>&1 || ! bash scripts/translations.sh >>"$out/setup.log" 2>&1; then
  echo "qgis_suite: set-up failed:"; tail -30 "$out/setup.log"; echo "setup_s=$(( $(date +%s) - t0 ))" >"$out/times.txt"; exit 3
fi
t1=$(date +%s)
source scripts/envpath.sh
QT_QPA_PLATFORM=offscreen "$QGIS_ENV/bin/python" - >"$out/versions.txt" 2>>"$out/setup.log" <<'PY'
import platform, numpy
from qgis.core import Qgis
from qgis.PyQt.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
print(f"qgis={Qgis.QGIS_VERSION}")
print(f"python={platform.python_version()}")
print(f"numpy={numpy.__version__}")
print(f"pyqt={PYQT_VERSION_STR} qt={QT_VERSION_STR}")
PY
echo "engine_python=$("$ENGINE_ENV/bin/python" -c 'import platform; print(platform.python_version())' 2>&1)" >>"$out/versions.txt"
cat "$out/versions.txt"

RR_TEST_PARTS=qgis bash scripts/run_tests.sh --junitxml="$out/junit.xml" "$@" 2>&1 | tee "$out/pytest.log"
rc=${PIPESTATUS[0]}
t2=$(date +%s)
printf 'setup_s=%s\ntests_s=%s\n' $((t1 - t0)) $((t2 - t1)) >"$out/times.txt"
exit "$rc"
