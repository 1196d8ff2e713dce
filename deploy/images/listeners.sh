# local/listeners:1 - the listener keeper (haproxy/listener-keeper): holds the balancer's public
# listening sockets and hands them to each HAProxy, so that HAProxy can be replaced without a
# moment in which nothing listens. Python from Debian (python3-minimal: sockets, SCM_RIGHTS).
# Sourced by build-base-images.sh.

LISTENERS_IMAGE=local/listeners:1
# What the image is made from: a change to any of these files rebuilds it.
LISTENERS_INPUTS=(deploy/images/listeners.sh haproxy/listener-keeper)

build_listeners() {
  local dir; scratch_dir dir
  new_rootfs "$dir" python3-minimal
  trim_docs "$dir"
  install -m 0755 "$REPO_ROOT/haproxy/listener-keeper" "$dir/usr/local/bin/"
  # The uid of HAProxy's user (deploy/images/haproxy.sh): the hand-over socket is that user's only.
  add_user "$dir" keeper 100 /run/listeners
  in_chroot "$dir" python3 -c 'import array, socket, struct' || die "python3 in $LISTENERS_IMAGE lacks a module the keeper needs"
  import_rootfs "$dir" "$LISTENERS_IMAGE" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER keeper' \
    'ENTRYPOINT ["/usr/local/bin/listener-keeper"]'
}
