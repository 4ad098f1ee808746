#!/usr/bin/env bash
# The preview of Seawall's policy-check workflow, for one stack: selects the stack (creating it when
# missing), then `pulumi preview --policy-pack <Seawall>/policies --policy-pack-config <config>`.
# The job summary and <reports>/summary.md (for the pull-request comment) are written before the
# exit status, which is pulumi's (non-zero when a mandatory policy blocks or the preview fails).
#
# Environment: SEAWALL (the Seawall checkout, its policies/ installed), PROGRAM, STACK, PULUMI_ORG
# (optional: the stack is <org>/<stack>), CONFIG (team, dev, prod or a pack config file relative
# to the workspace), REPORTS, GITHUB_STEP_SUMMARY (optional), PULUMI (the pulumi command; tests stub it).
set -uo pipefail

pulumi_cmd=${PULUMI:-pulumi}
seawall=$(cd "${SEAWALL:?SEAWALL must be the directory of the Seawall checkout}" && pwd)
program=${PROGRAM:-.}
program=${program%/}
stack=${STACK:?STACK must name the stack to preview}
config=${CONFIG:-team}
reports=${REPORTS:-seawall-policy}
step_summary=${GITHUB_STEP_SUMMARY:-/dev/null}
mkdir -p "$reports"
reports=$(cd "$reports" && pwd)
summary="$reports/summary.md"

case "$config" in
team | dev | prod) config_file="$seawall/policies/config/$config.json" ;;
*) config_file=$(realpath -m "$config") ;;
esac
qualified=$stack
if [ -n "${PULUMI_ORG:-}" ]; then qualified="$PULUMI_ORG/$stack"; fi

cd "$program" || exit 2
"$pulumi_cmd" stack select --create "$qualified" --non-interactive 2>&1 | tee "$reports/preview-$stack.txt"
code=${PIPESTATUS[0]}
if [ "$code" -eq 0 ]; then
  "$pulumi_cmd" preview --stack "$qualified" --non-interactive --diff \
    --policy-pack "$seawall/policies" --policy-pack-config "$config_file" 2>&1 | tee -a "$reports/preview-$stack.txt"
  code=${PIPESTATUS[0]}
fi

if [ "$code" -eq 0 ]; then verdict=":white_check_mark: passes"; else verdict=":x: fails (exit $code)"; fi
{
  echo "<!-- seawall-policy-check: $program $config -->"
  echo "## Seawall policy check: \`$program\` stack \`$stack\`, $config config (pulumi preview)"
  echo
  echo "$verdict"
  echo
  echo "<details><summary>pulumi preview --policy-pack</summary>"
  echo
  echo '```text'
  tail -c 60000 "$reports/preview-$stack.txt"
  echo '```'
  echo "</details>"
} >"$summary"
cat "$summary" >>"$step_summary"
exit "$code"
