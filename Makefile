# IMR Portal. Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run   - the portal with demo data on http://127.0.0.1:8000 (SQLite, tasks in-process)
#   make test  - the whole test suite (uses DATABASE_URL / REDIS_URL when set)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP_VERSION := 26.3
# Debian packages the portal loads at run time or its tests drive.
APT_PACKAGES := chromium poppler-utils qpdf libnss3-tools libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
	zbar-tools

.PHONY: run test system venv redis migrate seed lint check-deploy worker beat benchmarks clean

# The demo's medical director (letters print the name over the title); set IMR_MEDICAL_DIRECTOR_NAME to override.
run: export IMR_MEDICAL_DIRECTOR_NAME ?= Dana R. Whitfield, MD
run: system venv migrate
	$(PY) manage.py seed_demo
	@echo "IMR Portal on http://127.0.0.1:8000 - log in with the demo users listed above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: system venv redis
	$(PY) -m pytest $(PYTEST_ARGS)

# Some tests start a real Celery worker: they need a Redis. Use the one at REDIS_URL (or 127.0.0.1:6379), else start
# a throwaway one here (installed with apt-get when root).
redis:
	@if [ -n "$$REDIS_URL" ]; then exit 0; fi; \
	if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then exit 0; fi; \
	if ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; \
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
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
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

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# A production-like configuration must pass Django's deployment checks with no warnings.
check-deploy: venv
	IMR_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=imr.example.org $(PY) manage.py check --deploy --fail-level WARNING

worker: venv
	$(VENV)/bin/celery -A imrportal worker -c 2 --pool prefork --without-gossip --without-mingle -l info

beat: venv
	$(VENV)/bin/celery -A imrportal beat -l info --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
