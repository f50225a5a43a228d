#!/usr/bin/env bash
# The GitHub Action's "get the runner" step: writes jar=PATH to $GITHUB_OUTPUT. First match wins:
# the runner-jar input, $OKRA_RUNNER_JAR, runner-version 'source' (built from the action's checkout),
# else the release co.mumo.okra:okra-runner:VERSION from Maven Central, cached in the tool cache and
# checked against the repository's SHA-1. For a release it also writes cds-cache=DIR, beside the jar,
# where the launcher keeps its AppCDS archive (action.yml caches the directory with actions/cache).
set -euo pipefail

version="${OKRA_RUNNER_VERSION:-}"
cds=
if [ -n "${OKRA_RUNNER_JAR_INPUT:-}" ]; then
  jar="$OKRA_RUNNER_JAR_INPUT"
elif [ -n "${OKRA_RUNNER_JAR:-}" ]; then
  jar="$OKRA_RUNNER_JAR"
elif [ "$version" = source ]; then
  root="${GITHUB_ACTION_PATH:?}"
  mvn -B -q -ntp -DskipTests package -f "$root/pom.xml" -pl okra-runner -am
  jar="$root/okra-runner/target/okra-runner.jar"
else
  if ! [[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]]; then
    echo "::error title=Okra::runner-version '$version' is not a version (or 'source')"
    exit 2
  fi
  repo="${OKRA_MAVEN_REPOSITORY:-https://repo1.maven.org/maven2}"
  url="${repo%/}/co/mumo/okra/okra-runner/$version/okra-runner-$version.jar"
  dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/okra-runner/$version"
  jar="$dir/okra-runner-$version.jar"
  cds="$dir/cds"
  if [ ! -s "$jar" ]; then
    mkdir -p "$dir"
    if ! curl -fsSL --retry 3 -o "$jar.part" "$url" || ! curl -fsSL --retry 3 -o "$jar.sha1" "$url.sha1"; then
      echo "::error title=Okra::could not download okra-runner $version from $url; set runner-jar, or runner-version: source"
      exit 1
    fi
    want=$(cut -c1-40 "$jar.sha1")
    got=$( (sha1sum "$jar.part" 2>/dev/null || shasum -a 1 "$jar.part") | cut -c1-40)
    if [ "$want" != "$got" ]; then
      echo "::error title=Okra::the SHA-1 of the downloaded okra-runner does not match the repository's"
      exit 1
    fi
    mv "$jar.part" "$jar"
  fi
fi
if [ ! -s "$jar" ]; then
  echo "::error title=Okra::okra-runner jar not found: $jar"
  exit 1
fi
{ echo "jar=$jar"; echo "cds-cache=$cds"; } >> "${GITHUB_OUTPUT:-/dev/stdout}"
