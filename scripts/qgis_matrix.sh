#!/usr/bin/env bash
# The QGIS test matrix: the QGIS suite (tests/qgis, as `make test` runs it) on each QGIS version
# that analysts use, each on the Debian release that ships it:
#   3.22  this host (Debian 12 bookworm)        3.40  Debian 13 trixie (LTR)      3.44  Debian sid
# 3.40/3.44 run in a chroot (scripts/rootfs.sh builds it once, cached outside the clone) with this
# clone bind-mounted at its own path; inside, scripts/qgis_suite.sh builds that system's own QGIS
# test venv and engine venv (its /usr/bin/python3, so Python 3.13 there) once, then runs the tests.
# Versions run one after another (a 2-core machine). Results: build/matrix/<version>/.
# Usage: scripts/qgis_matrix.sh [3.22|3.40|3.44|all]... [-- pytest args]      (root; `make test-matrix`)
# Each run has RR_EXPECT_QGIS=<version> (tests/qgis/test_environment.py checks it).
# Env: RR_MATRIX_TIMEOUT (s per version, chroot set-up + tests; default 5400), RR_ROOTFS_ROOT.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd); cd "$here"
# shellcheck source=chroot_lib.sh
source scripts/chroot_lib.sh

versions=() pytest_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; pytest_args=("$@"); break ;;
    all) versions+=(3.22 3.40 3.44) ;;
    3.22|3.40|3.44) versions+=("$1") ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "qgis_matrix: unknown argument '$1' (3.22, 3.40, 3.44, all; pytest args after --)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#versions[@]} -gt 0 ] || versions=(3.22 3.40 3.44)
limit=${RR_MATRIX_TIMEOUT:-5400}
trap 'echo; echo "qgis_matrix: interrupted"; exit 130' INT TERM

summary=() releases=()
status=0
for v in "${versions[@]}"; do
  suite=$(rr_suite_for "$v") || exit 2
  out="$here/build/matrix/$v"
  mkdir -p "$out"
  echo "=== QGIS $v ($suite)"
  t0=$(date +%s) rootfs_s=0
  if [ "$suite" = host ]; then
    RR_EXPECT_QGIS=$v timeout --foreground -k 20 "$limit" bash scripts/qgis_suite.sh "$out" "${pytest_args[@]}"
    rc=$?
  else
    if ! rootfs=$(bash scripts/rootfs.sh "$suite"); then
      summary+=("$(printf '%-6s %-7s rootfs build failed (see %s.log)' "$v" "$suite" "$(rr_rootfs_dir "$suite")")")
      status=1; continue
    fi
    rootfs_s=$(( $(date +%s) - t0 ))
    rr_chroot "$rootfs" "$limit" /usr/bin/env RR_EXPECT_QGIS="$v" \
      bash "$here/scripts/qgis_suite.sh" "$out" "${pytest_args[@]}"
    rc=$?
  fi
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && echo "qgis_matrix: QGIS $v stopped after $limit s"
  [ "$rc" = 0 ] || status=1
  line=$(python3 - "$out" "$v" "$suite" "$rc" "$rootfs_s" "$(( $(date +%s) - t0 ))" <<'PY'
import sys, xml.etree.ElementTree as ET
from pathlib import Path
out, v, suite, rc, rootfs_s, total_s = sys.argv[1:]
info = dict(l.split("=", 1) for l in (Path(out) / "versions.txt").read_text().split("\n") if "=" in l) \
    if (Path(out) / "versions.txt").is_file() else {}
times = dict(l.split("=", 1) for l in (Path(out) / "times.txt").read_text().split()) \
    if (Path(out) / "times.txt").is_file() else {}
counts = "no junit.xml"
j = Path(out) / "junit.xml"
if j.is_file():
    root = ET.parse(j).getroot()
    s = root if root.tag == "testsuite" else root.find("testsuite")
    n, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    counts = f"passed {n - f - e - sk:3d} failed {f:2d} errors {e:2d} skipped {sk:2d}"
print(f"{v:<5} {info.get('qgis', '?'):<22} {suite:<7} py {info.get('python', '?'):<7} numpy {info.get('numpy', '?'):<7} "
      f"{counts}  tests {times.get('tests_s', '?')} s, setup {times.get('setup_s', '?')} s, rootfs {rootfs_s} s, "
      f"total {total_s} s, exit {rc}")
PY
)
  summary+=("$line")
  echo "$line" >"$out/summary.txt"
  release=$(sed -n 's/^qgis=//p' "$out/versions.txt" 2>/dev/null)
  echo "=== QGIS $v: tested point release ${release:-unknown (set-up failed before QGIS ran)}"
  releases+=("$v=${release:-?}")
done
echo
echo "=== QGIS matrix (details: build/matrix/<version>/pytest.log)"
printf '%s\n' "${summary[@]}"
echo "point releases: ${releases[*]}"
echo "pip cache shared by the host and the chroots: $RR_PIP_CACHE ($(du -sh "$RR_PIP_CACHE" 2>/dev/null | cut -f1))"
exit $status
