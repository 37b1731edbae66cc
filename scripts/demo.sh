#!/usr/bin/env bash
# Fresh machine -> a model document: install, seed the local MLflow store by really
# training the demo project, and write the documentation with the offline writer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export MLFLOW_DISABLE_TELEMETRY=true
exec .venv/bin/autodoc demo "$@"
