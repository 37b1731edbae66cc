#!/usr/bin/env bash
# Fresh machine -> the whole test suite (unit, real MLflow server, fake LLM server,
# notebooks executed, Streamlit AppTest, and a real headless Chromium when available).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The browser test drives Debian's Chromium and the page check uses LibreOffice; install
# them when we can (root + apt), otherwise those tests skip with a reason.
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
   && ! { command -v chromium && command -v soffice && command -v pdftoppm; } >/dev/null 2>&1; then
  (export DEBIAN_FRONTEND=noninteractive && apt-get update -qq \
   && apt-get install -y -qq chromium >/dev/null \
   && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils \
        fonts-crosextra-carlito fonts-crosextra-caladea >/dev/null) \
    || echo "note: chromium/libreoffice could not be installed; those tests will be skipped"
fi
export MLFLOW_DISABLE_TELEMETRY=true
.venv/bin/ruff check .
.venv/bin/python scripts/sizes.py --check >/dev/null || { .venv/bin/python scripts/sizes.py; exit 1; }  # house rules
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
