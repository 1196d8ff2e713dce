# Consul server agent: one of three, delivered by the stack as a docker config.
# Checked against the Consul 1.8 documentation (the version Debian packages).
# Secrets come as separate files in the same config dir (swarm secrets, deploy/secrets.sh):
# secrets.hcl (ACL tokens, gossip key) and tls/ (CA, certificate and key); Consul merges them.
server           = true
# Three servers tolerate the loss of one; no leader is elected before all three have joined.
bootstrap_expect = 3
# tasks.consul is Docker's DNS name listing every server task; it is retried until they answer.
retry_join       = ["tasks.consul"]
retry_interval   = "3s"
# The HTTP API and DNS answer on every interface of the container; they are published nowhere.
# HAProxy asks the servers' DNS for the instances; the operator listener proxies the UI.
client_addr      = "0.0.0.0"
data_dir         = "/consul/data"
ui               = true
raft_protocol    = 3
# Only applied when the cluster is first bootstrapped (autopilot's settings live in raft):
# bootstrap_consul (deploy/lib/stack.sh) sets them on an existing cluster too.
autopilot {
  # Never force-leave: autopilot removes a failed server by node name, and a replacement with the
  # same name that joins meanwhile stays "leaving" for good (never promoted; measured). Swarm
  # restarts a dead server in its slot; a server gone for good is removed by hand (force-leave).
  cleanup_dead_servers      = false
  # A replaced server (new address = new non-voter) is promoted at autopilot's first tick (every
  # 10 s) after it has been healthy this long: 3-13 s after it is healthy.
  server_stabilization_time = "3s"
}
performance {
  # 1 = production timing: a lost leader is replaced within seconds (default 5 is for dev boxes).
  raft_multiplier = 1
}
# A stopped server does not leave the cluster: it stays a voter (the quorum stays 2 of 3), and its
# replacement (a new task, a new address, the same node id from the data volume) takes its place.
# Leaving was measured too: it makes a rolling restart faster, but when all servers stop at once
# (a reboot of a single-node swarm) the concurrent leaves shrink the raft configuration to one
# voter, and the cluster then needed 60-80 s to come back (docs/consul-maintenance.md).
leave_on_terminate     = false
# Should a server have left (consul leave), on its next start it joins the members it knew (its
# serf snapshot) again, not only the other servers: only the servers can find the web agents.
rejoin_after_leave     = true
disable_update_check   = true
log_level              = "INFO"
# Metrics for Prometheus at /v1/agent/metrics?format=prometheus (prometheus/prometheus.yml, job
# consul). A retention above 0 turns the Prometheus format on; 60 s keeps a metric that is set
# rarely (gauges are only emitted when they change or on a timer) visible across scrapes, and
# lets one that is no longer emitted (consul_autopilot_* on a server that lost the leadership)
# disappear. Without the hostname, gauges keep one name on every server.
telemetry {
  prometheus_retention_time = "60s"
  disable_hostname          = true
}
dns_config {
  # Followers answer DNS from their own state: DNS keeps working while a leader is elected.
  allow_stale  = true
  max_stale    = "87600h"
  # Only instances whose checks pass are listed.
  only_passing = true
  enable_additional_node_meta_txt = false
}

# --- security (issue: nothing reachable without a key) -----------------------------------------
acl {
  enabled                  = true
  # Deny what no token allows. A request without a token gets the default token (secrets.hcl:
  # read-only on service web and its web-* nodes), which DNS needs; the UI and the rest of the API
  # ask for a token.
  default_policy           = "deny"
  # A server cut off from the leader keeps using the policies it has cached.
  down_policy              = "extend-cache"
  # Tokens set through the API survive a restart.
  enable_token_persistence = true
}
# RPC (8300) between agents is TLS, and a client needs a certificate signed by our CA to speak
# it; the client agents get theirs from the servers (auto_encrypt), authenticated by their ACL
# token. The HTTP API (8500) stays plain HTTP on the overlay network.
ca_file                = "/consul/config/tls/ca.pem"
cert_file              = "/consul/config/tls/server.pem"
key_file               = "/consul/config/tls/server-key.pem"
verify_outgoing        = true
verify_server_hostname = true
# verify_incoming would also demand client certificates on HTTPS, which is not enabled.
verify_incoming_rpc    = true
auto_encrypt {
  allow_tls = true
}
