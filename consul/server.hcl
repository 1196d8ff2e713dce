# Consul server agent: one of three, delivered by the stack as a docker config.
# Checked against the Consul 1.8 documentation (the version Debian packages).
server           = true
# Three servers tolerate the loss of one; no leader is elected before all three have joined.
bootstrap_expect = 3
# tasks.consul is Docker's DNS name listing every server task; it is retried until they answer.
retry_join       = ["tasks.consul"]
retry_interval   = "3s"
# Bind gossip and RPC to the overlay network of the stack (10.231.0.0/16 in docker-stack.yml),
# whatever the order of the container's interfaces (eth1 is docker_gwbridge).
bind_addr        = "{{ GetPrivateInterfaces | include \"network\" \"10.231.0.0/16\" | attr \"address\" }}"
# The HTTP API and DNS answer on every interface of the container; they are published nowhere,
# only the operator listener of HAProxy proxies the UI.
client_addr      = "0.0.0.0"
data_dir         = "/consul/data"
ui               = true
raft_protocol    = 3
# A server that stays away is removed from the peers once a replacement has joined, so the
# quorum is computed over live servers only.
autopilot {
  cleanup_dead_servers = true
}
performance {
  # 1 = production timing: a lost leader is replaced within seconds (default 5 is for dev boxes).
  raft_multiplier = 1
}
# A server keeps its membership when stopped (the swarm restarts it in the same slot).
leave_on_terminate     = false
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
