# Two commands matter: `make demo` and `make test`. Each creates the environment it needs from
# the lock file, with nothing but Python 3.11+ and git on the machine.
PYTHON ?= python3
VENV := .venv
BOOT := .uppsikt/boot
UV := $(BOOT)/bin/uv
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: env browser demo serve test test-fast test-browser check lint format types layers requirements package bench clean

# uv is bootstrapped with pip into a private venv, so no global install is needed.
$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (this project's CI
# machines), every test process would otherwise compile botocore, moto and pydantic from source.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --compile-bytecode --python $(PYTHON)
	touch $@

# checkov (tests/infra/test_checkov.py) in its own environment: it pins boto3 and packaging to
# versions that conflict with ours (tools/iac/pyproject.toml).
IAC := .uppsikt/iac
$(IAC)/.synced: $(UV) tools/iac/uv.lock tools/iac/pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(IAC) $(UV) sync --locked --project tools/iac --python $(PYTHON)
	touch $@

# The compiled regexes of the shipped packs, so a cold start does not compile them again
# (functions/uppsikt/rules/precompiled.py); remade when a pack or a rule module changes.
PRECOMPILED := functions/uppsikt/rules/precompiled.bin
$(PRECOMPILED): $(VENV)/.synced $(wildcard policies/*.yaml policies/*/*.yaml policies/lexicons/*.txt) $(wildcard functions/uppsikt/rules/*.py) functions/uppsikt/operations/precompile.py
	$(VENV)/bin/python -m uppsikt.operations.precompile $@

env: $(VENV)/.synced $(IAC)/.synced $(PRECOMPILED)
	@# Our own modules too (only what changed since); the package build leaves these out.
	@$(VENV)/bin/python -m compileall -q -j 0 functions tests bench

demo: env
	$(VENV)/bin/uppsikt demo

serve: env
	$(VENV)/bin/uppsikt demo --serve

test: env browser
	$(VENV)/bin/pytest -n 2 --dist loadfile

# The console's browser tests drive Debian's chromium through Playwright (never `playwright
# install`, whose downloads this project cannot rely on). Installed here when missing.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	      || { echo "make browser: apt-get install chromium failed; the browser tests need $(CHROMIUM)" >&2; exit 1; }; \
	  else \
	    echo "make browser: $(CHROMIUM) is missing; install Debian's chromium (as root: apt-get install -y chromium)" >&2; exit 1; \
	  fi; }
	@test -x $(CHROMIUM) || { echo "make browser: $(CHROMIUM) still missing after install" >&2; exit 1; }

test-fast: env browser
	$(VENV)/bin/pytest -n 2 --dist loadfile -m "not slow"

# The console in headless chromium alone (also part of `make test`); screenshots in build/screenshots/.
test-browser: env browser
	$(VENV)/bin/pytest -n 2 --dist loadfile -m browser

# The gate CI runs: format, lint, types, layers, lock and requirements in step, then the tests.
check: lint types layers requirements-check test

lint: env
	$(VENV)/bin/ruff format --check functions tests bench
	$(VENV)/bin/ruff check functions tests bench

format: env
	$(VENV)/bin/ruff format functions tests bench
	$(VENV)/bin/ruff check --fix functions tests bench

types: env
	$(VENV)/bin/mypy

# Imports run downward only: the layer contract is [tool.importlinter] in pyproject.toml.
layers: env
	$(VENV)/bin/lint-imports --no-cache

# functions/requirements.txt is what `chalice package` installs into the Lambda artefact.
requirements: $(UV)
	$(UV) export --locked --no-dev --no-emit-project --no-hashes --format requirements-txt \
		--no-header > functions/requirements.txt

requirements-check: $(UV)
	$(UV) export --locked --no-dev --no-emit-project --no-hashes --format requirements-txt \
		--no-header | diff -u functions/requirements.txt -

# STAGE picks chalice.json's stage (dev, prod); the Lambda runtime is pinned to python3.11 either way.
STAGE ?= dev
package: env
	$(VENV)/bin/uppsikt package build/package --stage $(STAGE)

# Benchmarks, not tests: they print figures (docs/benchmarks.md, docs/quality.md). The bench
# group adds Presidio, spaCy and the language-ID candidates, run side by side with ours; no model
# is downloaded.
bench: package
	$(UV) sync --locked --group bench
	$(VENV)/bin/python bench/ingest.py
	$(VENV)/bin/python bench/cold_start.py
	$(VENV)/bin/python bench/artefact_cold_start.py build/package/deployment.zip
	$(VENV)/bin/python bench/quality_ids.py
	$(VENV)/bin/python bench/quality_text.py
	$(VENV)/bin/python bench/quality_special_category.py
	$(VENV)/bin/python bench/functional_suite.py
	$(VENV)/bin/python bench/questions.py --test
	$(VENV)/bin/python bench/language_id.py
	$(VENV)/bin/python bench/first_delivery.py
	$(VENV)/bin/python bench/speed.py

clean:
	rm -rf $(VENV) .uppsikt build .pytest_cache .mypy_cache .ruff_cache
