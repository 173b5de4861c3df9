# Homeward — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
PHONY_EXTRA := bench-load bench-fanout bench-exactly-once bench-backlog bench-linkage bench-earlywarning bench-screening bench-screening-intake bench-analysis
BACKUP_DIR ?= var/backups/$(shell date -u +%Y%m%dT%H%M%SZ)
.PHONY: backup restore db-roles help run setup test test-postgres test-integration lint format typecheck importlint bench worker beat messages makemessages check-deploy clean
.PHONY: lock audit vulndb data-inventory

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Every package is installed by its pinned version and checked against its sha256 hashes
# (SECURITY.md SC-01); `make lock` re-pins, `make audit` checks for known vulnerabilities.
$(RUNTIME_STAMP): pyproject.toml requirements/runtime.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/runtime.lock
	@touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements/dev.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@

TOOLS := var/tools
lock: ## Re-pin requirements/*.lock with sha256 hashes from pyproject.toml (pip-tools, needs the index)
	@test -x $(TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-tools==7.7.0; }
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements/runtime.lock pyproject.toml
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

audit: $(DEV_STAMP) ## Known vulnerabilities of every pinned package, offline, against requirements/vulndb
	$(PY) scripts/vulndb.py check

vulndb: ## Refresh requirements/vulndb from OSV (online), or ADVISORY_DB=<pypa/advisory-database checkout>
	$(PY) scripts/vulndb.py refresh $(if $(ADVISORY_DB),--advisory-db $(ADVISORY_DB))

data-inventory: $(RUNTIME_STAMP) ## Write docs/data-inventory.md from homeward/core/inventory.py (DP-04)
	$(PY) manage.py data_inventory

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

bench-fanout: $(DEV_STAMP) ## Alert fan-out to 1,000,000 subscribers on the local PostgreSQL (~8 min, 2 GB)
	$(PY) bench/alerts_fanout.py --database postgres --no-dispatch

bench-backlog: $(DEV_STAMP) ## Two ticks flag 5,000 overdue clues while the public submits (PostgreSQL, then SQLite; ~2 min)
	$(PY) bench/tick_backlog.py --database postgres
	$(PY) bench/tick_backlog.py --database sqlite

bench-analysis: $(DEV_STAMP) ## Situation analysis pages over 10 million events of ten years (rollup cells) on PostgreSQL (~5 min)
	$(PY) bench/analysis_bench.py

bench-linkage: $(DEV_STAMP) ## Finding relatives: ranking quality on an untuned seed, and search speed at 1,000,000 found persons (~10 min, 5 GB)
	$(PY) bench/linkage_bench.py --open-sample 1000

bench-earlywarning: $(DEV_STAMP) ## Early warning: false alarms and detection of the improved Farrington on simulated monthly series (report seed 2; ~1.5 min CPU, 1.5 min wall per worker at load 4)
	$(PY) bench/earlywarning_bench.py --series 20 --trials 50 --jobs 2

bench-screening-intake: $(DEV_STAMP) ## Online screening: a 10,000-post export imported, classified and clustered (SQLite; ~3 min)
	$(PY) bench/screening_intake.py --posts 10000

bench-screening: $(DEV_STAMP) ## Online screening: classification speed (20,000 posts) and clustering 1,000,000 posts (~5 min, 2 GB)
	$(PY) bench/screening_bench.py

bench-exactly-once: $(DEV_STAMP) ## 20,000 SMS through a real HTTP gateway, worker killed 3 times (Redis; ~4 min)
	$(PY) bench/alerts_exactly_once.py

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
