# local/haproxy:3.0 - HAProxy 3.0 (Debian trixie) and a Consul agent for its DNS look-ups.
# Sourced by build-base-images.sh.

HAPROXY_IMAGE=local/haproxy:3.0
# What the image is made from: a change to any of these files rebuilds it.
HAPROXY_INPUTS=(deploy/images/haproxy.sh deploy/images/http-ok consul/with-consul-agent)

build_haproxy() {
  local dir; scratch_dir dir
  new_rootfs "$dir" haproxy curl ca-certificates
  trim_docs "$dir"
  add_consul "$dir"
  install -m 0755 "$REPO_ROOT/deploy/images/http-ok" "$dir/usr/local/bin/http-ok"
  local uid; uid=$(chroot "$dir" id -u haproxy)
  install -d -o "$uid" -g "$uid" "$dir/consul/data" "$dir/run/haproxy"
  import_rootfs "$dir" "$HAPROXY_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "USER $uid" \
    'ENTRYPOINT ["/usr/local/bin/with-consul-agent"]' \
    'CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
}
