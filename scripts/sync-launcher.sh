#!/usr/bin/env bash
# Copies the one launcher (okra-runner/bin/okra-runner), the extra-args splitter (ci/okra-args.sh) and
# the pinned runner SHA-256s (ci/okra-runner.sha256) to the front-ends that cannot read them from this
# repository: the Jenkins library's resources/ (Jenkins reads only the library's directory) and the
# GitLab template (a job sees only the template), as the heredocs between its `cat > .okra-bin/FILE`
# lines. LauncherCopiesTest fails when a copy differs; run this after editing any of the three.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=okra-jenkins-plugin/resources/co/mumo/okra/jenkins
cp okra-runner/bin/okra-runner "$lib/okra-runner"
cp ci/okra-runner.sha256 "$lib/okra-runner.sha256"
python3 - <<'PY'
import re
path = "examples/gitlab/okra.gitlab-ci.yml"
sources = {"okra-runner": "okra-runner/bin/okra-runner", "okra-args.sh": "ci/okra-args.sh",
           "okra-runner.sha256": "ci/okra-runner.sha256"}
text = open(path).read()
for name, source in sources.items():
    pattern = re.compile(r"(?m)^( *)cat > \.okra-bin/" + re.escape(name) + r" <<'(\w+)'\n(.*?)^\1\2$", re.S)
    m = pattern.search(text)
    if not m:
        raise SystemExit(f"{path}: no `cat > .okra-bin/{name} <<'TAG'` heredoc")
    indent, tag = m.group(1), m.group(2)
    body = "".join(indent + line if line.strip() else line for line in open(source).read().splitlines(True))
    text = text[:m.start(3)] + body + text[m.end(3):]
open(path, "w").write(text)
PY
echo "copied the launcher, okra-args.sh and the pins to $lib and examples/gitlab/okra.gitlab-ci.yml"
