#!/usr/bin/env bash
# stsfleet benchmarks (issue 7): bench/run.sh [--quick] [--only 1,2,3,4,5] [--runs N]
# (scenario 5, throttling control, runs only when named in --only: it takes 15-25 minutes)
#
# Builds the CLI jar if needed, starts the local STS sandbox (loopback, free port) and runs every
# scenario, then prints a markdown table and writes bench/results/<UTC date-time>.json and .md.
# Full mode: 5 runs per figure (3 for the 10,000-role memory scenario, 20 for start-up); quick mode:
# 3 runs (1 for memory, 10 for start-up) and a smaller concurrency sweep, about 10 minutes.
# Measures, never asserts: exit 0 unless the harness itself failed. Everything it starts is killed
# and its scratch directory removed on exit, whatever the exit.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$here"

# /usr/bin/time gives CPU time and peak RSS (wait4) per process.
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing GNU time" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null) \
      || { echo "bench: error: could not install GNU time" >&2; exit 2; }
  else
    echo "bench: error: /usr/bin/time is missing (apt-get install time)" >&2; exit 2
  fi
fi
python3 -c 'import boto3' 2>/dev/null || { echo "bench: error: python3 with boto3 is needed for the peers" >&2; exit 2; }
command -v aws >/dev/null || echo "bench: note: no aws CLI on PATH; its rows will be skipped" >&2

# Build once, up front (the launcher builds on first use; timing a build would be meaningless).
echo "bench: building the command if needed..." >&2
"${STSFLEET_BENCH_LAUNCHER:-bin/stsfleet}" --version >/dev/null

work="$(mktemp -d "${TMPDIR:-/tmp}/stsfleet-bench.XXXXXX")"
pidfile="$work/pids"
cleanup() {
  # run.py stops what it starts; this catches anything left if it was killed hard.
  if [ -f "$pidfile" ]; then
    while read -r pid; do
      [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null || true
    done <"$pidfile"
    sleep 1
    while read -r pid; do
      [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null || true
    done <"$pidfile"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 "$here/bench/run.py" --workdir "$work" --pidfile "$pidfile" --aws "$(command -v aws || echo aws)" "$@"
