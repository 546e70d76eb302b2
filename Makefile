# IMR Portal. Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run   - the portal with demo data on http://127.0.0.1:8000 (SQLite, tasks in-process; PORT=8001 for another)
#   make test  - the test suite but its slow browser and fault tests (uses DATABASE_URL / REDIS_URL when set);
#                make test-slow runs those, make test-all both (.ci/run runs both)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP_VERSION := 26.3
# Debian packages the portal loads at run time or its tests drive. (wrk, for benchmarks/pages.py, is installed by
# `make benchmarks` only: the portal never needs it.)
APT_PACKAGES := chromium poppler-utils qpdf libnss3-tools libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
	redis-server postgresql-15 postgresql-client-15 zbar-tools gettext
# The port `make run` serves on: `make run PORT=8001` when 8000 is taken.
PORT ?= 8000
# Another process (unattended upgrades, a parallel install) may hold the dpkg lock: wait for it, up to 10 minutes.
APT_GET := apt-get -o DPkg::Lock::Timeout=600
# `apt-get update` holds the lists lock, which older apt versions do not wait for: try again for up to 10 minutes.
APT_UPDATE := for try in $$(seq 60); do $(APT_GET) update -qq && break; echo "apt-get update failed (lock busy?): again in 10 s"; sleep 10; done

.PHONY: run test test-slow test-all test-faults system venv static messages redis migrate seed lint check-deploy worker beat benchmarks clean

# The demo's medical director (letters print the name over the title); set IMR_MEDICAL_DIRECTOR_NAME to override.
run: export IMR_MEDICAL_DIRECTOR_NAME ?= Dana R. Whitfield, MD
run: system venv static migrate
	$(PY) manage.py seed_demo
	@echo "IMR Portal on http://127.0.0.1:$(PORT) - log in with the demo users listed above."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite a developer runs while working: every test but the browser tests (real Chromium), the fault tests
# (private servers killed and restarted) and the few marked slow (collectstatic, schemathesis), which are run by
# `make test-slow`. CI runs both.
test: system venv static redis
	$(PY) -m pytest -m "not browser and not faults and not slow" $(PYTEST_ARGS)

test-slow: system venv static redis
	$(PY) -m pytest -m "browser or faults or slow" $(PYTEST_ARGS)

test-all: test test-slow

# The fault tests start their own PostgreSQL, Redis, SMTP and S3 servers on free ports, kill and restart them.
test-faults: system venv
	$(PY) -m pytest -m faults tests/faults $(PYTEST_ARGS)

# Some tests start a real Celery worker: they need a Redis. Use the one at REDIS_URL (or 127.0.0.1:6379), else start
# a throwaway one here (installed with apt-get when root).
redis:
	@if [ -n "$$REDIS_URL" ]; then exit 0; fi; \
	if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then exit 0; fi; \
	if ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			$(APT_UPDATE); DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends redis-server; \
		else echo "The worker tests need Redis: install redis-server or set REDIS_URL"; exit 1; fi; \
	fi; \
	mkdir -p var/redis && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
		--dir $(CURDIR)/var/redis --logfile $(CURDIR)/var/redis/redis.log; \
	for i in 1 2 3 4 5 6 7 8 9 10; do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && exit 0; sleep 0.5; done; \
	echo "Redis did not start (see var/redis/redis.log)"; exit 1

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages:$$missing"; \
			$(APT_UPDATE); DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends $$missing; \
		else \
			echo "Missing system packages:$$missing (run as root, or install them: apt-get install$$missing)"; exit 1; \
		fi; \
	fi

$(VENV)/.installed: requirements.txt build-constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==$(PIP_VERSION)"
	$(PY) -m pip install -q --build-constraint build-constraints.txt -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Browser libraries the portal serves itself (never a CDN): PDF.js for the records viewer, from the npm registry at the
# versions of package-lock.json, copied into static/vendor/ (gitignored; collectstatic picks it up like any static file).
PDFJS_VENDOR := static/vendor/pdfjs
CHARTJS_VENDOR := static/vendor/chartjs
# The injured worker's pages in Spanish: the catalog compiled from locale/es/LC_MESSAGES/django.po (gettext's msgfmt,
# as compilemessages runs it) at build time, never committed, so the .mo cannot drift from the reviewed .po.
MESSAGES := locale/es/LC_MESSAGES/django.mo
static: $(PDFJS_VENDOR)/.installed $(CHARTJS_VENDOR)/.installed $(MESSAGES)
messages: $(MESSAGES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

# Chart.js (the operations dashboard's charts): its UMD build, loaded by a script tag of its own (no CDN, no inline).
$(CHARTJS_VENDOR)/.installed: $(PDFJS_VENDOR)/.installed
	rm -rf $(CHARTJS_VENDOR) && mkdir -p $(CHARTJS_VENDOR)
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md $(CHARTJS_VENDOR)/
	touch $@

$(PDFJS_VENDOR)/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			$(APT_UPDATE) && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends nodejs npm; \
		else echo "The records viewer needs npm to install PDF.js: install nodejs and npm"; exit 1; fi; \
	fi
	npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(PDFJS_VENDOR) && mkdir -p $(PDFJS_VENDOR)
	cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs \
		node_modules/pdfjs-dist/LICENSE $(PDFJS_VENDOR)/
	cp -r node_modules/pdfjs-dist/wasm node_modules/pdfjs-dist/standard_fonts $(PDFJS_VENDOR)/
	rm -f $(PDFJS_VENDOR)/wasm/quickjs-eval.* $(PDFJS_VENDOR)/wasm/LICENSE*QUICKJS  # PDF scripting: never enabled
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# A production-like configuration must pass Django's deployment checks with no warnings.
check-deploy: venv $(MESSAGES)
	IMR_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=imr.example.org IMR_TRUSTED_PROXY_COUNT=1 $(PY) manage.py check --deploy --fail-level WARNING

worker: venv
	$(PY) -m imrportal.worker

beat: venv
	$(VENV)/bin/celery -A imrportal beat -l info --schedule var/celerybeat-schedule

# The page benchmarks (benchmarks/pages.py) measure throughput with wrk: installed here, not by `make run`.
benchmarks: APT_PACKAGES += wrk
benchmarks: system venv
	$(PY) benchmarks/pages.py $(BENCHMARK_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles node_modules static/vendor
