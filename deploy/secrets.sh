#!/usr/bin/env bash
# Generates the secrets of the system once, on the swarm manager, and renders the files the stack
# mounts as swarm secrets. Idempotent: an existing secret is never replaced (rotation has its own
# scripts). Prints no secret. Everything lives in $SECRETS_DIR (root only, mode 700), never in git.
#
#   <token>.token          one UUID per ACL token (consul/acl/tokens.conf) + consul-master.token
#   gossip-keys.json       Consul's gossip encryption keys, primary first (["key", ...])
#   tls/                   the Consul CA (its key never leaves this directory) and the servers' cert
#   operator-password      the operators' password (user "operator") for HAProxy's operator port
#                          (+ .sha512crypt, the hash HAProxy checks)
#   alert-webhook-url      where Alertmanager sends alerts ($ALERT_WEBHOOK_URL, or a placeholder)
#   rendered/              what the stack mounts (deploy/docker-stack.yml, secrets:), and the
#                          operators' userlist that deploy/up.sh publishes to Consul KV
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: $0 [--print-operator-password]
  Generates missing secrets in $SECRETS_DIR and renders the stack's secret files.
  --print-operator-password   print the operators' password (nothing else is ever printed)
  Environment: SECRETS_DIR, ALERT_WEBHOOK_URL (Alertmanager's webhook receiver)
USAGE
}

TOKENS_FILE=$REPO_ROOT/consul/acl/tokens.conf
# Alertmanager needs a URL; this one answers nothing (port 9 is "discard"). Set ALERT_WEBHOOK_URL.
ALERT_WEBHOOK_PLACEHOLDER=http://127.0.0.1:9/no-receiver-configured

# new_secret FILE COMMAND...: writes COMMAND's output to FILE (mode 600) unless FILE exists.
new_secret() {
  local file=$1; shift
  [[ -s $file ]] && return 0
  if (umask 077; "$@" >"$file.tmp"); then
    mv "$file.tmp" "$file"
    log "generated ${file#"$SECRETS_DIR"/}"
  else
    rm -f "$file.tmp"
    die "could not generate ${file#"$SECRETS_DIR"/}"
  fi
}
uuid() { cat /proc/sys/kernel/random/uuid; }
password() { local p; p=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9'); echo "${p:0:24}"; }
consul_run() { docker run --rm --network none --user "$(id -u)" -v "$SECRETS_DIR/tls:/tls" -w /tls "$CONSUL_IMAGE" "$@"; }
gossip_key_list() { printf '["%s"]\n' "$(docker run --rm --network none "$CONSUL_IMAGE" keygen)"; }

generate() {
  local name file _
  new_secret "$SECRETS_DIR/consul-master.token" uuid
  while read -r name file _; do
    [[ -z $name || $name == \#* ]] && continue
    new_secret "$SECRETS_DIR/$file" uuid
  done <"$TOKENS_FILE"
  new_secret "$SECRETS_DIR/gossip-keys.json" gossip_key_list
  new_secret "$SECRETS_DIR/operator-password" password
  # Hashed once (a new salt on every run would change the secret and restart HAProxy).
  new_secret "$SECRETS_DIR/operator-password.sha512crypt" openssl passwd -6 -in "$SECRETS_DIR/operator-password"
  if [[ ! -s $SECRETS_DIR/tls/consul-agent-ca.pem ]]; then
    install -d -m 700 "$SECRETS_DIR/tls"
    consul_run tls ca create >/dev/null
    # One certificate for every server (server.dc1.consul): clients verify the name, not the host.
    consul_run tls cert create -server -dc dc1 -days 825 >/dev/null
    log "generated the Consul CA and the servers' certificate (tls/)"
  fi
  if [[ -n ${ALERT_WEBHOOK_URL:-} ]]; then
    (umask 077; printf '%s' "$ALERT_WEBHOOK_URL" >"$SECRETS_DIR/alert-webhook-url")
  else
    new_secret "$SECRETS_DIR/alert-webhook-url" printf '%s' "$ALERT_WEBHOOK_PLACEHOLDER"
  fi
}

token() { tr -d '[:space:]' <"$SECRETS_DIR/$1.token"; }
primary_gossip_key() { sed -E 's/^\["([^"]+)".*/\1/' "$SECRETS_DIR/gossip-keys.json"; }

# A file of rendered/, written only when its content changes (its hash names the swarm secret).
render() {
  local file=$SECRETS_DIR/rendered/$1 tmp
  tmp=$(umask 077; mktemp "$file.XXXX")
  cat >"$tmp"
  if cmp -s "$tmp" "$file"; then rm -f "$tmp"; else mv "$tmp" "$file"; fi
}

render_all() {
  install -d -m 700 "$SECRETS_DIR/rendered"
  render consul-server.hcl <<HCL
# Rendered by deploy/secrets.sh. The master token bootstraps the ACL system; the agent token lets
# a server register its own node; DNS queries without a token (HAProxy's) use the default one.
acl { tokens {
  master  = "$(token consul-master)"
  agent   = "$(token consul-server-agent)"
  default = "$(token discovery)"
} }
# Gossip encryption; only read on a server's first start: its keyring then lives in its data dir.
encrypt = "$(primary_gossip_key)"
HCL
  render consul-web-agent.hcl <<HCL
# Rendered by deploy/secrets.sh. The agent token lets the agent register its node (web-<host>);
# the default token answers the service's own calls that carry no token (RegistrationWatchdog).
acl { tokens {
  agent   = "$(token web-agent)"
  default = "$(token discovery)"
} }
HCL
  render gossip-keys.json <"$SECRETS_DIR/gossip-keys.json"
  render consul-server-key.pem <"$SECRETS_DIR/tls/dc1-server-consul-0-key.pem"
  local name
  for name in web-service haproxy prometheus reaper; do
    token "$name" | render "$name.token"
  done
  # Not mounted: deploy/up.sh publishes it to Consul KV (haproxy/operators.cfg), where HAProxy
  # reloads with it in place (deploy/rotate-operator-password.sh).
  render haproxy-operators.cfg <<CFG
# Rendered by deploy/secrets.sh: who may use HAProxy's operator port (haproxy/haproxy.cfg).
userlist operators
    user $OPERATOR_USER password $(<"$SECRETS_DIR/operator-password.sha512crypt")
CFG
  render alert-webhook-url <"$SECRETS_DIR/alert-webhook-url"
  # Public, but mounted like the rest: the CA every agent verifies the servers with.
  render consul-ca.pem <"$SECRETS_DIR/tls/consul-agent-ca.pem"
  render consul-server.pem <"$SECRETS_DIR/tls/dc1-server-consul-0.pem"
}

main() {
  local print=false
  while (($#)); do
    case $1 in
      --print-operator-password) print=true ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; echo "ERROR: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
  done
  [[ $EUID -eq 0 ]] || die "run as root: the secrets are root-only files"
  command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
  docker image inspect "$CONSUL_IMAGE" >/dev/null 2>&1 || die "$CONSUL_IMAGE missing: run deploy/setup.sh"
  install -d -m 700 "$SECRETS_DIR"
  generate
  render_all
  if $print; then cat "$SECRETS_DIR/operator-password"; echo; fi
}

main "$@"
