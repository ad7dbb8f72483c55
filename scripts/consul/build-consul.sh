#!/usr/bin/env bash
# Build the HashiCorp Consul agent (v1.16.3, the last MPL-2.0 release) from the
# Go module proxy and cache the binary outside the repo.
#
#   cache dir: ${MESHINFER_CONSUL_CACHE:-$HOME/.cache/meshinfer/consul/1.16.3}
#   binary:    <cache>/consul
#
# On success the binary path is printed on stdout as the last line; progress
# goes to stderr. Needs a Go toolchain and the default GOPROXY; no git, no GitHub.
set -euo pipefail

# Pinned on purpose: 1.15.10, 1.16.6 and 1.17+ are under the Business Source License.
CONSUL_MOD=github.com/hashicorp/consul
CONSUL_VERSION=v1.16.3

cache="${MESHINFER_CONSUL_CACHE:-$HOME/.cache/meshinfer/consul/1.16.3}"
bin="$cache/consul"

log() { echo "build-consul: $*" >&2; }
# Captured whole first: with pipefail, "| head -n1" could kill consul with SIGPIPE and fail the check.
is_pinned() {
  [ -x "$1" ] || return 1
  local v
  v="$("$1" version 2>/dev/null)" || return 1
  [ "${v%%$'\n'*}" = "Consul $CONSUL_VERSION" ]
}

if is_pinned "$bin"; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  export PATH="$PATH:/usr/local/go/bin"
fi
command -v go >/dev/null 2>&1 || { log "error: no Go toolchain found (install Go or put it on PATH)"; exit 1; }

mkdir -p "$cache"
work="$(mktemp -d -p "$cache")"
trap 'rm -rf "$work"' EXIT
cd "$work"

log "building Consul $CONSUL_VERSION into $cache (takes a few minutes the first time; ~3 GB module cache)"

# Fetch the released module itself: its Dir holds LICENSE and the release's go.sum.
moddir="$(go mod download -json "$CONSUL_MOD@$CONSUL_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -n "$moddir" ] && [ -f "$moddir/LICENSE" ] || { log "error: could not download $CONSUL_MOD@$CONSUL_VERSION"; exit 1; }

# Refuse anything that is not MPL-2.0 (BSL releases must never be built here).
if ! grep -qiE 'Mozilla Public License,? version 2\.0' "$moddir/LICENSE" \
   || grep -qi 'Business Source License' "$moddir/LICENSE"; then
  log "error: $moddir/LICENSE is not the Mozilla Public License 2.0; refusing to build"
  exit 1
fi
log "license check passed: MPL-2.0"

# Wrapper module. The exclude lines are copied from consul v1.16.3's own go.mod;
# excludes only apply in the main module, so they must be repeated here.
cat > go.mod <<GOMOD
module meshinfer.local/consulbuild

go 1.20

require $CONSUL_MOD $CONSUL_VERSION

exclude (
	github.com/hashicorp/go-msgpack v1.1.5
	github.com/hashicorp/go-msgpack v1.1.6
)
GOMOD

cat > tools.go <<'GOSRC'
//go:build tools

package tools

import _ "github.com/hashicorp/consul"
GOSRC

# Seed go.sum with the release's own go.sum: some of consul's dependencies are
# not in the public checksum database, so their hashes must come from here.
cat "$moddir/go.sum" > go.sum

# The envoyextensions submodule version consul 1.16.3 pins is not in
# sum.golang.org; its hash is already in the copied go.sum, so skip the lookup.
log "resolving dependencies (go mod tidy)"
GONOSUMDB=github.com/hashicorp/consul/envoyextensions go mod tidy

log "compiling (go build)"
CGO_ENABLED=0 go build -o "$work/consul" "$CONSUL_MOD"

is_pinned "$work/consul" || { log "error: built binary does not report Consul $CONSUL_VERSION"; exit 1; }
mv -f "$work/consul" "$bin"
log "done: $("$bin" version | head -n1)"
echo "$bin"
