#!/usr/bin/env bash
# Builds the base images the project needs from Debian packages, for machines that
# cannot pull from a registry: a minimal Debian rootfs (debootstrap) + apt packages,
# imported with `docker import`. Images that already exist are left alone.
#
#   local/jre:21         OpenJDK 21 JRE + curl + the Consul binary (the web image's base)
#   local/consul:1.8.7   Consul servers (swarm stack) and the Testcontainers tests
#   local/haproxy:3.0    HAProxy 3.0 + the Consul binary (local agent for DNS)
#   local/prometheus:2.53  Prometheus 2.53 + promtool + the Consul binary (local agent, service
#                        discovery through consul/consul-file-sd)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--force] [IMAGE...]
  Builds the missing local base images (all by default: jre consul haproxy prometheus).
  --force   rebuild even if the image exists
USAGE
}

SUITE=trixie                       # jre 21 and haproxy 3.0 come from trixie
CONSUL_SUITE=bullseye              # the last Debian release that packages consul (1.8.7)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${BASE_IMAGE_CACHE:-/var/cache/swarmweb}
JRE_IMAGE=local/jre:21
CONSUL_IMAGE=local/consul:1.8.7
HAPROXY_IMAGE=local/haproxy:3.0
PROMETHEUS_VERSION=2.53            # trixie's prometheus package (2.53.3+ds1)
PROMETHEUS_IMAGE=local/prometheus:$PROMETHEUS_VERSION
# Where the prometheus image keeps Debian's console libraries (prom.lib, menu.lib).
PROMETHEUS_CONSOLE_LIBRARIES=/usr/share/prometheus/console_libraries

ensure_host_tools() {
  command -v debootstrap >/dev/null || { log "installing debootstrap"; apt_get update >/dev/null; apt_get install debootstrap >/dev/null; }
}

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
  # Packages with a daemon (haproxy, prometheus) must not start it inside the build chroot.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"; chmod 0755 "$dir/usr/sbin/policy-rc.d"
  mount -t proc proc "$dir/proc"     # the JRE's post-install needs /proc
  # EXIT too: die() exits without running RETURN traps.
  trap "umount '$dir/proc' 2>/dev/null || true" RETURN EXIT
  chroot "$dir" apt-get -q update >/dev/null
  DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get -q -y install --no-install-recommends "$@" >"$CACHE/apt-$(basename "$dir").log" 2>&1 \
    || die "apt-get install $* failed in the image rootfs, see $CACHE/apt-$(basename "$dir").log"
  chroot "$dir" apt-get clean
  rm -f "$dir/usr/sbin/policy-rc.d"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/log/* "$dir"/tmp/*
}

# import DIR IMAGE CHANGES...: one-layer image from the rootfs.
import_rootfs() {
  local dir=$1 image=$2; shift 2
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  tar --numeric-owner -C "$dir" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}

add_consul() {
  local dir=$1
  install -m 0755 "$(consul_binary)" "$dir/usr/local/bin/consul"
  install -m 0755 "$REPO_ROOT/consul/with-consul-agent" "$dir/usr/local/bin/with-consul-agent"
}

build_jre() {
  local dir; dir=$(mktemp -d -p "$CACHE")
  new_rootfs "$dir" openjdk-21-jre-headless curl ca-certificates
  add_consul "$dir"
  # The service runs as this non-root user (uid 1000); the agent's data dir is its own.
  chroot "$dir" useradd --uid 1000 --user-group --create-home --home-dir /home/web web
  install -d -o 1000 -g 1000 "$dir/consul/data"
  import_rootfs "$dir" "$JRE_IMAGE" \
    'ENV JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64' \
    'ENV PATH=/usr/lib/jvm/java-21-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV LANG=C.UTF-8' \
    'USER web'
  rm -rf "$dir"
}

build_consul() {
  local dir; dir=$(mktemp -d -p "$CACHE")
  new_rootfs "$dir" curl ca-certificates
  install -m 0755 "$(consul_binary)" "$dir/usr/local/bin/consul"
  chroot "$dir" useradd --uid 1000 --user-group --no-create-home --home-dir /consul consul
  install -d -o 1000 -g 1000 "$dir/consul" "$dir/consul/data" "$dir/consul/config"
  # The entrypoint is the binary itself, as Testcontainers' ConsulContainer expects.
  import_rootfs "$dir" "$CONSUL_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER consul' 'WORKDIR /consul' \
    'EXPOSE 8300 8301 8301/udp 8302 8302/udp 8500 8600 8600/udp' \
    'ENTRYPOINT ["/usr/local/bin/consul"]' 'CMD ["agent", "-dev", "-client", "0.0.0.0"]'
  rm -rf "$dir"
}

build_haproxy() {
  local dir; dir=$(mktemp -d -p "$CACHE")
  new_rootfs "$dir" haproxy curl ca-certificates
  add_consul "$dir"
  local uid; uid=$(chroot "$dir" id -u haproxy)
  install -d -o "$uid" -g "$uid" "$dir/consul/data" "$dir/run/haproxy"
  import_rootfs "$dir" "$HAPROXY_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "USER $uid" \
    'ENTRYPOINT ["/usr/local/bin/with-consul-agent"]' \
    'CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
  rm -rf "$dir"
}

build_prometheus() {
  local dir; dir=$(mktemp -d -p "$CACHE")
  # Debian ships the console libraries (prom.lib, menu.lib; patched to load their JS/CSS from
  # the packaged libjs-* files, no CDN) only as documentation examples: keep that directory.
  SLIM_KEEP=$'/usr/share/doc/prometheus\n/usr/share/doc/prometheus/examples\n/usr/share/doc/prometheus/examples/console_libraries*' \
    new_rootfs "$dir" prometheus curl ca-certificates jq
  add_consul "$dir"
  # Debian builds Prometheus without consul_sd_configs: consul watch + file_sd instead (jq).
  install -m 0755 "$REPO_ROOT/consul/consul-file-sd" "$dir/usr/local/bin/consul-file-sd"
  local version; version=$(chroot "$dir" prometheus --version 2>&1 | awk 'NR == 1 {print $3}')
  [[ $version == "$PROMETHEUS_VERSION".* ]] || die "trixie has prometheus $version, the image tag says $PROMETHEUS_VERSION"
  install_console_libraries "$dir"
  trim_docs "$dir"
  # Runs as the package's system user; the TSDB and the local agent's data are its own.
  local uid gid; uid=$(chroot "$dir" id -u prometheus); gid=$(chroot "$dir" id -g prometheus)
  install -d -o "$uid" -g "$gid" "$dir/prometheus" "$dir/prometheus/file_sd" "$dir/consul/data"
  # The stack mounts the project's prometheus/ files (config, rules, consoles) in /etc/prometheus;
  # the package's sample prometheus.yml stays so that a bare `docker run` still starts.
  rm -rf "$dir/etc/prometheus/console_libraries" "$dir/etc/prometheus/consoles/README.consoles"
  import_rootfs "$dir" "$PROMETHEUS_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "USER $uid" 'WORKDIR /prometheus' 'EXPOSE 9090' \
    'ENTRYPOINT ["/usr/local/bin/with-consul-agent"]' \
    "CMD [\"consul-file-sd\", \"prometheus\", \"--config.file=/etc/prometheus/prometheus.yml\", \"--storage.tsdb.path=/prometheus\", \"--web.console.templates=/etc/prometheus/consoles\", \"--web.console.libraries=$PROMETHEUS_CONSOLE_LIBRARIES\", \"--web.listen-address=:9090\"]"
  rm -rf "$dir"
}

# The docs, man pages and translations that came with the minbase rootfs itself (dpkg's
# path-exclude only applies to packages installed afterwards): ~45 MB.
trim_docs() {
  local dir=$1
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/usr/share/info/*
}

# Debian's console libraries, moved out of the documentation tree, with two fixes to what they load:
# popper.js is a directory in the package (its UMD build is the file a <script> tag can load), and
# rickshaw's vendor/d3.layout file is not packaged (Debian's d3 v3 contains d3.layout already).
install_console_libraries() {
  local dir=$1 examples=$1/usr/share/doc/prometheus/examples/console_libraries
  [[ -f $examples/prom.lib ]] || die "the prometheus package has no console libraries in ${examples#"$dir"}"
  install -d "$dir$PROMETHEUS_CONSOLE_LIBRARIES"
  install -m 0644 "$examples"/*.lib "$dir$PROMETHEUS_CONSOLE_LIBRARIES/"
  rm -rf "$dir/usr/share/doc/prometheus"
  sed -i -e 's|/classic/static/popper.js"|/classic/static/popper.js/umd/popper.min.js"|' \
         -e '\|/classic/static/vendor/rickshaw/vendor/d3.layout.min.js|d' \
         "$dir$PROMETHEUS_CONSOLE_LIBRARIES/prom.lib"
  # The menu's first entry is upstream's index.html.example (not shipped): make it this project's
  # console (prometheus/consoles/web.html); drop the sample navbar link to pagerduty.com.
  sed -i -e 's|(args . "index.html.example" "Overview")|(args . "web.html" "web")|' \
         -e '\|https://www.pagerduty.com/|d' \
         "$dir$PROMETHEUS_CONSOLE_LIBRARIES/menu.lib"
}

main() {
  local force=false images=()
  while (($#)); do
    case $1 in
      --force) force=true ;;
      -h|--help) usage; exit 0 ;;
      jre|consul|haproxy|prometheus) images+=("$1") ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  ((${#images[@]})) || images=(jre consul haproxy prometheus)
  [[ $EUID -eq 0 ]] || die "building base images needs root (debootstrap, chroot)"
  mkdir -p "$CACHE"
  ensure_host_tools
  local name image
  for name in "${images[@]}"; do
    image=$(case $name in jre) echo "$JRE_IMAGE";; consul) echo "$CONSUL_IMAGE";; haproxy) echo "$HAPROXY_IMAGE";;
                    prometheus) echo "$PROMETHEUS_IMAGE";; esac)
    if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
      log "$image present"
      continue
    fi
    log "building $image"
    "build_$name"
  done
}

main "$@"
