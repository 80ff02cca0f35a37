#!/usr/bin/env bash
# Installs everything the project needs on Debian 12, idempotently:
#   apt packages (QGIS 3.22, Xvfb, GDAL tools, lrelease), the engine venv, the QGIS test venv and
#   the PyQt6 venv (Qt 6 name checks).
# Venvs live outside the clone, keyed by the hash of their requirements, so a second run is quick.
# Usage: scripts/setup.sh [engine|qgis|all]   (prints nothing but progress; paths via scripts/envpath.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
# shellcheck source=envpath.sh
source "$here/scripts/envpath.sh"

APT_PACKAGES="qgis python3-qgis qgis-providers xvfb xauth python3-venv python3-gdal gdal-bin qttools5-dev-tools pyqt5-dev-tools x11-utils zip unzip"

need_apt=()
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

pip_q() {  # $1 = venv dir, rest = pip args: quiet, but a failing pip fails the set-up (no .complete)
  local dir=$1 log; shift
  if ! log=$("$dir/bin/python" -m pip "$@" 2>&1); then
    echo "$log" | grep -v "^WARNING: Location" >&2
    echo "setup: pip $* failed in $dir" >&2; exit 1
  fi
  echo "$log" | grep -v "^WARNING: Location" || true
}

make_venv() {  # $1 = venv dir, $2 = requirements file, $3.. = extra venv args
  local dir=$1 req=$2; shift 2
  if [ -f "$dir/.complete" ]; then return 0; fi
  echo "setup: creating $dir"
  rm -rf "$dir"
  /usr/bin/python3 -m venv "$@" "$dir"
  pip_q "$dir" install -q --upgrade "pip==26.3"
  pip_q "$dir" install -q -r "$req"
  # pip check only where pip owns everything (the QGIS venv sees Debian's packages, whose deps pip cannot see)
  if [ $# -eq 0 ]; then
    "$dir/bin/python" -m pip check >/dev/null 2>&1 || { echo "setup: pip check failed in $dir"; "$dir/bin/python" -m pip check; exit 1; }
  fi
  touch "$dir/.complete"
}

if [ "$what" = all ] || [ "$what" = engine ]; then
  make_venv "$ENGINE_ENV" "$here/requirements-engine.txt"
  # the console script `remotereasoner` for this clone (no deps: they are pinned above)
  if ! (cd / && env -u PYTHONPATH "$ENGINE_ENV/bin/python" -c "import inference_core,sys; sys.exit(0 if inference_core.__file__.startswith('$here/') else 1)" 2>/dev/null); then
    # quiet unless it fails (setuptools prints advice about editable installs on every run)
    if ! log=$("$ENGINE_ENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$here" 2>&1); then
      echo "$log" | grep -v "^WARNING: Location"; exit 1
    fi
  fi
fi
if [ "$what" = all ] || [ "$what" = qgis ]; then
  make_venv "$QGIS_ENV" "$here/requirements-qgis.txt" --system-site-packages
  # PyQt6 (QGIS 4's binding), only for tests/qgis/test_qt6_names.py to resolve the plugin's Qt names
  make_venv "$PYQT6_ENV" "$here/requirements-pyqt6.txt"
fi
