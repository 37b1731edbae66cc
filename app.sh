#!/usr/bin/env bash
# Start the autodoc app as a Domino app: Domino serves apps on 0.0.0.0:8888.
# Uses the project's virtual environment (.venv, made by scripts/setup.sh) when there is one,
# else the environment's streamlit (Domino's compute environment), else `python3 -m streamlit`.
set -euo pipefail
cd "$(dirname "$0")"
export MLFLOW_DISABLE_TELEMETRY=true
export MLFLOW_HTTP_REQUEST_MAX_RETRIES="${MLFLOW_HTTP_REQUEST_MAX_RETRIES:-2}"
export MLFLOW_HTTP_REQUEST_TIMEOUT="${MLFLOW_HTTP_REQUEST_TIMEOUT:-20}"
if [ -x .venv/bin/python ]; then
  run=(.venv/bin/python -m streamlit)
elif command -v streamlit >/dev/null 2>&1; then
  run=(streamlit)
elif command -v python3 >/dev/null 2>&1 && python3 -c "import streamlit" 2>/dev/null; then
  run=(python3 -m streamlit)
else
  echo "app.sh: streamlit is not installed: run scripts/setup.sh (creates .venv) or pip install -r requirements.txt" >&2
  exit 2
fi
exec "${run[@]}" run app.py \
  --server.address 0.0.0.0 \
  --server.port "${PORT:-8888}" \
  --server.headless true \
  --browser.gatherUsageStats false \
  "$@"
