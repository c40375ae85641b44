# The two commands: `make run` (set up and serve on the embedded default) and `make test`.
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Tests run in parallel, one worker per core; a module stays on one worker so its
# module-scoped fixtures (the demo database) are built once. PYTEST_ARGS=-n0 runs serially.
PYTEST_ARGS ?= -n auto --dist loadfile
# `make run` and the steps before it use the development settings (DEBUG on, the built-in
# development SECRET_KEY); the settings' own default is production (kidney_genetics/settings/).
SETTINGS ?= kidney_genetics.settings.dev
DEV := DJANGO_SETTINGS_MODULE=$(SETTINGS)

.PHONY: run test venv install install-dev migrate demo serve worker lint bench clean prod-local

$(VENV)/bin/python:
	$(PYTHON_BIN) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/bin/python
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py pipeline_schedules

demo: migrate
	$(DEV) $(PY) manage.py load_demo --if-empty

# Stopping the django-q2 cluster whose main process is $$worker (started with setsid, so the
# cluster is one process group): SIGTERM to the main process lets the current task finish;
# after QCLUSTER_GRACE seconds the group's other processes get SIGTERM (a worker in a source
# run marks it failed and exits), then SIGKILL for whatever is left. Sending SIGTERM to the
# whole group at once instead can deadlock the main process in django-q2's stop and orphan
# its workers.
QCLUSTER_GRACE ?= 10
QCLUSTER_STOP = for _ in $$(seq $$(( $(QCLUSTER_GRACE) * 5 ))); do \
	  kill -0 $$worker 2>/dev/null || break; sleep 0.2; done; \
	  for pid in $$(pgrep -g $$worker); do [ $$pid = $$worker ] || kill -TERM $$pid; done; \
	  sleep 2; kill -KILL -- -$$worker 2>/dev/null; true

## make run: install, migrate, load the demo snapshot into an empty database, then serve the app
## with daphne on http://$(HOST):$(PORT) and a django-q2 worker beside it.
run: demo
	$(DEV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Kidney Genetics Database on http://$(HOST):$(PORT)/  (Ctrl-C stops server and worker)"
	@export $(DEV); setsid $(PY) manage.py qcluster & worker=$$!; \
	  $(VENV)/bin/daphne --verbosity 0 -b $(HOST) -p $(PORT) kidney_genetics.asgi:application & server=$$!; \
	  stop() { trap - INT TERM EXIT; kill -TERM $$server $$worker 2>/dev/null; \
	    $(QCLUSTER_STOP); wait $$server 2>/dev/null; exit 0; }; \
	  trap stop INT TERM EXIT; wait $$server

## make prod-local: the production topology on this machine (deploy/run_local.py): nginx with TLS
## on https://127.0.0.1:$(PROD_LOCAL_PORT)/ in front of two daphne servers and one qcluster, with
## DEBUG=false, on the PostgreSQL and Redis named by DATABASE_URL and REDIS_URL.
PROD_LOCAL_PORT ?= 8108
prod-local: install
	$(PY) deploy/run_local.py --port $(PROD_LOCAL_PORT)

## make test: install the dev requirements and run the whole suite (SQLite unless DATABASE_URL):
## in parallel, then the few tests that assert wall-clock bounds alone (marker `timing`). Exit
## status 5 (every test of a phase deselected, e.g. PYTEST_ARGS names one file) is not a failure.
test: install-dev
	KG_TIMING_TESTS=skip $(PY) -m pytest --ds=kidney_genetics.settings.test $(PYTEST_ARGS) \
	  || [ $$? -eq 5 ]
	KG_TIMING_TESTS=only $(PY) -m pytest --ds=kidney_genetics.settings.test $(PYTEST_ARGS) -n0 \
	  || [ $$? -eq 5 ]

lint: install-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf var/kidney_genetics.sqlite3* var/staticfiles
