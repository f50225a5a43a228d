#!/usr/bin/env bash
# The benchmark (not a test): reconcile passes over 1..1000 Cells on 1..50 listeners against moto and
# a real kube-apiserver, discovery passes over 1..50 EKS clusters, plus the runner jar's start-up.
# Prints a table, writes JSON for comparisons.
#   scripts/bench.sh                                  # the full matrix (several minutes)
#   scripts/bench.sh --cells 1,10 --listeners 1 --repeat 3
#   scripts/bench.sh --scenarios discovery --clusters 1,10,50 --repeat 5
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/moto.sh install >/dev/null
scripts/kube-binaries.sh >/dev/null
mvn -q -B -ntp install -DskipTests
args=("$@")
[[ " ${args[*]} " == *" --runner-jar "* ]] || args+=(--runner-jar "$PWD/okra-runner/target/okra-runner.jar")
[[ " ${args[*]} " == *" --json "* ]] || args+=(--json "$PWD/okra-bench/target/bench.json")
exec mvn -q -B -ntp -pl okra-bench exec:java -Dexec.args="${args[*]}"
