#!/usr/bin/env bash
# Smoke test for the binaries from scripts/kube-binaries.sh: starts etcd and
# kube-apiserver on loopback (random free ports, temp dir, openssl-made certs,
# client-cert admin in system:masters, RBAC), writes a kubeconfig, talks to it
# with kubectl, then stops both and removes everything. Nothing leaves 127.0.0.1.
#
# Usage: scripts/kube-smoke.sh        (builds the binaries first if missing)
# Env:   KEEP_SMOKE_DIR=1 keeps the temp dir (logs, certs, kubeconfig) for inspection
#        SMOKE_READY_TIMEOUT seconds to wait for readiness (default 90)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
READY_TIMEOUT="${SMOKE_READY_TIMEOUT:-90}"

log() { printf '[kube-smoke] %s\n' "$*" >&2; }

BIN_DIR="$("$HERE/kube-binaries.sh")"
ETCD="$BIN_DIR/etcd"
APISERVER="$BIN_DIR/kube-apiserver"
KUBECTL="$BIN_DIR/kubectl"
command -v openssl >/dev/null || { log "openssl is required"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/okra-kube-smoke.XXXXXX")"
ETCD_PID="" APISERVER_PID=""

stop_pid() { # pid name
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 10s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$APISERVER_PID" kube-apiserver
  stop_pid "$ETCD_PID" etcd
  if [[ $rc -ne 0 ]]; then
    log "FAILED (rc=$rc); last log lines:"
    for f in "$WORK"/etcd.log "$WORK"/apiserver.log; do
      [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 25 "$f" >&2; }
    done
  fi
  if [[ "${KEEP_SMOKE_DIR:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return; }
  done
}
ETCD_PORT="$(free_port)"; PEER_PORT="$(free_port)"; API_PORT="$(free_port)"
while [[ "$PEER_PORT" == "$ETCD_PORT" ]]; do PEER_PORT="$(free_port)"; done
while [[ "$API_PORT" == "$ETCD_PORT" || "$API_PORT" == "$PEER_PORT" ]]; do API_PORT="$(free_port)"; done

# --- certificates ------------------------------------------------------------------
PKI="$WORK/pki"; mkdir -p "$PKI"
(
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
    -subj "/CN=okra-smoke-ca" 2>/dev/null
  # serving cert for the API server (loopback + in-cluster names)
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
    -subj "/CN=kube-apiserver" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1\nextendedKeyUsage=serverAuth\n' > apiserver.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile apiserver.ext -out apiserver.crt 2>/dev/null
  # admin client cert: O=system:masters is bound to cluster-admin by RBAC bootstrap policy
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
    -subj "/O=system:masters/CN=okra-admin" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > admin.ext
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile admin.ext -out admin.crt 2>/dev/null
  # service-account token signing key pair
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
)

# --- etcd --------------------------------------------------------------------------
ETCD_ARGS=(
  --name=default
  --data-dir="$WORK/etcd-data"
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT"
  --advertise-client-urls="http://127.0.0.1:$ETCD_PORT"
  --listen-peer-urls="http://127.0.0.1:$PEER_PORT"
  --initial-advertise-peer-urls="http://127.0.0.1:$PEER_PORT"
  --initial-cluster="default=http://127.0.0.1:$PEER_PORT"
  --unsafe-no-fsync=true
  --log-level=warn
)
log "starting etcd on 127.0.0.1:$ETCD_PORT"
"$ETCD" "${ETCD_ARGS[@]}" >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!

deadline=$(( SECONDS + READY_TIMEOUT ))
until curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; do
  kill -0 "$ETCD_PID" 2>/dev/null || { log "etcd exited"; exit 1; }
  (( SECONDS < deadline )) || { log "etcd not healthy after ${READY_TIMEOUT}s"; exit 1; }
  sleep 0.3
done
log "etcd healthy"

# --- kube-apiserver ------------------------------------------------------------------
APISERVER_ARGS=(
  --bind-address=127.0.0.1
  --advertise-address=127.0.0.1
  --secure-port="$API_PORT"
  --etcd-servers="http://127.0.0.1:$ETCD_PORT"
  --cert-dir="$WORK/apiserver-certs"
  --tls-cert-file="$PKI/apiserver.crt"
  --tls-private-key-file="$PKI/apiserver.key"
  --client-ca-file="$PKI/ca.crt"
  --authorization-mode=RBAC
  --service-account-issuer=https://kubernetes.default.svc.cluster.local
  --service-account-key-file="$PKI/sa.pub"
  --service-account-signing-key-file="$PKI/sa.key"
  --service-cluster-ip-range=10.0.0.0/24
  --disable-admission-plugins=ServiceAccount
  --allow-privileged=true
  --profiling=false
)
log "starting kube-apiserver on https://127.0.0.1:$API_PORT"
"$APISERVER" "${APISERVER_ARGS[@]}" >"$WORK/apiserver.log" 2>&1 &
APISERVER_PID=$!

# --- kubeconfig ------------------------------------------------------------------------
export KUBECONFIG="$WORK/kubeconfig"
"$KUBECTL" config set-cluster okra-smoke --server="https://127.0.0.1:$API_PORT" \
  --certificate-authority="$PKI/ca.crt" --embed-certs=true >/dev/null
"$KUBECTL" config set-credentials okra-admin --client-certificate="$PKI/admin.crt" \
  --client-key="$PKI/admin.key" --embed-certs=true >/dev/null
"$KUBECTL" config set-context okra-smoke --cluster=okra-smoke --user=okra-admin >/dev/null
"$KUBECTL" config use-context okra-smoke >/dev/null
k() { "$KUBECTL" --request-timeout=10s "$@"; }

start=$SECONDS
deadline=$(( SECONDS + READY_TIMEOUT ))
until k get --raw /readyz >/dev/null 2>&1; do
  kill -0 "$APISERVER_PID" 2>/dev/null || { log "kube-apiserver exited"; exit 1; }
  (( SECONDS < deadline )) || { log "kube-apiserver not ready after ${READY_TIMEOUT}s"; k get --raw '/readyz?verbose' >&2 || true; exit 1; }
  sleep 0.5
done
# the default namespace is created by a post-start hook shortly after /readyz
until k get ns default >/dev/null 2>&1; do
  (( SECONDS < deadline )) || { log "namespace default missing after ${READY_TIMEOUT}s"; exit 1; }
  sleep 0.5
done
log "kube-apiserver ready after $((SECONDS - start))s"

echo "== versions"
k version
"$ETCD" --version | head -1
echo "== kubectl get --raw /readyz"
k get --raw /readyz; echo
echo "== kubectl api-resources | head"
k api-resources >"$WORK/api-resources.txt"   # not piped: head would SIGPIPE kubectl under pipefail
head "$WORK/api-resources.txt"
echo "($(($(wc -l <"$WORK/api-resources.txt") - 1)) resource types)"
echo "== RBAC: can okra-admin do everything? / can an anonymous service account list pods?"
k auth can-i '*' '*'
k auth can-i list pods --as=system:serviceaccount:default:nobody || true
echo "== write/read round trip through etcd"
k create configmap okra-smoke --from-literal=hello=world >/dev/null
k get configmap okra-smoke -o jsonpath='{.data.hello}'; echo
k delete configmap okra-smoke --wait=true >/dev/null
echo "SMOKE OK"
