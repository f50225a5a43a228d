#!/usr/bin/env bash
# The GitHub Action's "run" step. Inputs arrive as OKRA_* environment variables (see action.yml). The
# runner's output is folded into a log group and kept; `okra-runner report` turns it into the job
# summary, the step outputs and an ::error:: (or ::warning::) annotation. The runner starts through
# okra-runner/bin/okra-runner (AppCDS archive in $OKRA_CACHE, C1 only; OKRA_CDS=off: no archive).
set -uo pipefail
launcher="$(cd "$(dirname "$0")/.." && pwd)/okra-runner/bin/okra-runner"
okra() { OKRA_RUNNER_JAR="${OKRA_JAR:?}" sh "$launcher" "$@"; }

read -r -a command <<< "${OKRA_COMMAND:-reconcile}"
extra=()
if [ -n "${OKRA_EXTRA_ARGS:-}" ]; then
  # xargs splits like a shell (quotes, backslashes) but never runs what it reads, unlike eval.
  while IFS= read -r -d '' word; do extra+=("$word"); done < <(printf '%s' "$OKRA_EXTRA_ARGS" | xargs printf '%s\0')
fi
args=()
reconcile=false
if [ "${command[0]}" = reconcile ]; then
  reconcile=true
  if [ -n "${OKRA_CELL:-}" ]; then args+=(--cell "$OKRA_CELL"); fi
  if [ "${OKRA_WAIT:-true}" = true ]; then args+=(--wait --timeout "${OKRA_TIMEOUT:-30m}"); fi
  args+=(-o json)
fi
if [ -n "${OKRA_NAMESPACE:-}" ]; then args+=(--namespace "$OKRA_NAMESPACE"); fi

log="${RUNNER_TEMP:-/tmp}/okra-${GITHUB_RUN_ID:-local}-$$.jsonl"
# ${a[@]+"${a[@]}"}: an empty array under set -u, also on the bash 3.2 of macOS.
echo "::group::okra-runner ${command[*]} ${args[*]+${args[*]}} ${extra[*]+${extra[*]}}"
okra "${command[@]}" ${args[@]+"${args[@]}"} ${extra[@]+"${extra[@]}"} 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "::endgroup::"

if [ "$reconcile" = true ]; then
  okra report --input "$log" --exit-code "$rc" --annotations github \
    --markdown "${GITHUB_STEP_SUMMARY:-/dev/null}" --outputs "${GITHUB_OUTPUT:-/dev/null}"
else
  echo "exit-code=$rc" >> "${GITHUB_OUTPUT:-/dev/null}"
  if [ "$rc" -ne 0 ]; then echo "::error title=Okra::okra-runner ${command[*]} exited with $rc"; fi
fi
if [ "$rc" -eq 5 ] && [ "${OKRA_ON_PAUSE:-warn}" = warn ]; then
  exit 0
fi
exit "$rc"
