# local/haproxy:3.0 - HAProxy 3.0 (Debian trixie) with its entrypoint haproxy/haproxy-run, which
# takes the configuration from Consul KV and reloads HAProxy in place when it changes.
# Sourced by build-base-images.sh.

HAPROXY_IMAGE=local/haproxy:3.0
# What the image is made from: a change to any of these files rebuilds it.
HAPROXY_INPUTS=(deploy/images/haproxy.sh deploy/images/http-ok haproxy/haproxy-run)

build_haproxy() {
  local dir; scratch_dir dir
  new_rootfs "$dir" haproxy curl ca-certificates
  trim_docs "$dir"
  install -m 0755 "$REPO_ROOT/deploy/images/http-ok" "$REPO_ROOT/haproxy/haproxy-run" "$dir/usr/local/bin/"
  local uid; uid=$(chroot "$dir" id -u haproxy)
  # The stack gives this uid its secrets (deploy/docker-stack.yml: uid "100").
  [[ $uid == 100 ]] || die "the haproxy user has uid $uid, deploy/docker-stack.yml expects 100"
  # /run/listeners: the listener keeper's volume (deploy/images/listeners.sh, same uid).
  install -d -o "$uid" -g "$uid" "$dir/run/haproxy" "$dir/var/lib/haproxy" "$dir/run/listeners"
  import_rootfs "$dir" "$HAPROXY_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "USER $uid" \
    'ENTRYPOINT ["/usr/local/bin/haproxy-run"]'
}
