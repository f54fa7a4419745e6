# 物业 CRM — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install run test lint check bench messages system-packages services clean

help:
	@echo "make run    - install, migrate, load demo data, start web + worker + scheduler on http://127.0.0.1:8000"
	@echo "make test   - install (incl. Chromium), start PostgreSQL/Redis if needed, run the whole test suite"
	@echo "make lint   - ruff, makemigrations --check, check --deploy under production settings"
	@echo "make bench  - throughput and latency of pages against a trivial baseline under gunicorn"

install: $(VENV)/.installed node_modules/.package-lock.json

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: export DEBUG ?= true
run: install
	@# Local development defaults, so that plain `manage.py` commands work here too.
	@test -f .env || printf '# Local development only (see .env.example).\nDEBUG=true\n' > .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Open http://127.0.0.1:8000 and sign in as frontdesk / wuye-demo-2026 (see README)."
	honcho --procfile Procfile.dev start

system-packages:
	bash scripts/ensure-system-packages.sh

services:
	bash scripts/ensure-services.sh

test: install system-packages services
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production \
	  SECRET_KEY=check-deploy-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=crm.example.cn PII_HASH_KEY=check-deploy-only \
	  PII_ENCRYPTION_KEYS=Y2hlY2stZGVwbG95LW9ubHkta2V5LTMyLWJ5dGVzLi4= \
	  $(PY) manage.py check --deploy --fail-level WARNING

bench: install services
	$(PY) bench/run.py $(BENCH_ARGS)

messages: install
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete \
	  --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*' --ignore='tests/*'
	DEBUG=true $(PY) manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*'

clean:
	rm -rf var/celery var/test-media var/test-static test-results
