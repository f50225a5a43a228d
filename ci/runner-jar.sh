#!/usr/bin/env bash
# The GitHub Action's "get the runner" step: writes jar=PATH and sha256=PIN to $GITHUB_OUTPUT. First
# match wins: the runner-jar input, $OKRA_RUNNER_JAR, runner-version 'source' (built from the action's
# checkout), else the release co.mumo.okra:okra-runner:VERSION from Maven Central, kept in the user's
# own cache (~/.cache/okra/jars, which action.yml keeps with actions/cache). A release is pinned: its
# SHA-256 is the runner-sha256 input, else its line in ci/okra-runner.sha256; a cached jar that is not
# the pinned one is downloaded again, a download that is not is refused. The launcher checks the pin
# again on every start. A local jar is checked only when runner-sha256 is given.
set -euo pipefail

annotate() { # LEVEL MESSAGE: a workflow command; %, CR and LF would end or break it.
  local m=${2//%/%25}
  m=${m//$'\r'/%0D}
  echo "::$1 title=Okra::${m//$'\n'/%0A}"
}
sha256() {
  if command -v sha256sum > /dev/null; then sha256sum "$1" | cut -d ' ' -f 1; else shasum -a 256 "$1" | cut -d ' ' -f 1; fi
}

version="${OKRA_RUNNER_VERSION:-}"
sha=$(printf '%s' "${OKRA_RUNNER_SHA256_INPUT:-}" | tr 'A-F' 'a-f')
if [ -n "$sha" ] && ! [[ "$sha" =~ ^[0-9a-f]{64}$ ]]; then
  annotate error "runner-sha256 '$sha' is not a SHA-256 (64 hexadecimal digits, as sha256sum prints it)"
  exit 2
fi
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
    annotate error "runner-version '$version' is not a version (or 'source')"
    exit 2
  fi
  name="okra-runner-$version.jar"
  if [ -z "$sha" ]; then
    pins="${OKRA_RUNNER_PINS:-${GITHUB_ACTION_PATH:?}/ci/okra-runner.sha256}"
    sha=$(awk -v name="$name" '$2 == name { print $1 }' "$pins")
  fi
  if [ -z "$sha" ]; then
    annotate error "no pinned SHA-256 for okra-runner $version in ci/okra-runner.sha256: set runner-sha256 to the SHA-256 of the release jar you trust, or use runner-jar"
    exit 2
  fi
  repo="${OKRA_MAVEN_REPOSITORY:-https://repo1.maven.org/maven2}"
  url="${repo%/}/co/mumo/okra/okra-runner/$version/$name"
  dir="${OKRA_CACHE:-${XDG_CACHE_HOME:-${HOME:?}/.cache}/okra}/jars"
  jar="$dir/$name"
  if [ -s "$jar" ] && [ "$(sha256 "$jar")" != "$sha" ]; then
    annotate warning "the cached $jar is not the pinned okra-runner $version (a corrupted or tampered cache): downloading it again"
    rm -f "$jar"
  fi
  if [ ! -s "$jar" ]; then
    (umask 077 && mkdir -p "$dir")
    if ! curl -fsSL --retry 3 -o "$jar.part" "$url"; then
      annotate error "could not download okra-runner $version from $url; set runner-jar, or runner-version: source"
      exit 1
    fi
    got=$(sha256 "$jar.part")
    if [ "$got" != "$sha" ]; then
      rm -f "$jar.part"
      annotate error "refusing okra-runner $version from $url: its SHA-256 is $got, not the pinned $sha"
      exit 2
    fi
    mv "$jar.part" "$jar"
  fi
fi
if [ ! -s "$jar" ]; then
  annotate error "okra-runner jar not found: $jar"
  exit 2
fi
{ echo "jar=$jar"; echo "sha256=$sha"; } >> "${GITHUB_OUTPUT:-/dev/stdout}"
