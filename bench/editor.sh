#!/usr/bin/env bash
# The credentials-file editor at scale (issue 13): bench/editor.sh [N]  (default N=50000)
# 1. one `upsert` of N sections into an empty credentials file;
# 2. one `upsert` replacing a single section of the resulting file (about 22 MB for 50,000).
# Each runs in its own JVM under /usr/bin/time for wall time and peak RSS. Targets: (1) under 10 s,
# (2) under 1 s and 100 MB. Measures, never asserts. Prints a table and writes bench/results/editor-<UTC>.md.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$here"
n="${1:-50000}"
command -v /usr/bin/time >/dev/null || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
scratch="$(mktemp -d)"; trap 'rm -rf "$scratch"' EXIT
# The command's runnable jar holds core and its dependencies; build it only if missing.
[ -f stsfleet-cli/target/stsfleet.jar ] || flock /tmp/stsfleet-mvn.lock mvn -o -B -q package -DskipTests
cp="stsfleet-cli/target/stsfleet.jar"
javac -d "$scratch/bench" -cp "$cp" bench/EditorBench.java
run() { # label, args...
  local label="$1"; shift
  /usr/bin/time -f 'rss_kb=%M wall=%e' -o "$scratch/time" java -Xmx1g -cp "$scratch/bench:$cp" EditorBench "$@" >"$scratch/out"
  printf '| %s | %s | %s |\n' "$label" "$(sed 's/seconds=\([0-9.]*\).*/\1 s/' "$scratch/out")" \
    "$(awk -F'[= ]' '{printf "%.0f MB", $2/1024}' "$scratch/time")"
}
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p bench/results
{
  echo "# credentials-file editor, $n sections ($stamp, $(nproc) cores, $(java -version 2>&1 | head -1))"
  echo
  echo "| measurement | editor time | peak RSS (whole JVM) |"
  echo "| --- | --- | --- |"
  run "upsert $n sections into an empty file" all "$scratch/credentials" "$n"
  echo "file size: $(du -m "$scratch/credentials" | cut -f1) MB" >&2
  run "replace 1 section in the $(du -m "$scratch/credentials" | cut -f1) MB file" one "$scratch/credentials"
} | tee "bench/results/editor-$stamp.md"
