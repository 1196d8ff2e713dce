# Agent token of the client agents inside the web containers (node names web-<hostname>):
# register and update their own node. Services and checks are synced with the token they were
# registered with (the web service's token), not with this one.
node_prefix "web-" {
  policy = "write"
}
