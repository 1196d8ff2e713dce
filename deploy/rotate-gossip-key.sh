#!/usr/bin/env bash
# Rotates Consul's gossip encryption key while the system serves (issue 11.3), by the procedure
# verified in the Consul security lab: the secret is a key list (primary first) that seeds every
# fresh agent's keyring (consul/with-consul-agent); running agents change keys through Consul's
# keyring API. In order:
#   1. key list [old, new]; redeploy (web rolls, start-first): fresh agents hold both keys
#   2. keyring install new      3. keyring use new (the new key becomes every agent's primary)
#   4. key list [new]; redeploy; wait until no web task has the old list (servers roll as well:
#      their `encrypt` is the primary; a server keeps its own keyring in its data dir)
#   5. keyring use new again (an agent started from the old list after step 3 took old as its
#      primary), then remove every other key
# Resumable: the new key waits in $SECRETS_DIR/gossip-key.next until the rotation is complete;
# running the script again after an interruption carries on with that key. No key is printed or
# passed on a command line: keys go to Consul on stdin, with the keyring-admin token.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/deploy/lib/stack.sh"

KEYS_FILE=$SECRETS_DIR/gossip-keys.json
NEXT_FILE=$SECRETS_DIR/gossip-key.next   # contract: GossipKeyRotationSystemIT.ROTATION_UNDER_WAY

usage() {
  cat <<USAGE
usage: $0 [--timeout SECONDS]
  Rotates the gossip encryption key of the deployed stack '$STACK' without downtime.
  --timeout S   how long each redeploy may take to settle, in seconds (default 600)
  Environment: STACK, SECRETS_DIR; the stack keeps its replicas and its WEB_DELAY_ENABLED and
    EDGE_* settings unless they are set.
USAGE
}

# keyring METHOD [KEY]: Consul's keyring API (/v1/operator/keyring) with the keyring-admin token:
# GET lists, POST installs, PUT makes primary, DELETE removes; the key goes in on stdin. Prints the
# body; fails unless 200. Each call queries every member, and one that answers late fails it with
# "N/M nodes reported success" (the others applied it): the calls are idempotent, so ask again.
keyring() {
  local attempt answer
  for attempt in 1 2 3 4 5 6; do
    answer=$( { [[ -z ${2:-} ]] || printf '{"Key":"%s"}' "$2"; } \
      | docker run --rm -i --user 0 --network "${STACK}_backend" -v "$SECRETS_DIR:/secrets:ro" \
          --entrypoint sh "$CONSUL_IMAGE" -c '
            printf "X-Consul-Token: %s\n" "$(cat /secrets/keyring-admin.token)" >/dev/shm/token
            if [ "$0" = GET ]; then set --; else set -- --data-binary @-; fi
            curl -sS -m 60 -X "$0" -H @/dev/shm/token "$@" -w "\n%{http_code}" \
              http://tasks.consul:8500/v1/operator/keyring' "$1") || answer=$'no answer from Consul\n000'
    [[ ${answer##*$'\n'} == 500 && $answer == *"nodes reported success"* ]] || break
    log "keyring $1: $(grep -o '[0-9]*/[0-9]* nodes reported success' <<<"$answer" | head -n 1); asking again"
    sleep 5
  done
  [[ ${answer##*$'\n'} == 200 ]] || die "keyring $1: Consul answered ${answer##*$'\n'}: ${answer%$'\n'*}"
  printf '%s' "${answer%$'\n'*}"
}

# One line per installed key and pool: POOL KEY AGENTS-WITH-IT AGENTS (Consul's answer is compact
# JSON, one object per pool). For checks only: it holds the keys, never print it.
installed_keys() {
  local json line pool entry entries
  json=$(keyring GET) || return 1
  while read -r line; do
    [[ $line =~ \"WAN\":(true|false).*\"Keys\":\{([^}]*)\}.*\"NumNodes\":([0-9]+) ]] || continue
    pool=LAN; [[ ${BASH_REMATCH[1]} == true ]] && pool=WAN
    local nodes=${BASH_REMATCH[3]}
    IFS=, read -ra entries <<<"${BASH_REMATCH[2]}"
    for entry in "${entries[@]}"; do
      [[ $entry =~ ^\"([^\"]+)\":([0-9]+)$ ]] && echo "$pool ${BASH_REMATCH[1]} ${BASH_REMATCH[2]} $nodes"
    done
  done < <(sed 's/},{"WAN"/}\n{"WAN"/g' <<<"$json")
}

consul_servers() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "${STACK}_consul"; }

# The LAN and WAN pools hold that key and no other, on every agent: every server in both, every
# web agent in the LAN (a pool only counts the members it sees alive).
only_key_installed() {
  local servers pool key count nodes pools=0
  servers=$(consul_servers)
  while read -r pool key count nodes; do
    [[ $key == "$1" && $count == "$nodes" ]] || return 1
    if [[ $pool == WAN ]]; then ((nodes == servers)) || return 1; else ((nodes >= servers + REPLICAS)) || return 1; fi
    pools=$((pools + 1))
  done < <(installed_keys)
  ((pools == 2))
}

write_key_list() {  # KEY... (primary first), root-only
  local tmp; tmp=$(umask 077; mktemp "$KEYS_FILE.XXXX")
  printf '[%s]\n' "$(printf '"%s",' "$@" | sed 's/,$//')" >"$tmp"
  mv "$tmp" "$KEYS_FILE"
}

key_list() { grep -o '"[^"]*"' "$KEYS_FILE" | tr -d '"'; }

# Settings a plain redeploy would reset to their defaults: kept as the running stack has them
# (VARIABLE of deploy/up.sh, its value in the services' environment).
keep_current_settings() {
  local spec name source value
  REPLICAS=$(docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "${STACK}_web")
  spec=$(docker service inspect -f '{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{println .}}{{end}}' \
    "${STACK}_web" "${STACK}_haproxy")
  while read -r name source; do
    [[ -n ${!name:-} ]] && continue
    value=$(sed -n "s/^$source=//p" <<<"$spec" | head -n 1)
    [[ -z $value ]] || export "$name=$value"
  done <<'SETTINGS'
WEB_DELAY_ENABLED APP_WHOAMI_DELAY_ENABLED
EDGE_REQUESTS_PER_10S_PER_CLIENT EDGE_REQUESTS_PER_10S_PER_CLIENT
EDGE_CONNECTIONS_PER_CLIENT EDGE_CONNECTIONS_PER_CLIENT
SETTINGS
}

# The name of the swarm secret that deploy/up.sh makes of the current key list.
expected_secret() { echo "consul-gossip-keys-$(sha256sum "$SECRETS_DIR/rendered/gossip-keys.json" | cut -c1-12)"; }

# Every web task that should run has the current key list (tasks being stopped may still run).
web_tasks_have_current_keys() {
  local expected tasks
  expected=$(expected_secret)
  tasks=$(docker service ps -q --filter desired-state=running "${STACK}_web")
  [[ -n $tasks ]] || return 1
  ! docker inspect -f '{{range .Spec.ContainerSpec.Secrets}}{{.SecretName}} {{end}}' $tasks \
    | grep -v -- " *$expected " | grep -q .
}

# Every Consul server is alive in the LAN and in the WAN pool, at the same address in both. A
# keyring change reaches the live members only, and a server that a redeploy restarted (new
# address) is kept out of the WAN pool by a name conflict with its old entry for 30 s to 2 min
# after it is back in the LAN (measured here); the old entry may still look alive at first.
servers_alive() {
  local lan wan
  lan=$("$REPO_ROOT/deploy/consul.sh" members | awk '$1 ~ /^consul-[0-9]+$/ && $3 == "alive" {
    sub(/:.*/, "", $2); print $1, $2}' | sort) || return 1
  wan=$("$REPO_ROOT/deploy/consul.sh" members -wan | awk '$1 ~ /^consul-[0-9]+\./ && $3 == "alive" {
    sub(/\..*/, "", $1); sub(/:.*/, "", $2); print $1, $2}' | sort) || return 1
  [[ -n $lan && $(wc -l <<<"$lan") == "$(consul_servers)" && $lan == "$wan" ]]
}

# keyring_change METHOD KEY: once every server is alive in both pools.
keyring_change() {
  wait_for "$TIMEOUT" "every Consul server to be alive in the LAN and WAN pools" servers_alive
  keyring "$@" >/dev/null
}

redeploy() {
  log "redeploying with the key list [$1] (web rolls, start-first)"
  "$REPO_ROOT/deploy/up.sh" --replicas "$REPLICAS" --timeout "$TIMEOUT" 2>&1 | sed 's/^/    /' >&2
  ((PIPESTATUS[0] == 0)) || die "deploy/up.sh failed"
  wait_for "$TIMEOUT" "every web task to have the new key list" web_tasks_have_current_keys
}

main() {
  TIMEOUT=600
  while (($#)); do
    case $1 in
      --timeout) needs_value "$@"; TIMEOUT=$2; shift ;;
      -h|--help) usage; exit 0 ;;
      *) bad_args "unknown argument: $1" ;;
    esac
    shift
  done
  positive_int --timeout "$TIMEOUT" "" seconds
  [[ $EUID -eq 0 ]] || die "run as root: the keys are root-only files in $SECRETS_DIR"
  stack_deployed || die "the stack '$STACK' is not deployed (deploy/up.sh)"
  [[ -s $KEYS_FILE && -s $SECRETS_DIR/keyring-admin.token ]] || die "no gossip keys or keyring-admin token in $SECRETS_DIR"
  keep_current_settings

  local new k keys old
  mapfile -t keys < <(key_list)
  if [[ -s $NEXT_FILE ]]; then
    new=$(<"$NEXT_FILE")
    log "resuming the rotation to the key kept in ${NEXT_FILE#"$SECRETS_DIR"/}"
  else
    ((${#keys[@]} == 1)) || die "$KEYS_FILE lists ${#keys[@]} keys and no rotation is under way; expected one key"
    (umask 077; docker run --rm --network none "$CONSUL_IMAGE" keygen >"$NEXT_FILE.tmp") && mv "$NEXT_FILE.tmp" "$NEXT_FILE"
    new=$(<"$NEXT_FILE")
    log "generated a new gossip key (kept in ${NEXT_FILE#"$SECRETS_DIR"/} until the rotation is complete)"
  fi
  old=()
  for k in "${keys[@]}"; do [[ $k == "$new" ]] || old+=("$k"); done

  if ((${#old[@]} > 0)); then
    log "step 1/5: the key list gets the new key (primary still the old one)"
    write_key_list "${old[@]}" "$new"
    redeploy "old, new"
    log "step 2/5: installing the new key on every agent"
    keyring_change POST "$new"
    log "step 3/5: making the new key every agent's primary"
    keyring_change PUT "$new"
    log "step 4/5: the key list keeps only the new key"
    write_key_list "$new"
  else
    log "steps 1-3 done before; step 4/5: making sure no web task has the old key list"
  fi
  # Before any key is removed, every fresh agent must come from the new list (resumed or not).
  redeploy "new"
  log "step 5/5: new key primary again, every other key removed"
  keyring_change PUT "$new"
  local other
  for other in $(installed_keys | awk '{print $2}' | sort -u); do
    [[ $other == "$new" ]] || keyring_change DELETE "$other"
  done
  # A server that the redeploy restarted may take up to 2 min to be back in the WAN pool (above).
  if ! wait_until "$TIMEOUT" only_key_installed "$new"; then
    log "the keys installed now (pool, key, agents with it / agents):"
    local pool key count nodes
    while read -r pool key count nodes; do
      [[ $key == "$new" ]] && key=new || key=other
      log "  $pool $key $count/$nodes"
    done < <(installed_keys || true)
    die "timed out after ${TIMEOUT}s waiting for only the new key to be installed on every agent"
  fi
  rm -f "$NEXT_FILE"
  log "done: the new key is the only one installed, on every agent (LAN and WAN)"
}

main "$@"
