#!/usr/bin/env bash
# Installs and runs moto's standalone server, the fake AWS that Okra's
# integration tests talk to (ELBv2, EC2).
#
#   scripts/moto.sh install     create/refresh the venv with the pinned moto[server];
#                               prints the moto_server path (last line of stdout)
#   scripts/moto.sh path        prints the moto_server path (fails if not installed)
#   scripts/moto.sh start PORT  runs moto_server on 127.0.0.1:PORT in the foreground
#                               (installs first if needed); for manual poking
#
# Idempotent: `install` returns at once when the venv already has the pinned
# version with the server extras importable.
#
# stdout: only the binary path, so  MOTO=$(scripts/moto.sh install)
# stderr: progress.
#
# Environment overrides:
#   OKRA_MOTO_VENV     venv directory (default $HOME/.cache/okra/moto-venv);
#                      the Java tests read the same variable
#   OKRA_MOTO_VERSION  moto version to pin (default below)
#   OKRA_PYTHON        interpreter that creates the venv (default python3)
#   PIP_INDEX_URL etc. as usual for pip
set -euo pipefail

MOTO_VERSION="${OKRA_MOTO_VERSION:-5.1.22}"
VENV="${OKRA_MOTO_VENV:-$HOME/.cache/okra/moto-venv}"
PYTHON="${OKRA_PYTHON:-python3}"
SERVER="$VENV/bin/moto_server"

log() { printf '[moto] %s\n' "$*" >&2; }
die() { printf '[moto] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# True when the venv has exactly the pinned moto and the server's own
# dependencies (flask comes only with the [server] extra).
installed() {
  [[ -x "$SERVER" && -x "$VENV/bin/python" ]] || return 1
  "$VENV/bin/python" - "$MOTO_VERSION" <<'PY' 2>/dev/null
import sys, importlib.metadata as m
import flask, flask_cors  # noqa: F401  (the [server] extra)
sys.exit(0 if m.version("moto") == sys.argv[1] else 1)
PY
}

require_python() {
  command -v "$PYTHON" >/dev/null 2>&1 \
    || die "'$PYTHON' not found on PATH. Install Python >= 3.9 (e.g. apt-get install python3 python3-venv) or set OKRA_PYTHON; it is needed to run moto, the fake AWS used by the integration tests."
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
    || die "moto $MOTO_VERSION needs Python >= 3.9; '$PYTHON' is $("$PYTHON" -V 2>&1)"
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null \
    || die "'$PYTHON' has no venv/ensurepip module (on Debian/Ubuntu: apt-get install python3-venv)"
}

install() {
  if installed; then
    log "moto $MOTO_VERSION present in $VENV"
    echo "$SERVER"
    return
  fi
  require_python
  mkdir -p "$(dirname "$VENV")"
  # Serialise concurrent installs (two Maven modules, two terminals).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$VENV.lock"
    flock 9
    if installed; then
      log "moto $MOTO_VERSION was installed by another run"
      echo "$SERVER"
      return
    fi
  fi
  # --clear: a venv left by an older interpreter or a broken install is rebuilt
  # rather than patched.
  log "creating venv $VENV with $("$PYTHON" -V 2>&1)"
  "$PYTHON" -m venv --clear "$VENV"
  log "installing moto[server]==$MOTO_VERSION"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  installed || die "moto $MOTO_VERSION did not install correctly into $VENV"
  log "installed moto $MOTO_VERSION"
  echo "$SERVER"
}

path() {
  installed || die "moto $MOTO_VERSION is not installed in $VENV: run scripts/moto.sh install"
  echo "$SERVER"
}

start() {
  local port="${1:-}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "usage: scripts/moto.sh start PORT"
  install >/dev/null
  log "moto_server on http://127.0.0.1:$port (Ctrl-C to stop)"
  exec "$SERVER" -H 127.0.0.1 -p "$port"
}

case "${1:-}" in
  install) install ;;
  path)    path ;;
  start)   shift; start "$@" ;;
  *)       usage ;;
esac
