# Consul client agent that runs inside every web and HAProxy container (see consul/with-consul-agent),
# delivered by the stack as a docker config. The service registers with it on 127.0.0.1:8500 and
# HAProxy resolves through it on 127.0.0.1:8600: each talks to its own agent only, and the agent
# finds a live server by itself. A registration lives and dies with its container.
server           = false
retry_join       = ["tasks.consul"]
retry_interval   = "3s"
# Gossip on the stack's overlay network (10.231.0.0/16 in docker-stack.yml).
bind_addr        = "{{ GetPrivateInterfaces | include \"network\" \"10.231.0.0/16\" | attr \"address\" }}"
# API and DNS for the processes of this container only.
client_addr      = "127.0.0.1"
# The UI for the operator listener of HAProxy, which proxies the agent in its own container.
ui               = true
# Leave the cluster (not "fail") when the container stops: the node and its services go at once.
leave_on_terminate     = true
# The service registers its own HTTP check; the agent must be allowed to run it.
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
