#!/usr/bin/env bash
# Issue 16, Identity Center at scale: flock /tmp/stsfleet-mvn.lock bench/sso.sh [--accounts N] [--roles R] [--rps X]
# Starts the sandbox (loopback, free port, --sso-auto-approve), signs in with a device code, then times
# `stsfleet sso generate` over every account x role (default 300 x 2 at 20/s): credentials, failures, portal calls,
# 429s, wall time vs the rate floor (calls / rps). Writes bench/results/sso-<UTC>.{json,md}.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$here"
"${STSFLEET_BENCH_LAUNCHER:-bin/stsfleet}" --version >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/stsfleet-bench-sso.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 bench/sso.py --workdir "$work" "$@"
