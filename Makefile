# Two commands on a fresh clone: `make serve` and `make test` (see README.md).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The SPARQL editor (YASGUI) is served from this server, never a CDN: npm ci from the pinned lock file in
# cpms_kg/web, then its built files are copied into the package's static folder (git-ignored).
WEB_NPM := build/web
YASGUI := cpms_kg/web/static/vendor/yasgui
# Root (CI) installs Debian packages directly, anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(YASGUI)/yasgui.min.js: cpms_kg/web/package.json cpms_kg/web/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm; }
	mkdir -p $(WEB_NPM) $(YASGUI)
	cp cpms_kg/web/package.json cpms_kg/web/package-lock.json $(WEB_NPM)/
	cd $(WEB_NPM) && npm ci --no-audit --no-fund --ignore-scripts
	cp $(WEB_NPM)/node_modules/@zazuko/yasgui/build/yasgui.min.css $(WEB_NPM)/node_modules/@zazuko/yasgui/package.json $(YASGUI)/
	cp $(WEB_NPM)/node_modules/@zazuko/yasgui/build/yasgui.min.js $(YASGUI)/

.PHONY: install serve test lint bench web chromium
install: $(BIN)/.installed web

web: $(YASGUI)/yasgui.min.js

# Headless Chromium for the browser tests (tests/browser.py): Debian's packages, installed when missing.
chromium:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; }

serve: $(BIN)/.installed web
	$(BIN)/cpms-kg serve

lint: $(BIN)/.installed
	$(BIN)/ruff check cpms_kg api tests bench
	$(BIN)/mypy

test: lint chromium web
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/foundation.py
	$(BIN)/python bench/conformance.py --sizes 10000,100000,1000000
	$(BIN)/python bench/search.py
