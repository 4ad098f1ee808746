#!/usr/bin/env bash
# Posts the policy reports to the pull request as one comment, updated in place on the next run:
# the comment that carries the marker `<!-- seawall-policy-check: <program> <config> -->` is edited, else
# one is created. Without permission to comment (a read-only token) it warns and exits 0: the job
# summaries still hold the reports.
#
# Environment: BODY (the markdown file), PROGRAM and CONFIG (they name the comment), PR (the pull request's number), GITHUB_REPOSITORY,
# GH_TOKEN, GH (the gh command; tests stub it).
set -uo pipefail

gh_cmd=${GH:-gh}
body=${BODY:?BODY must be the file of the comment}
marker="<!-- seawall-policy-check: ${PROGRAM:-.} ${CONFIG:-team} -->"
repo=${GITHUB_REPOSITORY:?}
pr=${PR:?PR must be the pull request number}

# The marker first, then the body cut to GitHub's limit on a comment (65,536 characters).
{
  echo "$marker"
  grep -vF -- "$marker" "$body" | head -c 60000
} >"$body.comment"
body="$body.comment"
existing=$("$gh_cmd" api --paginate "repos/$repo/issues/$pr/comments" \
  --jq ".[] | select(.body | contains(\"$marker\")) | .id" | head -n 1)
if [ -n "$existing" ]; then
  "$gh_cmd" api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$body" >/dev/null
else
  "$gh_cmd" api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body" >/dev/null
fi
code=$?
if [ "$code" -ne 0 ]; then
  echo "::warning::could not comment on pull request #$pr (exit $code): grant the calling job pull-requests: write; the reports are in the job summaries"
fi
exit 0
