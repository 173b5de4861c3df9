# Homeward — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
PHONY_EXTRA := bench-load
BACKUP_DIR ?= var/backups/$(shell date -u +%Y%m%dT%H%M%SZ)
.PHONY: backup restore db-roles help run setup test test-postgres test-integration lint format typecheck importlint bench worker beat messages makemessages check-deploy clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(RUNTIME_STAMP): pyproject.toml requirements/runtime.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/runtime.lock
	@touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements/dev.lock
	$(PY) -m pip install --quiet -r requirements/dev.lock
	@touch $@

messages: $(RUNTIME_STAMP) ## Compile translations (.po -> .mo) without GNU gettext
	$(PY) manage.py i18n_compile

setup: $(RUNTIME_STAMP) messages ## Create the venv, migrate, load reference and demo data
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo

run: setup ## Set everything up and serve http://127.0.0.1:8000 (embedded: SQLite, in-process tasks, ticker)
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP) messages ## Run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)
	$(PY) -m pytest -q

test-postgres: $(DEV_STAMP) messages ## Run the suite against PostgreSQL (DATABASE_URL, default local test DB)
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(PY) -m pytest -q

lint: $(DEV_STAMP) ## ruff format check and lint
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(DEV_STAMP) ## Reformat the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(DEV_STAMP) ## mypy (strict) with django-stubs
	$(VENV)/bin/mypy homeward

importlint: $(DEV_STAMP) ## import-linter: the engines stay free of Django
	$(VENV)/bin/lint-imports

bench: $(DEV_STAMP) ## Run the benchmarks in bench/ (foundation, kinship, alert fan-out: ~5 min, 2 GB)
	$(PY) bench/run.py
	$(PY) bench/kinship_bench.py
	$(PY) bench/alerts_fanout.py

bench-load: $(DEV_STAMP) ## Load test of public clue intake on the local PostgreSQL (~1 min)
	$(PY) bench/tips_load.py

backup: $(RUNTIME_STAMP) ## Back up database, files and audit anchors to BACKUP_DIR (KEYS_DIR=... also copies the key file, keep it apart)
	$(PY) manage.py backup --output $(BACKUP_DIR) $(if $(KEYS_DIR),--keys-output $(KEYS_DIR))

restore: $(RUNTIME_STAMP) ## Restore BACKUP_DIR (KEYS_DIR=... puts the key file back), then check rows, keys and the audit chain
	@test -n "$(BACKUP_DIR)" || (echo "set BACKUP_DIR=" >&2; exit 2)
	$(PY) manage.py restore --input $(BACKUP_DIR) $(if $(KEYS_DIR),--keys $(KEYS_DIR))

db-roles: $(RUNTIME_STAMP) ## PostgreSQL: create/refresh the run-time roles homeward_app and homeward_dna (as the owner, after migrate)
	$(PY) manage.py db_roles $(if $(DB_ROLE_PASSWORDS),--passwords-from-env)

worker: $(RUNTIME_STAMP) ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A homeward worker --loglevel INFO

beat: $(RUNTIME_STAMP) ## Run Celery beat, which schedules tick() (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A homeward beat --loglevel INFO

makemessages: $(DEV_STAMP) ## Extract translatable strings (needs GNU gettext)
	$(PY) manage.py makemessages -l zh_Hans -l en --add-location file --ignore '.venv/*' --ignore 'var/*'

check-deploy: $(RUNTIME_STAMP) ## Django's deploy checklist with production settings and dummy secrets
	DJANGO_SETTINGS_MODULE=homeward.settings.production DJANGO_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(64))') \
	DJANGO_ALLOWED_HOSTS=homeward.example.cn HOMEWARD_FIELD_KEYS=k1:$$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())') \
	HOMEWARD_CACHE_URL=redis://127.0.0.1:6379/1 HOMEWARD_FIELD_KEY_ACTIVE=k1 HOMEWARD_BLIND_INDEX_KEY=$$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())') \
	HOMEWARD_VAR_DIR=$$(mktemp -d) $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the venv and local state (database, keys, demo accounts)
	rm -rf $(VENV) var
