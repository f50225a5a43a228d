#!/usr/bin/env bash
# Pins a release jar: adds `SHA256  okra-runner-VERSION.jar` to ci/okra-runner.sha256 and copies the
# pins to the front-ends (scripts/sync-launcher.sh). Run it on the jar that was deployed, before the tag.
#   scripts/pin-release.sh 0.1.0 okra-runner/target/okra-runner.jar
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/pin-release.sh VERSION JAR}
jar=${2:?usage: scripts/pin-release.sh VERSION JAR}
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || { echo "not a version: $version" >&2; exit 2; }
name="okra-runner-$version.jar"
if grep -q "  $name\$" ci/okra-runner.sha256; then echo "$name is pinned already" >&2; exit 2; fi
echo "$(sha256sum "$jar" | cut -d ' ' -f 1)  $name" >> ci/okra-runner.sha256
scripts/sync-launcher.sh
