# Prometheus scrapes the desired replica count of web from Consul KV (web/metrics, written by
# deploy/up.sh as Prometheus text exposition).
key_prefix "web/" {
  policy = "read"
}
