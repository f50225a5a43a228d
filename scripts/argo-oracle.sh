#!/usr/bin/env bash
# Builds the Argo Rollouts oracle (tools/argo-oracle: Argo Rollouts' own condition evaluator and metric
# providers' JSON handling, at the version pinned in tools/argo-oracle/go.mod) that the differential test
# ArgoOracleDifferentialTest judges Okra's evaluator against. Modules come from the Go module proxy.
#
#   ${OKRA_ARGO_ORACLE:-$HOME/.cache/okra/argo-oracle/argo-oracle}
#
# Idempotent: when the binary there was built from the same sources (go.mod, go.sum, *.go; a stamp beside
# it), it prints the path and exits at once. First build: ~2 min on 2 cores (modules + compile).
# stdout: only the binary's path; stderr: progress.
set -euo pipefail
cd "$(dirname "$0")/../tools/argo-oracle"

binary="${OKRA_ARGO_ORACLE:-$HOME/.cache/okra/argo-oracle/argo-oracle}"
log() { printf '[argo-oracle] %s\n' "$*" >&2; }

sources_hash="$(cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)"
if [[ -x "$binary" && -f "$binary.stamp" && "$(cat "$binary.stamp")" == "$sources_hash" ]]; then
  log "up to date: $("$binary" <<<'{"kind":"version"}')"
  echo "$binary"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "ERROR: 'go' not found on PATH (the project machines have it in /usr/local/go/bin)"; exit 1; }
log "building with $(go env GOVERSION) (GOPROXY=$(go env GOPROXY))"
mkdir -p "$(dirname "$binary")"
exec 9>"$binary.lock"
flock 9
# Never download another toolchain, never edit go.mod/go.sum: the pins are the oracle's identity.
GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$binary.tmp" .
mv "$binary.tmp" "$binary"
echo "$sources_hash" >"$binary.stamp"
log "built: $("$binary" <<<'{"kind":"version"}')"
echo "$binary"
