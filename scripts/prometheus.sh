#!/usr/bin/env bash
# Installs a real Prometheus server for PrometheusProviderIT (Okra's prometheus analysis provider):
# Debian's `prometheus` package, /usr/bin/prometheus. Idempotent: exits at once when a binary is there
# ($OKRA_PROMETHEUS, or /usr/bin/prometheus). The package's service is not started (the test starts
# its own server on a free loopback port).
set -euo pipefail

binary="${OKRA_PROMETHEUS:-/usr/bin/prometheus}"
if [[ -x "$binary" ]]; then
  "$binary" --version 2>&1 | head -1 >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "prometheus.sh: no apt-get here: install Prometheus 2.x and set OKRA_PROMETHEUS to its binary" >&2
  exit 1
fi
sudo=""
if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
echo "installing prometheus (Debian package)" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >&2
/usr/bin/prometheus --version 2>&1 | head -1 >&2
