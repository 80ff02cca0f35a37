# Sourced by scripts/rootfs.sh and scripts/qgis_matrix.sh: where the Debian root file systems live,
# what goes in them, and how to run a command inside one with /proc, /sys, /dev, /dev/pts, a
# private /tmp and this clone mounted.
#
# Each command runs in its own mount + PID namespace (`unshare --mount --pid --fork --kill-child`):
# the mounts exist only in that namespace and the kernel removes them, and kills every process
# left in it (Xvfb, the engine worker, QGIS), as soon as its first process ends — after success,
# failure, Ctrl-C, `timeout` or SIGKILL alike. An EXIT trap unmounts too, in order.
_rr_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RR_ROOTFS_ROOT=${RR_ROOTFS_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/remotereasoner/rootfs}
RR_DEBIAN_MIRROR=${RR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# pip's cache, one for the host and every chroot (mounted at the chroot's /root/.cache/pip): a wheel or
# download one system fetched is not fetched again by the next. Wheels built for one Python (the host's
# 3.11, trixie's 3.13, sid's own) only serve that Python; pure-Python ones and sdists serve all.
RR_PIP_CACHE=${RR_PIP_CACHE:-${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pip}}

# QGIS version -> Debian suite whose own `qgis` package is that version ("host" = this machine).
rr_suite_for() {
  case $1 in
    3.22) echo host ;;
    3.40) echo trixie ;;
    3.44) echo sid ;;
    *) echo "unknown QGIS version '$1' (3.22, 3.40 or 3.44)" >&2; return 1 ;;
  esac
}

# Debian packages of a root file system: scripts/setup.sh's APT_PACKAGES (one list for the host and
# the chroots) + what the host has anyway and a minbase system lacks: git (package.sh lists files
# with it), make (the tests call `make -s engine-python`, `make package`), ca-certificates (pip).
rr_rootfs_packages() {
  local apt
  apt=$(sed -n 's/^APT_PACKAGES="\(.*\)"$/\1/p' "$_rr_root/scripts/setup.sh")
  [ -n "$apt" ] || { echo "chroot_lib: no APT_PACKAGES line in scripts/setup.sh" >&2; return 1; }
  echo "$apt git make ca-certificates procps"
}

# The root file system of a suite: keyed by its package list and scripts/rootfs.sh.
rr_rootfs_dir() {
  local suite=$1 key
  key=$( { echo "$suite $RR_DEBIAN_MIRROR"; rr_rootfs_packages; cat "$_rr_root/scripts/rootfs.sh"; } \
        | sha256sum | cut -c1-12)
  echo "$RR_ROOTFS_ROOT/$suite-$key"
}

# True if anything is mounted at or below $1 in this (the caller's) mount namespace.
rr_has_mounts() {
  local dir
  dir=$(readlink -f "$1")
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo
}

# rr_chroot ROOTFS LIMIT_S CMD... : run CMD inside ROOTFS as root, with a clean environment
# (HOME=/root, no PIP_*/PYTHON* of the host), at most LIMIT_S seconds (then SIGKILL 20 s later).
# Mounts: proc; /sys read-only; /dev and /dev/pts (bind); a fresh /dev/shm and /tmp (tmpfs, lost at
# the end); this clone read-write and its git directory read-only at their own paths; the shared
# pip cache (RR_PIP_CACHE) at /root/.cache/pip; the host's CA bundle over the chroot's (RR_CHROOT_HOST_CA=0:
# not). More environment: CMD = env NAME=VALUE... PROGRAM ARGS.
rr_chroot() {
  local rootfs=$1 limit=$2; shift 2
  local gitdir
  gitdir=$(git -C "$_rr_root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  mkdir -p "$RR_PIP_CACHE"
  # shellcheck disable=SC2016
  timeout --foreground -k 20 "$limit" \
    unshare --mount --pid --fork --kill-child --propagation private -- bash -c '
      set -eu
      R=$1 here=$2 gitdir=$3 pipcache=$4 hostca=$5; shift 5
      mounted=()
      m() { [ -e "${@: -1}" ] || mkdir -p "${@: -1}"; mount "$@"; mounted+=("${@: -1}"); }
      cleanup() { local i; for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done; }
      trap cleanup EXIT
      trap "exit 130" INT TERM
      m -t proc proc "$R/proc"
      m --bind /sys "$R/sys"; mount -o remount,bind,ro "$R/sys"
      m --bind /dev "$R/dev"
      m --bind /dev/pts "$R/dev/pts"
      m -t tmpfs -o size=2g,mode=1777 tmpfs "$R/dev/shm"
      m -t tmpfs -o size=8g,mode=1777 tmpfs "$R/tmp"
      m --bind "$here" "$R$here"
      if [ -n "$gitdir" ] && [ -d "$gitdir" ] && case $gitdir in "$here"/*) false ;; *) true ;; esac; then
        m --bind "$gitdir" "$R$gitdir"; mount -o remount,bind,ro "$R$gitdir"
      fi
      m --bind "$pipcache" "$R/root/.cache/pip"
      # TLS (pip): trust what the host trusts, e.g. its local CAs (/usr/local/share/ca-certificates)
      # on a machine behind a TLS-inspecting proxy. Not while apt may rewrite the bundle (rootfs.sh).
      if [ "$hostca" = 1 ] && [ -f /etc/ssl/certs/ca-certificates.crt ] && [ -f "$R/etc/ssl/certs/ca-certificates.crt" ]; then
        m --bind /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
        mount -o remount,bind,ro "$R/etc/ssl/certs/ca-certificates.crt"
      fi
      cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
      chroot "$R" /usr/bin/env -i HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
    ' rr-chroot "$rootfs" "$_rr_root" "$gitdir" "$RR_PIP_CACHE" "${RR_CHROOT_HOST_CA:-1}" "$@"
}
