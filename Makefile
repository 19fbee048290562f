# Developer and CI entry points of contraforce.platform. Needs only python3 (>= 3.11) and make:
# every target builds .venv from requirements-dev.txt first (once; again when that file changes).
#
#   make demo         start the ContraForce simulator, run docs/examples/demo.yml: check, apply, re-run
#   make test         the whole suite in one pytest run: quality gates, units, simulator, integration
#   make sanity       ansible-test sanity (no ignore file) on a copy in ansible_collections/ layout
#   make units        pytest tests/unit
#   make integration  pytest tests/integration (real ansible processes against the simulator)
#   make lint         ansible-lint (production profile), antsibull-changelog lint, antsibull-docs lint
#   make build        build gate (tarball clean, installs, ansible-doc renders), then build the tarball here
#   make bench        hacking/bench.py
#   make docs         the documentation site
#   make clean        remove build and test leftovers (make distclean also removes .venv)
#
# PYTEST_ARGS passes options to pytest, e.g. `make test PYTEST_ARGS="-x -k webhook"`.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST := $(VENV_PYTHON) -m pytest
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv demo test sanity units integration lint build bench docs clean distclean

help:
	@sed -n 's/^#   make /make /p' Makefile

# The stamp is newer than requirements-dev.txt once the install succeeded; a failed install
# leaves no stamp, so the next run tries again.
$(STAMP): requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed (ansible-core 2.19): set PYTHON=python3.11")'
	test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -qq --upgrade pip
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -qq -r requirements-dev.txt
	$(VENV_PYTHON) hacking/ansible_test_bootstrap.py >/dev/null
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(VENV_PYTHON) hacking/demo.py

test: venv
	$(PYTEST) tests $(PYTEST_ARGS)

sanity: venv
	$(PYTEST) tests/quality/test_sanity.py $(PYTEST_ARGS)

units: venv
	$(PYTEST) tests/unit $(PYTEST_ARGS)

integration: venv
	$(PYTEST) tests/integration $(PYTEST_ARGS)

lint: venv
	$(PYTEST) tests/quality/test_lint.py $(PYTEST_ARGS)

build: venv
	$(PYTEST) tests/quality/test_build.py $(PYTEST_ARGS)
	$(VENV)/bin/ansible-galaxy collection build --force --output-path .

bench: venv
	$(VENV_PYTHON) hacking/bench.py

# The documentation site, offline: plugin and role pages plus the guides of docs/docsite, into
# docs/build/html (docs/site/build.py: antsibull-docs collection, then sphinx-build -W).
docs: venv
	$(VENV_PYTHON) docs/site/build.py --dest docs/build

clean:
	rm -rf tests/output .cache .ansible .pytest_cache docs/build changelogs/.plugin-cache.yaml tests/integration/inventory
	rm -f contraforce-platform-*.tar.gz
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	$(PYTHON) hacking/layout.py clean

distclean: clean
	rm -rf $(VENV)
