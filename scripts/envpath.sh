# Sourced: sets ENGINE_ENV, QGIS_ENV and PYQT6_ENV, venv folders keyed by their requirements' hash.
_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RR_ENV_ROOT=${RR_ENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/remotereasoner/envs}
ENGINE_ENV="$RR_ENV_ROOT/engine-$(cat "$_root/requirements-engine.txt" | sha256sum | cut -c1-12)"
QGIS_ENV="$RR_ENV_ROOT/qgis-$(cat "$_root/requirements-qgis.txt" | sha256sum | cut -c1-12)"
PYQT6_ENV="$RR_ENV_ROOT/pyqt6-$(cat "$_root/requirements-pyqt6.txt" | sha256sum | cut -c1-12)"
export ENGINE_ENV QGIS_ENV PYQT6_ENV
