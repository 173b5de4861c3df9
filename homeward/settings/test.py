"""Settings for the test suite: fixed test-only keys, fast hashing, in-process tasks."""

from __future__ import annotations

import os

from homeward.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
HOMEWARD_ENVIRONMENT = "test"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Test-only keys (32 zero-ish bytes, base64); production keys come from the environment.
HOMEWARD_FIELD_KEYS = os.environ.get(
    "HOMEWARD_TEST_FIELD_KEYS",
    "t1:dGVzdC1rZXktb25lLTAxMjM0NTY3ODlhYmNkZWYwMTI=",
)
HOMEWARD_FIELD_KEY_ACTIVE = "t1"
HOMEWARD_BLIND_INDEX_KEY = "dGVzdC1ibGluZC1pbmRleC1rZXktMDEyMzQ1Njc4OWE="
# Anchors of the audit chain: one directory per test process; tests that verify the
# chain point it at their own temporary directory.
AUDIT_ANCHOR_DIR = VAR_DIR / f"test-audit-anchors-{os.getpid()}"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = True

# The SQLite test database is a file, so that the Celery worker of the integration
# test (another process) sees what the test wrote.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so that two runs in the same checkout do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405

# A worker started by the integration test runs with these settings plus a real broker.
if os.environ.get("HOMEWARD_WORKER_BROKER_URL"):
    CELERY_BROKER_URL = os.environ["HOMEWARD_WORKER_BROKER_URL"]
    CELERY_TASK_ALWAYS_EAGER = False
