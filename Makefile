# ReliefDesk: `make run` serves the demo, `make test` runs the whole suite.
# Both work on a fresh machine with only Python 3.11: without DATABASE_URL
# an embedded PostgreSQL (pgserver) starts under var/.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export XDG_RUNTIME_DIR := $(CURDIR)/var/run

# Install Debian packages (gettext, chromium) when root or with password-less
# sudo; otherwise say what to run. $(call apt_install,PACKAGES)
define apt_install
	@if ! command -v apt-get >/dev/null 2>&1; then echo "Please install $(1) with your package manager."; \
	elif [ "$$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null && echo "Installed $(1)"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n apt-get update -qq && \
	  sudo -n apt-get install -y -qq --no-install-recommends $(1) >/dev/null && echo "Installed $(1)"; \
	else echo "Not root: run 'sudo apt-get install -y $(1)'"; fi
endef

# make fuzz: the fuzz tests of tests/fuzz with many more examples per page (RELIEFDESK_FUZZ_EXAMPLES).
.PHONY: run test fuzz install messages catalogues browser migrate seed worker stop-db check-deploy bench clean help

help:
	@echo "make run    - install, migrate, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite (unit, integration, browser)"
	@echo "make fuzz   - fuzz every page and form with many more examples (RELIEFDESK_FUZZ_EXAMPLES=300)"
	@echo "make bench  - run the benchmarks in bench/ and print their figures"
	@echo "make stop-db - stop the embedded PostgreSQL server"

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP) var/run

var/run:
	mkdir -p var/run && chmod 700 var/run

# Translations are compiled from locale/*.po; msgfmt comes from gettext.
messages: install
	@command -v msgfmt >/dev/null 2>&1 || $(MAKE) --no-print-directory gettext
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# Refresh locale/*.po from the sources: no locations, no wrapping, sorted by
# msgid and no creation date, so parallel changes rarely touch the same lines;
# no fuzzy guesses (reliefdesk's makemessages: a guess is never a translation).
catalogues: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-location --no-wrap --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=bench --ignore=tests -v 0
	@for po in locale/*/LC_MESSAGES/django.po; do \
	  msgcat --sort-output --no-wrap -o $$po $$po && sed -i '/^"POT-Creation-Date:/d' $$po; done

# Browser tests use Debian's chromium; Playwright cannot download one here.
browser:
	@test -x /usr/bin/chromium || $(MAKE) --no-print-directory install-chromium

install-chromium:
	$(call apt_install,chromium)

gettext:
	$(call apt_install,gettext)

migrate: messages
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "ReliefDesk at http://$(HOST):$(PORT)/  (demo logins, password: reliefdesk-demo)"
	@echo "  liaison      station liaison, 顺义 stations 1-3"
	@echo "  reviewer     district reviewer, 顺义"
	@echo "  approver     district approver, 顺义"
	@echo "  finance      finance, 顺义"
	@echo "  admin        administrator, everything"
	@echo "  dx_reviewer / dx_finance / dx_liaison   the same roles in 大兴"
	@echo ""
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py db_worker

test: messages browser
	$(PY) -m pytest $(PYTEST_ARGS)

fuzz: messages
	RELIEFDESK_FUZZ_EXAMPLES=$${RELIEFDESK_FUZZ_EXAMPLES:-300} $(PY) -m pytest tests/fuzz $(PYTEST_ARGS)

bench: migrate
	@command -v wrk >/dev/null 2>&1 || { echo "bench_throughput needs wrk: apt-get install -y wrk"; exit 1; }
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

check-deploy: install
	DJANGO_ENV=production SECRET_KEY=$${SECRET_KEY:-check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz} \
	ALLOWED_HOSTS=reliefdesk.example.org DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	$(PY) manage.py check --deploy --fail-level WARNING

stop-db:
	@test -x $(PY) && $(PY) -c "from pathlib import Path; from reliefdesk.embedded_pg import stop_embedded; print('stopped' if stop_embedded(Path('var')) else 'not running')" || true

clean: stop-db
	rm -rf var/pgdata var/run var/staticfiles
