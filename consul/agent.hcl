# Consul client agent that runs inside every web container (see consul/with-consul-agent),
# delivered by the stack as a docker config. The service registers with it on 127.0.0.1:8500:
# it talks to its own agent only, and the agent finds a live server by itself. A registration
# lives and dies with its container. Secrets (swarm secrets, deploy/secrets.sh) come as separate
# files: secrets.hcl (ACL tokens), tls/ca.pem; the gossip keyring is seeded by the launcher.
server           = false
retry_join       = ["tasks.consul"]
retry_interval   = "3s"
# API and DNS for the processes of this container only.
client_addr      = "127.0.0.1"
# Leave the cluster (not "fail") when the container stops: the node and its services go at once.
leave_on_terminate     = true
# The service registers an HTTP check; no script checks.
enable_local_script_checks = false
disable_update_check   = true
log_level              = "WARN"
dns_config {
  # DNS answers keep coming from any server, also while the servers elect a new leader.
  allow_stale  = true
  max_stale    = "87600h"
  only_passing = true
  enable_additional_node_meta_txt = false
}

# --- security ----------------------------------------------------------------------------------
acl {
  enabled                  = true
  default_policy           = "deny"
  down_policy              = "extend-cache"
  enable_token_persistence = true
}
# RPC to the servers over TLS with a certificate the servers sign for this agent (auto_encrypt),
# once its agent token is accepted. The agent's own HTTP API stays on 127.0.0.1, plain HTTP.
ca_file                = "/consul/config/tls/ca.pem"
verify_outgoing        = true
verify_server_hostname = true
auto_encrypt {
  tls = true
}
