#!/usr/bin/env bash
# Start the autodoc app as a Domino app: Domino serves apps on 0.0.0.0:8888.
set -euo pipefail
cd "$(dirname "$0")"
export MLFLOW_DISABLE_TELEMETRY=true
export MLFLOW_HTTP_REQUEST_MAX_RETRIES="${MLFLOW_HTTP_REQUEST_MAX_RETRIES:-2}"
export MLFLOW_HTTP_REQUEST_TIMEOUT="${MLFLOW_HTTP_REQUEST_TIMEOUT:-20}"
exec streamlit run app.py \
  --server.address 0.0.0.0 \
  --server.port "${PORT:-8888}" \
  --server.headless true \
  --browser.gatherUsageStats false \
  "$@"
