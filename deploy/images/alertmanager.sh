# local/alertmanager:0.28 - Prometheus' Alertmanager (Debian trixie's prometheus-alertmanager)
# and amtool. Receives the alerts of prometheus/alerts.yml, groups, inhibits and sends them to
# the receiver of alertmanager/alertmanager.yml.
# Sourced by build-base-images.sh.

ALERTMANAGER_VERSION=0.28          # trixie's prometheus-alertmanager package (0.28.1+ds)
ALERTMANAGER_IMAGE=local/alertmanager:$ALERTMANAGER_VERSION
# What the image is made from: a change to any of these files rebuilds it.
ALERTMANAGER_INPUTS=(deploy/images/alertmanager.sh deploy/images/http-ok)

build_alertmanager() {
  local dir; scratch_dir dir
  new_rootfs "$dir" prometheus-alertmanager
  trim_docs "$dir"
  install -m 0755 "$REPO_ROOT/deploy/images/http-ok" "$dir/usr/local/bin/http-ok"
  local version; version=$(chroot "$dir" prometheus-alertmanager --version 2>&1 | awk 'NR == 1 {print $3}')
  [[ $version == "$ALERTMANAGER_VERSION".* ]] \
    || die "trixie has prometheus-alertmanager $version, the image tag says $ALERTMANAGER_VERSION"
  # The stack mounts alertmanager/alertmanager.yml here; Debian's sample stays in its place
  # (/etc/prometheus/alertmanager.yml) and is the default, so that a bare `docker run` starts.
  install -d "$dir/etc/alertmanager"
  cp "$dir/etc/prometheus/alertmanager.yml" "$dir/etc/alertmanager/alertmanager.yml"
  # Runs as the package's system user; silences and the notification log are its own.
  local uid gid; uid=$(chroot "$dir" id -u prometheus); gid=$(chroot "$dir" id -g prometheus)
  # The stack gives this user its secret (deploy/docker-stack.yml: uid "100", gid "101").
  [[ $uid == 100 && $gid == 101 ]] \
    || die "the prometheus user is $uid:$gid in the Alertmanager image, deploy/docker-stack.yml expects 100:101"
  install -d -o "$uid" -g "$gid" "$dir/alertmanager"
  # One Alertmanager: no cluster gossip (an empty --cluster.listen-address turns it off).
  import_rootfs "$dir" "$ALERTMANAGER_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "USER $uid" 'WORKDIR /alertmanager' 'EXPOSE 9093' \
    'ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]' \
    'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--web.listen-address=:9093", "--cluster.listen-address="]'
}
