# publish_desired_replicas N: tells Prometheus how many web replicas the stack should run.
# Sourced by deploy/up.sh (after common.sh and stack.sh, whose consul_tool it uses); call it once
# the ACLs exist, and again whenever the web service is scaled. Nothing inside the swarm can read
# swarm's desired count without the Docker API (no Docker socket is mounted anywhere), so it is
# written into Consul's KV store as a Prometheus text exposition, which Prometheus scrapes (job
# "desired", prometheus/prometheus.yml) for the capacity alert and the dashboard.
# The token (key_prefix "web/" write: policy deploy) is read from its file by the consul CLI.

DESIRED_KEY=web/metrics

publish_desired_replicas() {
  local replicas=${1:-}
  [[ $replicas =~ ^[0-9]+$ ]] || die "publish_desired_replicas: not a replica count: '$replicas'"
  printf '# HELP web_desired_replicas Web replicas the stack should run (deploy/lib/desired.sh).\n# TYPE web_desired_replicas gauge\nweb_desired_replicas %d\n' "$replicas" \
    | consul_tool consul kv put -token-file=/secrets/deploy.token "$DESIRED_KEY" - >/dev/null
}
