# local/consul:1.8.7 - the Consul servers of the stack (command consul-server), the ACL bootstrap
# (consul-acl-ensure), the registry reaper (registry-reaper), and the Consul of the
# Testcontainers tests (entrypoint: the binary).
# Sourced by build-base-images.sh.

# What the image is made from: a change to any of these files rebuilds it.
CONSUL_INPUTS=(deploy/images/consul.sh deploy/images/http-ok deploy/images/own-address consul/consul-server consul/consul-server-health consul/consul-acl-ensure consul/registry-reaper)

build_consul() {
  local dir; scratch_dir dir
  new_rootfs "$dir" curl ca-certificates
  trim_docs "$dir"
  install -m 0755 "$(consul_binary)" "$dir/usr/local/bin/consul"
  install -m 0755 "$REPO_ROOT/deploy/images/http-ok" "$REPO_ROOT/deploy/images/own-address" \
    "$REPO_ROOT/consul/consul-server" "$REPO_ROOT/consul/consul-server-health" "$REPO_ROOT/consul/consul-acl-ensure" "$REPO_ROOT/consul/registry-reaper" \
    "$dir/usr/local/bin/"
  chroot "$dir" useradd --uid 1000 --user-group --no-create-home --home-dir /consul consul
  install -d -o 1000 -g 1000 "$dir/consul" "$dir/consul/data" "$dir/consul/config"
  # The entrypoint is the binary itself, as Testcontainers' ConsulContainer expects.
  import_rootfs "$dir" "$CONSUL_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER consul' 'WORKDIR /consul' \
    'EXPOSE 8300 8301 8301/udp 8302 8302/udp 8500 8600 8600/udp' \
    'ENTRYPOINT ["/usr/local/bin/consul"]' 'CMD ["agent", "-dev", "-client", "0.0.0.0"]'
}
