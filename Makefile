.PHONY: setup demo test lint format bench app sizes
setup:
	scripts/setup.sh
demo:
	scripts/demo.sh
test:
	scripts/test.sh
sizes:
	.venv/bin/python scripts/sizes.py
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .
bench:
	.venv/bin/python benchmarks/scan.py && .venv/bin/python benchmarks/pipeline.py && .venv/bin/python benchmarks/build.py && .venv/bin/python benchmarks/selection.py && .venv/bin/python benchmarks/app_rerun.py && .venv/bin/python benchmarks/check.py
app:
	.venv/bin/streamlit run app.py
