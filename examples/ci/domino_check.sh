#!/usr/bin/env bash
# Domino scheduled job: is the model document still true of the code and the registry?
#
# In the project's Scheduled Jobs, create a job (for example daily) whose command is
#     bash examples/ci/domino_check.sh
# and turn on notifications for failed runs. Inside Domino the code is at /mnt/code and the
# document's outputs at /mnt/data/<project> (autodoc's defaults there); the MLflow server of
# the deployment is reached through MLFLOW_TRACKING_URI, which Domino sets.
# The report is in the job's log and in /mnt/artifacts; the job fails (exit 1) when the
# document is stale or fails hygiene, and exits 2 on bad input (no cache, a bad spec).
set -uo pipefail

project="${DOMINO_PROJECT_NAME:?run this inside a Domino job}"
out="/mnt/data/${project}"
report_dir="/mnt/artifacts"
mkdir -p "$report_dir"

autodoc check \
  --cache "$out/.autodoc_cache.json" \
  --code-root /mnt/code \
  --spec /mnt/code/doc_spec.yaml \
  --format json --fail-on none > "$report_dir/autodoc_check.json"

autodoc check \
  --cache "$out/.autodoc_cache.json" \
  --code-root /mnt/code \
  --spec /mnt/code/doc_spec.yaml \
  | tee "$report_dir/autodoc_check.txt"
exit "${PIPESTATUS[0]}"
