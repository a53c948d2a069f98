# Adult social care notebook suite.
#   make reports   set up .venv (first time), then run every notebook on the bundled data -> reports/
#   make test      set up .venv (first time), prepare the data, run pytest and nbval
#   make lab       JupyterLab on the project's kernel
# Set-up is idempotent: it reruns only when pyproject.toml changes (stamp file in .venv).

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.asclib-setup.stamp
KERNEL := asclib
# extra options for `asc run`, e.g. make reports RUN_ARGS="--area E08000012 --jobs 2"
RUN_ARGS ?=

.DEFAULT_GOAL := help
# Debian packages the reports use: a CJK font for non-Latin names in charts, Pango for the
# WeasyPrint PDF, pdftotext and Chromium for the print tests. Installed only when root with
# apt-get and missing; elsewhere the tests that need them skip with the reason.
SYSTEM_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium

.PHONY: help setup sysdeps bytecode reports test lab lint bench notebooks clean

help:
	@echo "make reports    run the whole suite on the bundled data into reports/"
	@echo "make test       run the test suite (pytest + nbval on notebooks/)"
	@echo "make lab        open JupyterLab with the project's kernel"
	@echo "make lint       ruff"
	@echo "make bench      every benchmark: statistics, prepare, demo data, suite, batch, weekly layouts"
	@echo "make notebooks  re-execute notebooks/ in place on the bundled data (then commit)"
	@echo "make clean      remove generated reports, processed data and caches (keeps .venv)"

setup: $(STAMP)

sysdeps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null && command -v dpkg-query > /dev/null; then \
		missing=""; \
		for pkg in $(SYSTEM_PACKAGES); do \
			dpkg-query -W -f='$${Status}' $$pkg 2> /dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
		done; \
		if [ -n "$$missing" ]; then \
			echo "make sysdeps: installing$$missing"; \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends $$missing; } > /dev/null 2>&1 \
				|| echo "make sysdeps: could not install$$missing; tests needing them will skip"; \
		fi; \
	else \
		echo "make sysdeps: not root or no apt-get; tests needing $(SYSTEM_PACKAGES) skip where absent"; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (asclib)"
	@touch $@

# asclib's bytecode, compiled once: an editable install has none, and where
# PYTHONDONTWRITEBYTECODE is set every runner process (client, workers, kernel zygotes) would
# compile asclib again (~0.2 s each). Cheap when up to date.
bytecode: setup
	@$(PY) -m compileall -q asclib

reports: setup bytecode
	$(BIN)/asc run --out reports $(RUN_ARGS)

test: setup sysdeps
	$(BIN)/asc prepare
	$(PY) -m pytest
	@if compgen -G "notebooks/*.ipynb" > /dev/null; then \
		echo "$(PY) -m pytest --nbval notebooks --nbval-sanitize-with nbval-sanitize.cfg"; \
		$(PY) -m pytest --nbval notebooks --nbval-sanitize-with nbval-sanitize.cfg \
			--nbval-cell-timeout=600 -p no:cacheprovider; \
	else \
		echo "make test: no notebooks in notebooks/ yet; nbval skipped"; \
	fi

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: setup
	$(BIN)/ruff check asclib tests benchmarks scripts

bench: setup bytecode
	$(BIN)/asc prepare
	$(PY) benchmarks/bench_stats.py
	$(PY) benchmarks/bench_prepare.py
	$(PY) benchmarks/bench_demo.py
	$(PY) benchmarks/bench_suite.py
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_weekly_layouts.py

# Executes each committed notebook in place on the bundled data (data_dir None = data/processed),
# without timing metadata, so that its outputs can be committed and compared by nbval.
notebooks: setup
	$(BIN)/asc prepare
	@if compgen -G "notebooks/*.ipynb" > /dev/null; then \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--NotebookClient.record_timing=False --ExecutePreprocessor.timeout=600 \
			notebooks/*.ipynb; \
	else \
		echo "make notebooks: no notebooks in notebooks/"; \
	fi

clean:
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	find data/processed -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .benchmarks
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
