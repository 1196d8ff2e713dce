# Names for the stack's configs and secrets (sourced by deploy/up.sh and deploy/cluster.sh).
# Sourced before deploy/lib/stack.sh (deploy_stack uses it).
# Docker configs and secrets are immutable: deploy/docker-stack.yml names each one
# "<name>-${<NAME>_VERSION:-v1}" next to its "file:"; this exports every such *_VERSION as a hash
# of that file, so a changed file becomes a new config or secret (and its services roll). The
# stack file is the only list: a *_VERSION without a file next to it stops with an error.

export_file_versions() {
  local var file path hash
  while read -r var file; do
    [[ -n $file ]] || die "$STACK_FILE: ${var} has no 'file:' on the next line"
    path=$(eval "echo \"$file\"")                      # ${SECRETS_DIR...} from the environment
    [[ $path == /* ]] || path=$REPO_ROOT/deploy/$path  # relative to the stack file
    [[ -r $path ]] || die "$STACK_FILE: $var: cannot read $path"
    hash=$(sha256sum "$path" | cut -c1-12)
    export "$var=$hash"
  done < <(awk '
    match($0, /[$][{][A-Z_]+_VERSION:-v1[}]/) { var = substr($0, RSTART + 2, RLENGTH - 7); getline
      if ($1 == "file:") { sub(/^ *file: */, ""); print var, $0 } else print var }' "$STACK_FILE")
}
