# Agent token of the three servers (node names consul-1..3, or consul-<node> on several nodes): register and update their own
# node in the catalog (anti-entropy, coordinates).
node_prefix "consul-" {
  policy = "write"
}
# The servers' healthcheck (consul/consul-server-health) reads autopilot's health and removes the
# server's own stale raft entry after all servers restarted.
operator = "write"
