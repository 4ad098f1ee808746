#!/usr/bin/env bash
# The offline check of Seawall's policy-check action, per stack: `npm run plan -- --program <dir>
# --stack <s> --json`, then `npm run policy:check` on that plan as JSON, as text and (SARIF=true) as
# SARIF, into the reports directory. Every stack is checked even when one fails. The job summary
# (and <reports>/summary.md, for the pull-request comment) is written before the exit status:
# 0 no mandatory violation, 1 a mandatory violation, 2 bad usage or input (or a plan that failed).
#
# Environment: SEAWALL (Seawall's checkout), PROGRAM (the Pulumi project's directory), STACKS
# (separated by spaces, commas or new lines; empty: every Pulumi.<stack>.yaml in PROGRAM), CONFIG
# (team, dev, prod or a pack config file), REPORTS (directory), SARIF (true|false),
# GITHUB_STEP_SUMMARY and GITHUB_OUTPUT (files, optional), NPM (the npm command; tests stub it).
set -uo pipefail

npm_cmd=${NPM:-npm}
seawall=${SEAWALL:?SEAWALL must be the directory of the Seawall checkout}
program=${PROGRAM:-.}
program=${program%/}
config=${CONFIG:-team}
reports=${REPORTS:-seawall-policy}
sarif=${SARIF:-false}
step_summary=${GITHUB_STEP_SUMMARY:-/dev/null}
outputs=${GITHUB_OUTPUT:-/dev/null}
mkdir -p "$reports"
summary="$reports/summary.md"

read -r -a stacks <<<"$(printf '%s' "${STACKS:-}" | tr ',\n' '  ')"
if [ "${#stacks[@]}" -eq 0 ]; then
  for file in "$program"/Pulumi.*.yaml; do
    [ -e "$file" ] || continue
    name=${file##*/Pulumi.}
    stacks+=("${name%.yaml}")
  done
fi

{
  echo "<!-- seawall-policy-check: $program $config -->"
  echo "## Seawall policy check: \`$program\`, $config config (offline)"
  echo
} >"$summary"

if [ "${#stacks[@]}" -eq 0 ]; then
  message="no stack to check in $program: give the stacks input, or add a Pulumi.<stack>.yaml to $program"
  echo "::error::$message"
  echo "$message" >>"$summary"
  cat "$summary" >>"$step_summary"
  echo "status=2" >>"$outputs"
  exit 2
fi

{
  echo "| stack | verdict | mandatory | advisory | skipped checks |"
  echo "| --- | --- | --- | --- | --- |"
} >>"$summary"

status=0
total_mandatory=0
details=""
for stack in "${stacks[@]}"; do
  base="$reports/$stack"
  echo "::group::$stack"
  "$npm_cmd" --prefix "$seawall" run -s plan -- --program "$program" --stack "$stack" --json >"$base.plan.json" 2>"$base.err"
  code=$?
  if [ "$code" -ne 0 ]; then
    echo "::error::$stack: the offline plan failed (exit $code): $(head -n 1 "$base.err")"
    echo "| $stack | :warning: not checked: the plan failed (exit $code) | | | |" >>"$summary"
    details+=$'\n'"<details><summary>$stack: plan output</summary>"$'\n\n```text\n'"$(head -c 20000 "$base.err")"$'\n```\n</details>\n'
    status=2
    echo "::endgroup::"
    continue
  fi
  "$npm_cmd" --prefix "$seawall" run -s policy:check -- "$base.plan.json" --config "$config" --json >"$base.json" 2>>"$base.err"
  code=$?
  "$npm_cmd" --prefix "$seawall" run -s policy:check -- "$base.plan.json" --config "$config" >"$base.txt" 2>>"$base.err"
  cat "$base.txt"
  if [ "$sarif" = "true" ]; then
    mkdir -p "$reports/sarif"
    "$npm_cmd" --prefix "$seawall" run -s policy:check -- "$base.plan.json" --config "$config" --format sarif \
      --sarif-root "$program" --sarif-program "$program/Pulumi.yaml" >"$base.sarif" 2>>"$base.err"
    # One code-scanning category per program and stack, so the stacks' results do not replace each other.
    jq --arg id "seawall-policy/$program/$stack/" '.runs[].automationDetails = { id: $id }' "$base.sarif" \
      >"$reports/sarif/$stack.sarif"
  fi
  if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then
    read -r mandatory advisory skipped < <(jq -r '.summary | "\(.mandatory) \(.advisory) \(.skipped)"' "$base.json")
    total_mandatory=$((total_mandatory + mandatory))
    if [ "$code" -eq 1 ]; then verdict=":x: blocked"; else verdict=":white_check_mark: passes"; fi
    echo "| $stack | $verdict | $mandatory | $advisory | $skipped |" >>"$summary"
    details+=$'\n'"<details><summary>$stack: $mandatory mandatory, $advisory advisory</summary>"$'\n\n```text\n'"$(head -c 60000 "$base.txt")"$'\n```\n</details>\n'
  else
    echo "::error::$stack: policy:check failed (exit $code): $(head -n 1 "$base.err")"
    echo "| $stack | :warning: not checked: $(head -n 1 "$base.err" | tr '|' '/') | | | |" >>"$summary"
  fi
  if [ "$code" -gt "$status" ]; then status=$code; fi
  echo "::endgroup::"
done

printf '%s\n' "$details" >>"$summary"
echo "Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad usage or input. Reports: \`$reports/<stack>.json\`." >>"$summary"
cat "$summary" >>"$step_summary"
{
  echo "status=$status"
  echo "mandatory=$total_mandatory"
} >>"$outputs"
exit "$status"
