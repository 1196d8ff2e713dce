# local/prometheus:2.53 - Prometheus 2.53 + promtool (Debian trixie), the consul binary and
# consul/consul-file-sd (Debian builds Prometheus without consul_sd_configs).
# Sourced by build-base-images.sh.

PROMETHEUS_VERSION=2.53            # trixie's prometheus package (2.53.3+ds1)
PROMETHEUS_IMAGE=local/prometheus:$PROMETHEUS_VERSION
# What the image is made from: a change to any of these files rebuilds it.
PROMETHEUS_INPUTS=(deploy/images/prometheus.sh deploy/images/http-ok consul/consul-file-sd)
# Where the image keeps Debian's console libraries (prom.lib, menu.lib).
PROMETHEUS_CONSOLE_LIBRARIES=/usr/share/prometheus/console_libraries

build_prometheus() {
  local dir; scratch_dir dir
  # Debian ships the console libraries (prom.lib, menu.lib; patched to load their JS/CSS from
  # the packaged libjs-* files, no CDN) only as documentation examples: keep that directory.
  SLIM_KEEP=$'/usr/share/doc/prometheus\n/usr/share/doc/prometheus/examples\n/usr/share/doc/prometheus/examples/console_libraries*' \
    new_rootfs "$dir" prometheus curl ca-certificates jq
  install -m 0755 "$(consul_binary)" "$dir/usr/local/bin/consul"
  install -m 0755 "$REPO_ROOT/consul/consul-file-sd" "$dir/usr/local/bin/consul-file-sd"
  install -m 0755 "$REPO_ROOT/deploy/images/http-ok" "$dir/usr/local/bin/http-ok"
  local version; version=$(chroot "$dir" prometheus --version 2>&1 | awk 'NR == 1 {print $3}')
  [[ $version == "$PROMETHEUS_VERSION".* ]] || die "trixie has prometheus $version, the image tag says $PROMETHEUS_VERSION"
  install_console_libraries "$dir"
  trim_docs "$dir"
  # Runs as the package's system user; the TSDB and the local agent's data are its own.
  local uid gid; uid=$(chroot "$dir" id -u prometheus); gid=$(chroot "$dir" id -g prometheus)
  # The stack gives this uid its secrets (deploy/docker-stack.yml: uid "100").
  [[ $uid == 100 ]] || die "the prometheus user has uid $uid, deploy/docker-stack.yml expects 100"
  install -d -o "$uid" -g "$gid" "$dir/prometheus" "$dir/prometheus/file_sd"
  # The stack mounts the project's prometheus/ files (config, rules, consoles) in /etc/prometheus;
  # the package's sample prometheus.yml stays so that a bare `docker run` still starts.
  rm -rf "$dir/etc/prometheus/console_libraries" "$dir/etc/prometheus/consoles/README.consoles"
  import_rootfs "$dir" "$PROMETHEUS_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "USER $uid" 'WORKDIR /prometheus' 'EXPOSE 9090' \
    'ENTRYPOINT ["/usr/local/bin/consul-file-sd"]' \
    "CMD [\"prometheus\", \"--config.file=/etc/prometheus/prometheus.yml\", \"--storage.tsdb.path=/prometheus\", \"--web.console.templates=/etc/prometheus/consoles\", \"--web.console.libraries=$PROMETHEUS_CONSOLE_LIBRARIES\", \"--web.listen-address=:9090\"]"
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
  grep -q 'popper.js/umd/popper.min.js' "$dir$PROMETHEUS_CONSOLE_LIBRARIES/prom.lib" \
    || die "prom.lib changed shape: the popper.js fix no longer applies"
  # The menu's first entry is upstream's index.html.example (not shipped): make it this project's
  # console (prometheus/consoles/web.html); drop the sample navbar link to pagerduty.com.
  sed -i -e 's|(args . "index.html.example" "Overview")|(args . "web.html" "web")|' \
         -e '\|https://www.pagerduty.com/|d' \
         "$dir$PROMETHEUS_CONSOLE_LIBRARIES/menu.lib"
  grep -q '"web.html" "web"' "$dir$PROMETHEUS_CONSOLE_LIBRARIES/menu.lib" \
    || die "menu.lib changed shape: the console menu fix no longer applies"
}
