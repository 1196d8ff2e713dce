# Read the instances of "web": DNS (web.service.consul SRV) and /v1/health/service/web
# (consul watch). Consul filters nodes too, so the nodes that run web are readable.
service "web" {
  policy = "read"
}
node_prefix "web-" {
  policy = "read"
}
