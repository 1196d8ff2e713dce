# Shared steps of the base image builders (deploy/images/*.sh): a Debian root filesystem made
# from packages, imported with `docker import`, so that no registry is ever needed.
# Sourced by build-base-images.sh after deploy/lib/common.sh; not executed.

SUITE=trixie                       # JRE, HAProxy, Prometheus, Alertmanager, rsyslog, keepalived
CONSUL_SUITE=bullseye              # the last Debian release that packages consul (1.8.7)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${BASE_IMAGE_CACHE:-/var/cache/swarmweb}

# A minbase rootfs tarball, made once and reused by every image.
minbase_tarball() {
  local tarball=$CACHE/$SUITE-minbase.tar
  if [[ ! -s $tarball ]]; then
    log "debootstrap $SUITE minbase (once, ~30 s)"
    local dir; dir=$(mktemp -d)
    debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
      || die "debootstrap failed, see $CACHE/debootstrap.log"
    tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  echo "$tarball"
}

# The consul binary from Debian bullseye's package, fetched with a private apt
# configuration so the machine's own sources are never touched.
consul_binary() {
  local bin=$CACHE/consul
  if [[ ! -x $bin ]]; then
    log "fetching consul from Debian $CONSUL_SUITE"
    local apt; apt=$(mktemp -d)
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
    echo "deb $MIRROR $CONSUL_SUITE main" >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
    apt_get "${opts[@]}" update >/dev/null
    (cd "$apt" && apt_get "${opts[@]}" download consul >/dev/null)
    dpkg -x "$apt"/consul_*.deb "$apt/root"
    install -m 0755 "$apt/root/usr/bin/consul" "$bin"
    rm -rf "$apt"
  fi
  echo "$bin"
}

# in_chroot DIR COMMAND...: runs COMMAND in the rootfs with /proc mounted (the JDK's launchers
# and post-install scripts find themselves through /proc/self/exe).
in_chroot() {
  local dir=$1; shift
  mount -t proc proc "$dir/proc"
  local rc=0
  chroot "$dir" "$@" || rc=$?
  umount "$dir/proc"
  return $rc
}

# chroot_apt DIR ARGS...: apt-get inside a rootfs, its output in the cache's log.
chroot_apt() {
  local dir=$1; shift
  DEBIAN_FRONTEND=noninteractive in_chroot "$dir" apt-get -q -y "$@" >>"$CACHE/apt-$(basename "$dir").log" 2>&1
}

# new_rootfs DIR PACKAGES...: minbase + packages, without docs, man pages and apt lists.
# SLIM_KEEP (optional): dpkg path patterns, one a line, to keep although they lie under an
# excluded path (list the parent directories too: dpkg does not create them).
new_rootfs() {
  local dir=$1; shift
  tar -C "$dir" -xf "$(minbase_tarball)"
  cat >"$dir/etc/dpkg/dpkg.cfg.d/01-slim" <<'SLIM'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/info/*
SLIM
  local keep
  while IFS= read -r keep; do
    [[ -z $keep ]] || echo "path-include=$keep" >>"$dir/etc/dpkg/dpkg.cfg.d/01-slim"
  done <<<"${SLIM_KEEP:-}"
  # Packages with a daemon (haproxy, prometheus, rsyslog) must not start it inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"; chmod 0755 "$dir/usr/sbin/policy-rc.d"
  chroot_apt "$dir" update || die "apt-get update failed in the image rootfs, see $CACHE/apt-$(basename "$dir").log"
  chroot_apt "$dir" install --no-install-recommends "$@" \
    || die "apt-get install $* failed in the image rootfs, see $CACHE/apt-$(basename "$dir").log"
  chroot "$dir" apt-get clean
  rm -f "$dir/usr/sbin/policy-rc.d"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/log/* "$dir"/tmp/*
}

# The docs, man pages and translations that came with the minbase rootfs itself (dpkg's
# path-exclude only applies to packages installed afterwards): ~45 MB.
trim_docs() {
  local dir=$1
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/usr/share/info/*
}

# packages_rootfs BUILDER DIR PACKAGES...: a root filesystem holding only these packages'
# files (dpkg -x, no maintainer scripts, no dpkg, apt or shell utilities): what a
# "distroless" image is. BUILDER is a rootfs with apt configured (new_rootfs) to download them.
packages_rootfs() {
  local builder=$1 dir=$2; shift 2
  rm -rf "$builder/debs" && mkdir -p "$builder/debs"
  chroot "$builder" bash -c 'cd /debs && apt-get -q update >/dev/null && apt-get -q -o APT::Sandbox::User=root download "$@" >/dev/null' _ "$@" \
    || die "apt-get download $* failed"
  local deb
  for deb in "$builder"/debs/*.deb; do dpkg -x "$deb" "$dir"; done
  rm -rf "$builder/debs"
  rm -rf "$dir"/usr/share/doc "$dir"/usr/share/man "$dir"/usr/share/locale "$dir"/usr/share/info \
         "$dir"/usr/share/lintian "$dir"/usr/share/i18n "$dir"/usr/share/bash-completion \
         "$dir"/usr/lib/x86_64-linux-gnu/gconv
}

# add_user DIR NAME UID HOME: a passwd/group entry without useradd (the rootfs may have none).
add_user() {
  local dir=$1 name=$2 uid=$3 home=$4
  grep -q "^root:" "$dir/etc/passwd" 2>/dev/null || echo "root:x:0:0:root:/root:/usr/sbin/nologin" >>"$dir/etc/passwd"
  grep -q "^root:" "$dir/etc/group" 2>/dev/null || echo "root:x:0:" >>"$dir/etc/group"
  echo "$name:x:$uid:$uid:$name:$home:/usr/sbin/nologin" >>"$dir/etc/passwd"
  echo "$name:x:$uid:" >>"$dir/etc/group"
  install -d -o "$uid" -g "$uid" "$dir$home"
}

# import DIR IMAGE CHANGES...: one-layer image from the rootfs.
import_rootfs() {
  local dir=$1 image=$2; shift 2
  local changes=() c
  for c in "$@" ${IMAGE_LABEL:+"$IMAGE_LABEL"}; do changes+=(--change "$c"); done
  tar --numeric-owner -C "$dir" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}

# The Consul binary and the launcher that runs a command next to a local Consul agent.
add_consul() {
  local dir=$1
  install -D -m 0755 "$(consul_binary)" "$dir/usr/local/bin/consul"
  install -m 0755 "$REPO_ROOT/consul/with-consul-agent" "$dir/usr/local/bin/with-consul-agent"
}

# A scratch directory under the cache (same file system as the tarballs), removed on exit.
SCRATCH_DIRS=()
cleanup_scratch() {
  local dir
  for dir in "${SCRATCH_DIRS[@]}"; do
    umount "$dir/proc" 2>/dev/null || true
    rm -rf "$dir"
  done
}
trap cleanup_scratch EXIT
# scratch_dir VAR: sets VAR to a new scratch directory.
scratch_dir() {
  local -n scratch_var=$1
  scratch_var=$(mktemp -d -p "$CACHE")
  SCRATCH_DIRS+=("$scratch_var")
}
