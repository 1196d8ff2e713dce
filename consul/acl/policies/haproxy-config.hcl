# HAProxy reads its configuration from Consul KV (haproxy/haproxy.cfg, written by deploy/up.sh)
# and reloads when it changes (haproxy/haproxy-run).
key_prefix "haproxy/" {
  policy = "read"
}
