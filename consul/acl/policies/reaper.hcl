# Operator/reaper: list the members and force-leave a failed node.
operator = "write"
node_prefix "" {
  policy = "read"
}
