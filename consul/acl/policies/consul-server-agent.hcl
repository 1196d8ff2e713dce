# Agent token of the three servers (node names consul-1..3): register and update their own
# node in the catalog (anti-entropy, coordinates).
node_prefix "consul-" {
  policy = "write"
}
