#!/usr/bin/env bash
# Builds real kube-apiserver, kubectl and etcd binaries from source through the
# Go module proxy and installs them in the envtest layout that fabric8's
# kube-api-test reads in offline mode:
#
#   ${OKRA_KUBE_CACHE:-$HOME/.cache/okra/kube}/k8s/<K8S_VERSION without v>-linux-amd64/{etcd,kube-apiserver,kubectl}
#
# Idempotent: if the three binaries are already there and answer --version with
# the pinned versions, it prints the directory and exits 0 at once.
# The first run downloads ~0.8 GB of modules and compiles for ~4 min on 2 cores
# (see docs/kube-apiserver.md); later runs reuse GOMODCACHE/GOCACHE.
#
# stdout: only the binary directory (last line), so  DIR=$(scripts/kube-binaries.sh)
# stderr: progress.
#
# Environment overrides:
#   K8S_VERSION      Kubernetes version (module k8s.io/kubernetes), e.g. v1.34.4
#   ETCD_VERSION     etcd version (module go.etcd.io/etcd/server/v3), e.g. v3.6.16
#   OKRA_KUBE_CACHE  cache root (kube-api-test's withTestDir / KUBE_API_TEST_DIR)
#   GOMODCACHE, GOCACHE, GOPROXY  as usual for go
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
OKRA_KUBE_CACHE="${OKRA_KUBE_CACHE:-$HOME/.cache/okra/kube}"

log() { printf '[kube-binaries] %s\n' "$*" >&2; }
die() { printf '[kube-binaries] ERROR: %s\n' "$*" >&2; exit 1; }

# Normalise versions: accept "1.34.4" or "v1.34.4".
K8S_VERSION="v${K8S_VERSION#v}"
ETCD_VERSION="v${ETCD_VERSION#v}"
[[ "$K8S_VERSION" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "K8S_VERSION must look like v1.Y.Z, got '$K8S_VERSION'"
STAGING_VERSION="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
K8S_MINOR="${BASH_REMATCH[1]}"
[[ "$ETCD_VERSION" =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "ETCD_VERSION must look like v3.Y.Z, got '$ETCD_VERSION'"

case "$(uname -s)" in Linux) OS=linux ;; Darwin) OS=darwin ;; *) die "unsupported OS $(uname -s)" ;; esac
case "$(uname -m)" in x86_64|amd64) ARCH=amd64 ;; aarch64|arm64) ARCH=arm64 ;; ppc64le) ARCH=ppc64le ;; *) die "unsupported arch $(uname -m)" ;; esac

# kube-api-test parses the directory name (minus "-os-arch") with Integer.parseInt
# on each dot-separated part, so the directory must be "1.34.4", not "v1.34.4".
BIN_DIR="$OKRA_KUBE_CACHE/k8s/${K8S_VERSION#v}-$OS-$ARCH"

# --- fast path -------------------------------------------------------------
# (output is captured first: "cmd | grep -q" can fail with SIGPIPE under pipefail)
bin_reports() { # binary expected-line args...
  local bin="$BIN_DIR/$1" want="$2" out; shift 2
  [[ -x "$bin" ]] || return 1
  out="$("$bin" "$@" 2>/dev/null)" || return 1
  grep -qxF -- "$want" <<<"$out"
}
check_apiserver() { bin_reports kube-apiserver "Kubernetes $K8S_VERSION" --version; }
check_kubectl()   { bin_reports kubectl "Client Version: $K8S_VERSION" version --client; }
check_etcd()      { bin_reports etcd "etcd Version: ${ETCD_VERSION#v}" --version; }

if check_apiserver && check_kubectl && check_etcd; then
  log "binaries present: kube-apiserver/kubectl $K8S_VERSION, etcd $ETCD_VERSION"
  echo "$BIN_DIR"
  exit 0
fi

# --- prerequisites -----------------------------------------------------------
command -v go >/dev/null 2>&1 || die "'go' not found on PATH. Install a Go toolchain >= 1.24 (the project machines have it in /usr/local/go/bin) and re-run; it is needed to build kube-apiserver/kubectl/etcd from source."
GO_VERSION="$(go env GOVERSION)"
if [[ "$GO_VERSION" =~ ^go1\.([0-9]+) ]] && (( BASH_REMATCH[1] < 24 )); then
  die "$GO_VERSION is too old; Kubernetes $K8S_VERSION needs Go >= 1.24"
fi
log "using $GO_VERSION, GOMODCACHE=$(go env GOMODCACHE), GOCACHE=$(go env GOCACHE), GOPROXY=$(go env GOPROXY)"

export CGO_ENABLED=0
export GOOS="$OS" GOARCH="$ARCH"
# Never silently download another toolchain; fail with go's message instead.
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

mkdir -p "$OKRA_KUBE_CACHE/k8s"
# Serialise concurrent runs (parallel CI jobs, two terminals).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$OKRA_KUBE_CACHE/.kube-binaries.lock"
  if ! flock -n 9; then
    log "another kube-binaries.sh is building; waiting for it…"
    flock 9
  fi
  if check_apiserver && check_kubectl && check_etcd; then
    log "binaries were built by the other run"
    echo "$BIN_DIR"
    exit 0
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/okra-kube-build.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/out"

# Module .info holds the tag's commit time; use it as a reproducible buildDate.
mod_time() { # module@version -> RFC3339 time
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p' | xargs cat | sed -n 's/.*"Time":"\([^"]*\)".*/\1/p'
}

# --- kube-apiserver + kubectl -------------------------------------------------
build_kube() {
  local targets=("$@")
  log "fetching k8s.io/kubernetes@$K8S_VERSION go.mod…"
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION through $(go env GOPROXY)"

  local godir="$WORK/kube"
  mkdir -p "$godir"
  {
    echo "module okra.invalid/kubebuild"
    echo
    # keep upstream's language version and GODEBUG defaults
    grep -E '^go [0-9]' "$gomod"
    grep -E '^godebug ' "$gomod" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    # staging modules: "k8s.io/foo => ./staging/src/k8s.io/foo" -> "k8s.io/foo => k8s.io/foo v0.Y.Z"
    sed -n -E 's#^[[:space:]]*(k8s\.io/[^[:space:]]+)[[:space:]]+=>[[:space:]]+\./staging/src/.*$#\t\1 => \1 '"$STAGING_VERSION"'#p' "$gomod"
    # any non-local replace of upstream is copied verbatim
    sed -n -E '/^replace[[:space:]]*\(/,/^\)/{ /=>[[:space:]]+\.\.?\//d; /^replace|^\)/d; /=>/p }' "$gomod"
    echo ")"
  } > "$godir/go.mod"
  local n
  n="$(grep -c "=> k8s.io/.* $STAGING_VERSION" "$godir/go.mod" || true)"
  log "wrapper module with $n staging replaces ($STAGING_VERSION)"
  [[ "$n" -gt 0 ]] || die "no staging replace lines found in $gomod"

  local date ld pkg
  date="$(mod_time "k8s.io/kubernetes@$K8S_VERSION")"
  [[ -n "$date" ]] || date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
    ld+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=$date"
  done

  local t cmdpkgs=()
  for t in "${targets[@]}"; do cmdpkgs+=("k8s.io/kubernetes/cmd/$t@$K8S_VERSION"); done
  log "resolving dependencies of ${targets[*]} (downloads modules on first run)…"
  (cd "$godir" && go get "${cmdpkgs[@]}" >&2)

  for t in "${targets[@]}"; do
    local eta="~3 min"
    [[ "$t" == kubectl ]] && eta="~1 min"
    log "building $t $K8S_VERSION (first run only, $eta on 2 cores)…"
    local start=$SECONDS
    (cd "$godir" && go build -mod=mod -trimpath -tags 'selinux,notest,grpcnotrace' \
        -ldflags "$ld" -o "$WORK/out/$t" "k8s.io/kubernetes/cmd/$t")
    log "built $t in $((SECONDS - start))s"
  done
}

# --- etcd ----------------------------------------------------------------------
# Since etcd v3.5 the etcd binary's main package is the root of module
# go.etcd.io/etcd/server/v3 (server/main.go -> etcdmain.Main). That module has
# relative replace directives, so "go install ...@version" refuses it; a wrapper
# module that requires it works (replaces of dependencies are ignored).
build_etcd() {
  local godir="$WORK/etcd"
  mkdir -p "$godir"
  printf 'module okra.invalid/etcdbuild\n\ngo 1.24\n' > "$godir/go.mod"
  log "resolving go.etcd.io/etcd/server/v3@$ETCD_VERSION…"
  (cd "$godir" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2)
  log "building etcd $ETCD_VERSION (first run only, ~1 min on 2 cores)…"
  local start=$SECONDS
  (cd "$godir" && go build -mod=mod -trimpath -ldflags "-s -w" -o "$WORK/out/etcd" go.etcd.io/etcd/server/v3)
  log "built etcd in $((SECONDS - start))s"
}

kube_targets=()
check_apiserver || kube_targets+=(kube-apiserver)
check_kubectl || kube_targets+=(kubectl)
if [[ ${#kube_targets[@]} -gt 0 ]]; then build_kube "${kube_targets[@]}"; fi
check_etcd || build_etcd

# --- install (atomic per file) ---------------------------------------------------
mkdir -p "$BIN_DIR"
for f in "$WORK"/out/*; do
  b="$(basename "$f")"
  install -m 0755 "$f" "$BIN_DIR/.$b.new"
  mv -f "$BIN_DIR/.$b.new" "$BIN_DIR/$b"
done

check_apiserver || die "kube-apiserver at $BIN_DIR does not report $K8S_VERSION: $("$BIN_DIR/kube-apiserver" --version 2>&1 || true)"
check_kubectl || die "kubectl at $BIN_DIR does not report $K8S_VERSION: $("$BIN_DIR/kubectl" version --client 2>&1 || true)"
check_etcd || die "etcd at $BIN_DIR does not report $ETCD_VERSION: $("$BIN_DIR/etcd" --version 2>&1 || true)"
log "installed: $("$BIN_DIR/kube-apiserver" --version), $("$BIN_DIR/kubectl" version --client | head -1), $("$BIN_DIR/etcd" --version | head -1)"
echo "$BIN_DIR"
