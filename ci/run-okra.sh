#!/usr/bin/env bash
# The GitHub Action's "run" step. Inputs arrive as OKRA_* environment variables (see action.yml). The
# runner starts through the one launcher, okra-runner/bin/okra-runner (the pinned SHA-256 checked on
# every start; a start-up archive in the user's cache unless OKRA_CDS=off). Its output is folded into
# a log group and kept; `okra-runner report` turns it into the job summary, the step outputs and an
# ::error:: (or ::warning::) annotation.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
launcher="$here/../okra-runner/bin/okra-runner"
# shellcheck source=ci/okra-args.sh
. "$here/okra-args.sh"
okra() { OKRA_RUNNER_JAR="${OKRA_JAR:?}" sh "$launcher" "$@"; }
annotate() { # LEVEL MESSAGE: a workflow command; %, CR and LF would end or break it.
  local m=${2//%/%25}
  m=${m//$'\r'/%0D}
  echo "::$1 title=Okra::${m//$'\n'/%0A}"
}

read -r -a command <<< "${OKRA_COMMAND:-reconcile}"
# extra-args is split as a shell splits a command line, without running or expanding anything.
if ! quoted=$(okra_quote_args "${OKRA_EXTRA_ARGS:-}" 2>&1); then
  annotate error "extra-args: $quoted. Quote as in a shell: --context 'my context' --verbose"
  echo "exit-code=2" >> "${GITHUB_OUTPUT:-/dev/null}"
  exit 2
fi
eval "extra=($quoted)"
args=()
reconcile=false
if [ "${command[0]}" = reconcile ]; then
  reconcile=true
  if [ -n "${OKRA_CELL:-}" ]; then args+=(--cell "$OKRA_CELL"); fi
  if [ "${OKRA_WAIT:-true}" = true ]; then args+=(--wait --timeout "${OKRA_TIMEOUT:-30m}"); fi
  args+=(-o json)
elif [ "${command[0]}" = cell ] && [ -n "${OKRA_CELL:-}" ]; then
  args+=("$OKRA_CELL")
fi
if [ -n "${OKRA_NAMESPACE:-}" ]; then args+=(--namespace "$OKRA_NAMESPACE"); fi

log="${RUNNER_TEMP:-/tmp}/okra-${GITHUB_RUN_ID:-local}-$$.jsonl"
# ${a[@]+"${a[@]}"}: an empty array under set -u, also on the bash 3.2 of macOS.
echo "::group::okra-runner ${command[*]} ${args[*]+${args[*]}} ${extra[*]+${extra[*]}}"
okra "${command[@]}" ${args[@]+"${args[@]}"} ${extra[@]+"${extra[@]}"} 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "::endgroup::"

if [ "$reconcile" = true ]; then
  if ! okra report --input "$log" --exit-code "$rc" --annotations github \
      --markdown "${GITHUB_STEP_SUMMARY:-/dev/null}" --outputs "${GITHUB_OUTPUT:-/dev/null}" 2> "$log.report"; then
    # No report: the launcher refused the jar, or the JVM could not start. Its own words say why.
    why=$(grep -h '^okra-runner: ' "$log.report" "$log" | tail -n 1)
    annotate error "${why:-okra-runner exited with $rc; see the log}"
    echo "exit-code=$rc" >> "${GITHUB_OUTPUT:-/dev/null}"
  fi
else
  echo "exit-code=$rc" >> "${GITHUB_OUTPUT:-/dev/null}"
  if [ "$rc" -ne 0 ]; then annotate error "okra-runner ${command[*]} exited with $rc"; fi
fi
if [ "$rc" -eq 5 ] && [ "${OKRA_ON_PAUSE:-warn}" = warn ]; then
  exit 0
fi
exit "$rc"
