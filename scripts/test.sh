#!/usr/bin/env bash
# The project's test command (README, CI): installs what the integration tests need, then runs
# every unit and integration test. Idempotent: the second run reuses the installed tools.
#   moto (AWS emulator, from PyPI)       -> ~/.cache/okra/moto-venv
#   kube-apiserver, etcd, kubectl (Go)    -> ~/.cache/okra/kube   (first build ~4 min on 2 cores)
#   prometheus (Debian package)           -> /usr/bin/prometheus  (for PrometheusProviderIT)
#   argo-oracle (Go, Argo Rollouts' code) -> ~/.cache/okra/argo-oracle (for ArgoOracleDifferentialTest)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing moto (AWS emulator)"
scripts/moto.sh install
echo "== building or reusing kube-apiserver, etcd and kubectl"
scripts/kube-binaries.sh
echo "== installing or reusing prometheus"
scripts/prometheus.sh
echo "== building or reusing the Argo Rollouts oracle"
scripts/argo-oracle.sh >/dev/null
echo "== mvn verify"
exec mvn -B -ntp verify "$@"
