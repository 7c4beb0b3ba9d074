# Hinggan e-Government Platform — every install step lives here (a fresh machine needs nothing else).
#   make run    install, migrate, load the Hinggan demo data, serve on http://127.0.0.1:8000
#   make test   install what the tests need (incl. Debian Chromium) and run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.9
VENDOR := var/vendor
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: totp run test install install-python install-assets install-fonts install-browser bench-tools lint check migrate demo serve worker bench clean

run: install migrate demo serve

install: install-python install-assets install-fonts

# uv lives in its own tools venv so that `uv sync` (exact) never removes itself.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

install-python: $(VENV)/.synced

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Only the built files the pages use are copied out of node_modules and served by the app (WhiteNoise).
$(VENDOR)/.copied: node_modules/.installed scripts/vendor_assets.sh
	bash scripts/vendor_assets.sh $(VENDOR)
	touch $@

install-assets: $(VENDOR)/.copied

# Fonts: Noto CJK for PDFs (WeasyPrint) and Noto Sans Mongolian for traditional Mongolian script (Debian
# packages, installed once where missing); then the serif faces the PDFs use are cut down to the characters of
# official documents into var/fonts/ (once per machine: idempotent, cached in ~/.cache/egov; ADR 0013).
install-fonts: install-python
	@fc-list 2>/dev/null | grep -q "Noto Serif CJK" && fc-list 2>/dev/null | grep -q "Noto Sans Mongolian" || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq fonts-noto-cjk fonts-noto-core >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk fonts-noto-core >/dev/null)) ; \
	  else echo "请以 root 运行，或先安装 fonts-noto-cjk fonts-noto-core（PDF 中文字体与蒙古文字体）"; exit 1; fi; }
	@$(PY) scripts/subset_fonts.py --out var/fonts

# Debian's Chromium for the end-to-end tests (Playwright drives it; no browser is downloaded).
install-browser:
	@test -x /usr/bin/chromium || { \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); }

migrate: install-python
	$(MANAGE) migrate --noinput

demo: install-python
	$(MANAGE) load_demo

serve: install
	@echo "兴安盟一体化电子政务平台: http://$(HOST):$(PORT)/  (账号见 README.md)"
	$(MANAGE) runserver $(HOST):$(PORT)

# The current TOTP code of a demo staff account: make totp USER=kyqq_mz
totp: install-python
	@$(MANAGE) demo_totp $(USER)

worker: install-python
	$(MANAGE) db_worker

test: install install-browser
	EGOV_ENV=test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check: lint test

# Load generator and reverse proxy for the HTTP benches (bench/portal_http.py runs docs/deploy/nginx.conf):
# Debian's wrk and nginx-light, installed once where missing (the nginx service is not left running).
bench-tools:
	@command -v wrk >/dev/null && { command -v nginx >/dev/null || test -x /usr/sbin/nginx; } || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq wrk nginx-light >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null)) ; \
	    (systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true) ; \
	  else echo "请以 root 运行，或先安装 wrk nginx-light（HTTP 压测工具与反向代理）"; exit 1; fi; }

bench: install bench-tools
	@ls bench/*.py | sed 's/^/  /'; echo "run one: $(PY) bench/<name>.py  (see bench/README.md)"

clean:
	rm -rf $(VENV) $(TOOLS) node_modules var
