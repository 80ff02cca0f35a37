#!/usr/bin/env bash
# Builds a Debian root file system with that suite's own QGIS (trixie: 3.40 LTR, sid: 3.44) for the
# QGIS test matrix, idempotently: debootstrap (minbase) + apt-get install of rr_rootfs_packages
# (scripts/chroot_lib.sh) from deb.debian.org, into
#   ${XDG_CACHE_HOME:-~/.cache}/remotereasoner/rootfs/<suite>-<hash of packages + these scripts>
# with a `.complete` marker (a second run returns at once). Needs root (chroot, mount).
# The venvs are not built here: scripts/qgis_matrix.sh runs scripts/setup.sh inside the chroot.
# Usage: scripts/rootfs.sh SUITE     (prints the root file system's path on stdout, progress on stderr)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=chroot_lib.sh
source "$here/scripts/chroot_lib.sh"
suite=${1:?usage: rootfs.sh SUITE (trixie, sid)}
case $suite in trixie|sid) ;; *) echo "rootfs: suite must be trixie or sid" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "rootfs: needs root (debootstrap, chroot, mount)" >&2; exit 1; }

dir=$(rr_rootfs_dir "$suite")
[ -f "$dir/.complete" ] && { echo "$dir"; exit 0; }

mkdir -p "$RR_ROOTFS_ROOT"
exec 9>"$RR_ROOTFS_ROOT/.$suite.lock"
flock -w 3600 9 || { echo "rootfs: another build of $suite holds the lock for an hour" >&2; exit 1; }
[ -f "$dir/.complete" ] && { echo "$dir"; exit 0; }   # built while we waited

if ! command -v debootstrap >/dev/null; then
  echo "rootfs: installing debootstrap" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

partial="$dir.partial" log="$dir.log"
for d in "$partial" "$dir"; do   # leftovers of an interrupted build
  if [ -e "$d" ]; then
    if rr_has_mounts "$d"; then echo "rootfs: $d has mounts; not removing it" >&2; exit 1; fi
    rm -rf --one-file-system "$d"
  fi
done
: >"$log"
t0=$(date +%s)
echo "rootfs: debootstrap $suite -> $partial (log: $log)" >&2
timeout 1800 debootstrap --variant=minbase --components=main --include=ca-certificates \
  "$suite" "$partial" "$RR_DEBIAN_MIRROR" >>"$log" 2>&1 \
  || { echo "rootfs: debootstrap failed, see $log" >&2; tail -20 "$log" >&2; exit 1; }
t1=$(date +%s)

# apt sources: the suite (+ its updates and security for a release), no recommends of services
{
  echo "Types: deb"; echo "URIs: $RR_DEBIAN_MIRROR"
  if [ "$suite" = sid ]; then echo "Suites: sid"; else echo "Suites: $suite $suite-updates"; fi
  echo "Components: main"; echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ "$suite" != sid ]; then
    echo; echo "Types: deb"; echo "URIs: ${RR_DEBIAN_MIRROR%/debian}/debian-security"
    echo "Suites: $suite-security"; echo "Components: main"
    echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  fi
} >"$partial/etc/apt/sources.list.d/debian.sources"
rm -f "$partial/etc/apt/sources.list"
# The archive may be a frozen mirror/snapshot: sid's (and -security's) Release expires within days
# of publication (Valid-Until) and apt would refuse it; the signatures are still checked.
echo 'Acquire::Check-Valid-Until "false";' >"$partial/etc/apt/apt.conf.d/99rr-no-valid-until"
printf '#!/bin/sh\nexit 101\n' >"$partial/usr/sbin/policy-rc.d"; chmod +x "$partial/usr/sbin/policy-rc.d"
# no documentation or man pages (about 10 % of the size; nothing runs from them)
printf 'path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n' \
  >"$partial/etc/dpkg/dpkg.cfg.d/01-nodoc"
echo "rr-$suite" >"$partial/etc/debian_chroot"

pkgs=$(rr_rootfs_packages)
echo "rootfs: apt-get install $pkgs" >&2
# Recommends are installed, as `apt-get install` on the host (scripts/setup.sh) and users do.
RR_CHROOT_HOST_CA=0 rr_chroot "$partial" 3600 /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c "
  set -e
  apt-get update -q
  apt-get install -y -q $pkgs
  apt-get clean
  rm -rf /var/lib/apt/lists/*
" >>"$log" 2>&1 || { echo "rootfs: apt-get failed, see $log" >&2; tail -30 "$log" >&2; exit 1; }
t2=$(date +%s)

# what is in it, for the report
rr_chroot "$partial" 120 /usr/bin/dpkg-query -W -f='${Package} ${Version}\n' \
  qgis python3 python3-numpy python3-pyqt5 python3-gdal 2>/dev/null >"$partial/.versions" || true
size=$(du -sh --one-file-system "$partial" | cut -f1)
printf 'debootstrap %ss, apt %ss, size %s\n' $((t1 - t0)) $((t2 - t1)) "$size" >>"$partial/.versions"
echo "rootfs: $suite built in $((t2 - t0)) s (debootstrap $((t1 - t0)) s, apt $((t2 - t1)) s), $size" >&2
touch "$partial/.complete"
mv "$partial" "$dir"
echo "$dir"
