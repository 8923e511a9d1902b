#!/usr/bin/env bash
# Peer: the shell loop people write, one `aws sts assume-role` process per role.
#
# usage: aws_cli_loop.sh K
# Assumes the first K role profiles of AWS_CONFIG_FILE (default 20) one after another with the source
# profile's keys (AWS_PROFILE, default bench-source), keeps each answer in a shell variable (memory),
# and prints one JSON line {"ok": N, "failed": M, "failures": {...}, "calls": K, "seconds": S}.
# The endpoint comes from AWS_ENDPOINT_URL_STS (passed as --endpoint-url). The benchmark times a small
# K and extrapolates to N roles (per-call time x N): running thousands of CLI processes is the very
# cost being shown, and would take longer than the rest of the benchmark together.
set -uo pipefail

k="${1:-20}"
config="${AWS_CONFIG_FILE:-$HOME/.aws/config}"
source_profile="${AWS_PROFILE:-bench-source}"
endpoint=()
[ -n "${AWS_ENDPOINT_URL_STS:-}" ] && endpoint=(--endpoint-url "$AWS_ENDPOINT_URL_STS")

mapfile -t arns < <(awk -F' *= *' '/^[[:space:]]*role_arn[[:space:]]*=/ {print $2}' "$config" | head -n "$k")
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
ok=0; failed=0; declare -A codes=()
start=$(date +%s.%N)
for arn in "${arns[@]}"; do
  if answer=$(aws sts assume-role --profile "$source_profile" "${endpoint[@]}" --role-arn "$arn" \
                --role-session-name bench-cli --output json 2>"$errfile"); then
    ok=$((ok + 1))
  else
    failed=$((failed + 1))
    code=$(grep -o '([A-Za-z]*)' "$errfile" | head -1 | tr -d '()')
    code="${code:-Unknown}"
    codes[$code]=$(( ${codes[$code]:-0} + 1 ))
  fi
done
end=$(date +%s.%N)
unset answer
failures=""
for c in "${!codes[@]}"; do failures+="${failures:+, }\"$c\": ${codes[$c]}"; done
printf '{"ok": %d, "failed": %d, "failures": {%s}, "calls": %d, "seconds": %s}\n' \
  "$ok" "$failed" "$failures" "${#arns[@]}" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
[ "$failed" -eq 0 ]
