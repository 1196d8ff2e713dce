# local/keepalived:2.3 - keepalived (Debian trixie) for the balancers' virtual IP on a swarm of
# several nodes (deploy/docker-stack.vip.yml). Sourced by build-base-images.sh; built on request
# only (deploy/cluster.sh asks for it), a single-node set-up does not need it.

KEEPALIVED_VERSION=2.3             # trixie's keepalived package (2.3.x)
KEEPALIVED_IMAGE=local/keepalived:$KEEPALIVED_VERSION
# What the image is made from: a change to any of these files rebuilds it.
KEEPALIVED_INPUTS=(deploy/images/keepalived.sh keepalived/keepalived-run)

build_keepalived() {
  local dir; scratch_dir dir
  # curl: the check script asks the local HAProxy; iproute2 (a dependency): the entrypoint finds
  # the node's own address and interface; nftables: the entrypoint's table that keeps connections
  # to the VIP from being refused while it moves (keepalived/keepalived-run).
  new_rootfs "$dir" keepalived curl nftables
  trim_docs "$dir"
  local version; version=$(chroot "$dir" keepalived --version 2>&1 | awk 'NR == 1 {print $2}')
  [[ $version == v"$KEEPALIVED_VERSION".* ]] || die "trixie has keepalived $version, the image tag says $KEEPALIVED_VERSION"
  install -m 0755 "$REPO_ROOT/keepalived/keepalived-run" "$dir/usr/local/bin/keepalived-run"
  # Not root: the binary carries the capabilities it needs as file capabilities: NET_ADMIN (the
  # VIP) and NET_RAW (VRRP), which the stack adds to the container with cap_add, and SETGID
  # (Docker's default set), without which keepalived cannot start its check script and, worse,
  # takes the failed start for a passing check. The check script itself runs without any.
  chroot "$dir" useradd --system --user-group --no-create-home --home-dir /run/keepalived keepalived
  local uid; uid=$(chroot "$dir" id -u keepalived)
  install -d -o "$uid" -g "$uid" "$dir/run/keepalived"
  setcap cap_net_admin,cap_net_raw,cap_setgid+ep "$dir/usr/sbin/keepalived"
  setcap cap_net_admin+ep "$dir/usr/sbin/nft"
  # import_rootfs (lib.sh) without dropping the file capabilities: tar must carry them.
  local changes=() c
  for c in 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "USER $uid" \
           'WORKDIR /run/keepalived' 'ENTRYPOINT ["/usr/local/bin/keepalived-run"]' \
           ${IMAGE_LABEL:+"$IMAGE_LABEL"}; do changes+=(--change "$c"); done
  tar --numeric-owner --xattrs --xattrs-include=security.capability -C "$dir" -c . \
    | docker import "${changes[@]}" - "$KEEPALIVED_IMAGE" >/dev/null
  log "built $KEEPALIVED_IMAGE ($(docker image inspect -f '{{.Size}}' "$KEEPALIVED_IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
}
