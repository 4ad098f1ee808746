#!/usr/bin/env bash
# `npm test`'s static checks: lint (ESLint, typed, and Prettier) and the type-check, run at once
# (each is single-threaded; together they take the time of the longer one on two cores). Each one's
# output is printed whole, after it ends; the script fails if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run -s lint >"$out/lint" 2>&1 &
lint=$!
npm run -s typecheck >"$out/typecheck" 2>&1 &
typecheck=$!
wait "$lint"
lint_status=$?
wait "$typecheck"
typecheck_status=$?
echo "--- npm run lint (exit $lint_status)"
cat "$out/lint"
echo "--- npm run typecheck (exit $typecheck_status)"
cat "$out/typecheck"
[ "$lint_status" -eq 0 ] && [ "$typecheck_status" -eq 0 ]
