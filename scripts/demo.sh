#!/usr/bin/env bash
# The main job end to end: a sample candidate takes a real scenario, works it (the scenario's
# shipped partial submission stands in for their edits), submits, and the submission is graded
# in a real container with hidden tests. Uses a throwaway DSIM_HOME unless one is set.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${DSIM_VENV:-.venv}
DSIM="$VENV/bin/dsim"
export DSIM_HOME=${DSIM_HOME:-$(mktemp -d /tmp/dsim-demo.XXXXXX)}
SCENARIO=${1:-invoice-rounding}
CANDIDATE=${2:-sample-candidate}

echo "== dsim demo: $CANDIDATE takes $SCENARIO (data in $DSIM_HOME)"
WS=$("$DSIM" start "$SCENARIO" --candidate "$CANDIDATE" --json | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["workspace"])')
echo "workspace: $WS"
SRC=$("$DSIM" scenarios show "$SCENARIO" --assessor --json | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["path"])')
SAMPLE=partial; [ -d "$SRC/samples/$SAMPLE" ] || SAMPLE=""
if [ -n "$SAMPLE" ]; then
  echo "== the candidate works the ticket (replaying samples/$SAMPLE)"
  git -C "$WS" apply "$SRC/samples/$SAMPLE/change.patch"
  cp "$SRC/samples/$SAMPLE/REVIEW.md" "$WS/REVIEW.md"
else
  echo "== the candidate ships the AI change as it is"
fi
"$DSIM" submit "$WS"
echo "== grading in a container"
"$DSIM" grade --pending
echo "== result"
"$DSIM" results --candidate "$CANDIDATE"
"$DSIM" results --candidate "$CANDIDATE" --json > "$DSIM_HOME/result.json"
echo "== judgment score"
"$DSIM" score "$CANDIDATE"
echo "details: $DSIM_HOME/result.json (store: $DSIM_HOME/dsim.db)"
