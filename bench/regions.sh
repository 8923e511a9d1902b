#!/usr/bin/env bash
# Scenario 6 (issue 17), regional spread: flock /tmp/stsfleet-mvn.lock bench/regions.sh [--quick] [--n N] [--runs R] [--rps R]
# Builds the command if needed, starts the sandbox (loopback, free port) and measures one region vs
# --sts-regions with 4 regions vs boto3 (64 threads); writes bench/results/regions-<UTC>.{json,md}.
# Everything it starts is killed and its scratch directory removed on exit.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$here"
python3 -c 'import boto3' 2>/dev/null || { echo "bench: error: python3 with boto3 is needed for the peer" >&2; exit 2; }
"${STSFLEET_BENCH_LAUNCHER:-bin/stsfleet}" --version >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/stsfleet-bench6.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 bench/regions.py --workdir "$work" "$@"
