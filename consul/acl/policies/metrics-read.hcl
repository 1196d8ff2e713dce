# Prometheus scrapes /v1/agent/metrics of the servers (consul-1..3, or consul-<node>): agent:read on them.
agent_prefix "consul-" {
  policy = "read"
}
