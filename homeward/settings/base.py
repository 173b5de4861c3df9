"""Settings shared by every deployment. Values come from the environment through
the typed parsers in :mod:`homeward.config.env`; nothing here reads files."""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

from csp.constants import NONCE

from homeward.config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_json_object,
    env_list,
    env_minutes,
    env_path,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGE_DIR = BASE_DIR / "homeward"
VAR_DIR = env_path("HOMEWARD_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "homeward.core",
    "homeward.people",
    "homeward.public",
    "homeward.dna",
    "homeward.tips",
    "homeward.cases",
    "homeward.alerts",
    "homeward.prevention",
    "homeward.victims",
    "homeward.coordination",
    "homeward.reunion",
    "homeward.screening",
    "homeward.analysis",
    "homeward.demo",
]

MIDDLEWARE = [
    "homeward.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "homeward.core.middleware.RefuseMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "homeward.core.middleware.RequestContextMiddleware",
    "homeward.core.middleware.FailClosedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "homeward.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "homeward.core.middleware.SessionLifetimeMiddleware",
    "homeward.core.stepup.StepUpMiddleware",
    "homeward.core.middleware.LoginRequiredMiddleware",
    "homeward.core.middleware.AccountGateMiddleware",
    "homeward.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "homeward.core.page_errors.PageErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Addresses of the reverse proxies whose X-Real-IP header states the client's address
# (deploy/nginx: 127.0.0.1). Empty: the header is never read.
HOMEWARD_TRUSTED_PROXIES = env_list("HOMEWARD_TRUSTED_PROXIES", [])

ROOT_URLCONF = "homeward.urls"
WSGI_APPLICATION = "homeward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "homeward.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", ""),
        sqlite_path=VAR_DIR / "homeward.sqlite3",
        sqlite_synchronous=env_str("HOMEWARD_SQLITE_SYNCHRONOUS", "FULL"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "homeward",
    }
}
_redis_cache = env_str("HOMEWARD_CACHE_URL", "")
if _redis_cache:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_cache,
    }

# --- Accounts and login security (SECURITY.md AUTH-*) ---------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "homeward.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "homeward.core.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "homeward.core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "homeward.core.passwords.CommonBaseWordValidator"},
    {"NAME": "homeward.core.passwords.ContextWordsValidator"},
]
PASSWORD_MAX_AGE = timedelta(days=env_int("HOMEWARD_PASSWORD_MAX_AGE_DAYS", 90, minimum=1))
ACCOUNT_INACTIVITY_LIMIT = timedelta(
    days=env_int("HOMEWARD_ACCOUNT_INACTIVITY_DAYS", 90, minimum=1)
)

AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("HOMEWARD_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_minutes("HOMEWARD_LOGIN_LOCKOUT_MINUTES", 30)
# django-axes counts failures until AXES_COOLOFF_TIME passes after the last one, so
# "5 failures within 15 minutes" is enforced as the stricter "5 failures with less
# than 30 minutes between them" (docs/security.md records the deviation).
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-address throttling is done separately with a higher limit (LOGIN_IP_*), because a
# police station or hospital signs in from one NAT address: locking the address after
# 5 failures would lock out a whole office.
LOGIN_IP_FAILURE_LIMIT = env_int("HOMEWARD_LOGIN_IP_FAILURE_LIMIT", 50, minimum=5)
LOGIN_IP_WINDOW = env_minutes("HOMEWARD_LOGIN_IP_WINDOW_MINUTES", 15)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "homeward.core.views.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
AXES_ENABLE_ADMIN = False
# A locked-out attempt does not restart the cool-off: otherwise one request every 29
# minutes would keep a username locked for ever (issue 17 defect 11).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "homeward.core.client_ip.axes_client_ip"
AXES_VERBOSE = False

# The TLS proxy's addresses (or networks): only requests from these have their
# forwarding header believed for the client address (throttles, lockouts, audit).
TRUSTED_PROXIES = [  # a bad address fails here, at start-up
    str(ip_network(proxy, strict=False)) for proxy in env_list("HOMEWARD_TRUSTED_PROXIES", [])
]
CLIENT_IP_HEADER = env_str("HOMEWARD_CLIENT_IP_HEADER", "X-Forwarded-For")
CLIENT_IP_META_KEY = "HTTP_" + CLIENT_IP_HEADER.upper().replace("-", "_")

OTP_TOTP_ISSUER = "Homeward 回家"
OTP_TOTP_THROTTLE_FACTOR = 1

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env_minutes("HOMEWARD_SESSION_IDLE_MINUTES", 15)
SESSION_ABSOLUTE_TIMEOUT = env_minutes("HOMEWARD_SESSION_ABSOLUTE_MINUTES", 8 * 60)
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "homeward.core.views.errors.csrf_failure"
STEP_UP_WINDOW = env_minutes("HOMEWARD_STEP_UP_MINUTES", 5)
# A sealed first sign-in or reset link stays usable this long (issued by the system
# administrator, opened by the head of the user's unit, used once by the user).
SIGNIN_LINK_LIFETIME = env_minutes("HOMEWARD_SIGNIN_LINK_MINUTES", 72 * 60)
# An emergency read of one out-of-scope record lasts this long (AC-06).
BREAK_GLASS_WINDOW = env_minutes("HOMEWARD_BREAK_GLASS_MINUTES", 4 * 60)
# Exports of personal records (DP-05): more rows than this need the unit head's
# approval (valid once, for EXPORT_APPROVAL_VALIDITY); each user has a daily quota.
EXPORT_ROW_LIMIT = env_int("HOMEWARD_EXPORT_ROW_LIMIT", 50, minimum=1)
EXPORT_DAILY_QUOTA = env_int("HOMEWARD_EXPORT_DAILY_QUOTA", 10, minimum=1)
EXPORT_APPROVAL_VALIDITY = env_minutes("HOMEWARD_EXPORT_APPROVAL_MINUTES", 24 * 60)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Plotly's bundled plotly.min.js from the installed package (no CDN; analysis charts).
    "homeward.analysis.staticfiles.PlotlyFinder",
]
MEDIA_ROOT = VAR_DIR / "media"  # never served directly; files go through authorised views
MEDIA_URL = "/protected-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PHOTO_MAX_BYTES = env_int("HOMEWARD_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)
# Pixel caps checked from the picture's header before decoding (core.uploads): a JPEG is
# decoded at reduced scale (a 50-megapixel phone photo costs ~20 MB); PNG and WebP whole.
PHOTO_MAX_PIXELS = env_int("HOMEWARD_PHOTO_MAX_PIXELS", 64_000_000, minimum=1_000_000)
PHOTO_MAX_PIXELS_UNSCALED = env_int(
    "HOMEWARD_PHOTO_MAX_PIXELS_UNSCALED", 16_000_000, minimum=1_000_000
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Content security policy (django-csp 4) -------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Field encryption keys (never in the database or the repository) ------------------
HOMEWARD_FIELD_KEYS = env_str("HOMEWARD_FIELD_KEYS", "")
HOMEWARD_FIELD_KEY_ACTIVE = env_str("HOMEWARD_FIELD_KEY_ACTIVE", "")
HOMEWARD_BLIND_INDEX_KEY = env_str("HOMEWARD_BLIND_INDEX_KEY", "")
HOMEWARD_FIELD_KEYS_FILE = env_path("HOMEWARD_FIELD_KEYS_FILE", VAR_DIR / "field-keys.json")

# --- DNA ---------------------------------------------------------------------------------
# Fewer typed loci than this and a specimen is refused at import (Identifiler and
# Sinofiler type 15 autosomal STRs; decisions need more, see homeward.kinship.decisions).
DNA_MIN_LOCI = env_int("HOMEWARD_DNA_MIN_LOCI", 15, minimum=10)
DNA_INDEX_DIR = env_path("HOMEWARD_DNA_INDEX_DIR", VAR_DIR / "dna-index")
DNA_TOP_K = env_int("HOMEWARD_DNA_TOP_K", 20, minimum=1, maximum=500)
# A search is spread over this many shard scans on the workers of DNA_SHARD_QUEUE
# (homeward.dna.sharding); 0 or 1 scans in the process running the search.
DNA_SEARCH_SHARDS = env_int("HOMEWARD_DNA_SEARCH_SHARDS", 0, minimum=0, maximum=64)
DNA_SHARD_QUEUE = env_str("HOMEWARD_DNA_SHARD_QUEUE", "dna-shards")
# Scan threads per shard worker process (one per core is the most that helps).
DNA_SHARD_THREADS = env_int("HOMEWARD_DNA_SHARD_THREADS", 1, minimum=1, maximum=16)

# --- Situation analysis ------------------------------------------------------------------
# H3 resolution of the clue hot spots (7: cells of about 5 km²).
ANALYSIS_H3_RESOLUTION = env_int("HOMEWARD_ANALYSIS_H3_RESOLUTION", 7, minimum=4, maximum=10)
# The monthly early warning catches up at most this many missed months.
ANALYSIS_CATCH_UP_MONTHS = env_int("HOMEWARD_ANALYSIS_CATCH_UP_MONTHS", 12, minimum=1, maximum=120)

# --- Clues -------------------------------------------------------------------------------
TIP_HOURLY_LIMIT = env_int("HOMEWARD_TIP_HOURLY_LIMIT", 10, minimum=1)
# Rewards above this amount (yuan) also need the municipal bureau's approval.
TIP_REWARD_MUNICIPAL_THRESHOLD = env_int("HOMEWARD_TIP_REWARD_MUNICIPAL_THRESHOLD", 5000, minimum=0)
# API operations open to anonymous callers (each declares auth=None and throttles).
PUBLIC_API_PATHS = frozenset({"/api/v1/tips/", "/api/v1/tips/status"})
# Path prefixes whose operations authenticate themselves: the public alert API
# (anonymous, throttled), and the partner API when called with a bearer token.
PUBLIC_API_PREFIXES = ("/api/v1/alerts/public/",)
PARTNER_API_PREFIX = "/api/v1/partner/"

# --- Missing-child alerts -----------------------------------------------------------------
# Radius by time since the disappearance, "minutes:km,...": the 团圆 platform's rule of thumb.
ALERT_RADIUS_SCHEDULE = env_str("HOMEWARD_ALERT_RADIUS_SCHEDULE", "0:100,60:200,120:300,180:500")
# A last-seen point must be in Chongqing or within this many km of its boundary.
ALERT_SERVED_MARGIN_KM = env_int("HOMEWARD_ALERT_SERVED_MARGIN_KM", 10, minimum=0, maximum=200)
# A CAP message (other than a Cancel) expires this many hours after it is sent, unless an
# Update or Cancel of the alert replaces it first.
ALERT_CAP_EXPIRES_HOURS = env_int("HOMEWARD_ALERT_CAP_EXPIRES_HOURS", 72, minimum=1, maximum=720)
ALERT_DISPATCH_BATCH = env_int("HOMEWARD_ALERT_DISPATCH_BATCH", 500, minimum=1, maximum=10000)
# Failed sends are retried with growing backoff; after this many the row is dead-lettered.
ALERT_MAX_ATTEMPTS = env_int("HOMEWARD_ALERT_MAX_ATTEMPTS", 6, minimum=1, maximum=20)
ALERT_HTTP_TIMEOUT_SECONDS = env_int("HOMEWARD_ALERT_HTTP_TIMEOUT", 10, minimum=1, maximum=120)
# A dispatch or fan-out that has shown no sign of life for this long is restarted by tick().
ALERT_LEASE_SECONDS = env_int("HOMEWARD_ALERT_LEASE_SECONDS", 60, minimum=5)
# SMS gateway (HTTP, JSON, HMAC-signed). Empty: SMS is recorded, not sent (development).
ALERT_SMS_GATEWAY_URL = env_str("HOMEWARD_SMS_GATEWAY_URL", "")
ALERT_SMS_GATEWAY_SECRET = env_str("HOMEWARD_SMS_GATEWAY_SECRET", "")
# Web push (VAPID). Off: web push subscriptions are recorded, not sent (development).
ALERT_WEB_PUSH = env_bool("HOMEWARD_WEB_PUSH", False)
ALERT_VAPID_KEY_FILE = env_path("HOMEWARD_VAPID_KEY_FILE", VAR_DIR / "vapid-private.pem")
ALERT_VAPID_CONTACT = env_str("HOMEWARD_VAPID_CONTACT", "mailto:alerts@homeward.invalid")
ALERT_CAP_SENDER = env_str("HOMEWARD_ALERT_CAP_SENDER", "alerts@gaj.cq.homeward.invalid")
# Where the public site is reached from outside (links in CAP messages and pushes).
PUBLIC_BASE_URL = env_str("HOMEWARD_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# A reverse proxy or CDN purge endpoint for ended alerts' public pages (optional).
ALERT_CACHE_PURGE_URL = env_str("HOMEWARD_ALERT_CACHE_PURGE_URL", "")
# Test hook: the recording channel waits this long (ms) per batch, to let a test kill a
# worker in the middle of a dispatch.
ALERT_RECORD_DELAY_MS = env_int("HOMEWARD_ALERT_RECORD_DELAY_MS", 0, minimum=0, maximum=60000)
SIGHTING_HOURLY_LIMIT = env_int("HOMEWARD_SIGHTING_HOURLY_LIMIT", 20, minimum=1)

# --- Prevention ------------------------------------------------------------------------
# Days between visits by risk level, per ledger category ("default" for the others).
# Override with a JSON object in HOMEWARD_PREVENTION_VISIT_DAYS.
PREVENTION_VISIT_DAYS = env_json_object(
    "HOMEWARD_PREVENTION_VISIT_DAYS",
    {
        "default": {"high": 30, "medium": 60, "low": 90},
        "left_behind_child": {"high": 30, "medium": 30, "low": 60},
        "street_minor": {"high": 7, "medium": 14, "low": 30},
        "abandoned_infant": {"high": 7, "medium": 14, "low": 30},
    },
)
# A dropout with no contact for this many days is reported to the police as possibly
# missing.
PREVENTION_DROPOUT_NO_CONTACT_DAYS = env_int(
    "HOMEWARD_PREVENTION_DROPOUT_NO_CONTACT_DAYS", 7, minimum=1, maximum=90
)

# --- The plan: evaluation criteria (weights add up to 100) ---------------------------------
# Known keys: report_on_time, tasks_done, progress_recorded, meeting_held (labels in
# coordination.work_views.CRITERION_LABELS).
PLAN_EVALUATION_CRITERIA = [
    {"key": "report_on_time", "weight": 30},
    {"key": "tasks_done", "weight": 40},
    {"key": "progress_recorded", "weight": 10},
    {"key": "meeting_held", "weight": 20},
]

# --- Victims -----------------------------------------------------------------------------
# Days after the 3-month mark within which the household-registration task must be done.
VICTIMS_REGISTRATION_TASK_DAYS = env_int("HOMEWARD_VICTIMS_REGISTRATION_TASK_DAYS", 30, minimum=1)
# Follow-up visits after a victim goes home, in days after the return.
VICTIMS_FOLLOW_UP_DAYS = [
    int(d) for d in env_list("HOMEWARD_VICTIMS_FOLLOW_UP_DAYS", ["30", "90", "180", "365"])
]
# Legal-aid green channel: working days allowed for each step.
VICTIMS_LEGAL_AID_SLA_DAYS = env_json_object(
    "HOMEWARD_VICTIMS_LEGAL_AID_SLA_DAYS", {"review": 1, "assign": 2, "handle": 30}
)

# --- Finding relatives -------------------------------------------------------------------
# A missing-child alert still published (not resolved, not withdrawn) this many days after
# it was published becomes a family search (寻亲登记) through the tick job.
REUNION_ALERT_DAYS = env_int("HOMEWARD_REUNION_ALERT_DAYS", 30, minimum=1, maximum=3650)
# How long a process keeps the index of found persons while the table is unchanged
# (reunion.engine.matchable_index); 0 rebuilds it for every matching run.
REUNION_INDEX_CACHE_SECONDS = env_int(
    "HOMEWARD_REUNION_INDEX_CACHE_SECONDS", 300, minimum=0, maximum=86400
)

# --- Audit -------------------------------------------------------------------------------
# The contact and photo of a public sighting are erased this long after the alert ended
# (core.retention; DP-04).
SIGHTING_RETENTION_DAYS = env_int("HOMEWARD_SIGHTING_RETENTION_DAYS", 180, minimum=1)
AUDIT_RETENTION_DAYS = env_int("HOMEWARD_AUDIT_RETENTION_DAYS", 3 * 365, minimum=184)
# Signed anchors of the chain head are appended to a daily file here: put it on the log
# host (or a disk the database's owner cannot write) — see docs/audit.md.
AUDIT_ANCHOR_DIR = env_path("HOMEWARD_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors")
# A checkpoint is anchored by tick() when the head moved and the last one is this old.
AUDIT_CHECKPOINT_SECONDS = env_int("HOMEWARD_AUDIT_CHECKPOINT_SECONDS", 600, minimum=1)
# Link events into the chain right after each commit (otherwise only in tick()).
AUDIT_CHAIN_ON_COMMIT = env_bool("HOMEWARD_AUDIT_CHAIN_ON_COMMIT", True)

# --- Background work ----------------------------------------------------------------------
# Without a broker, tasks run in-process ("memory://" is never contacted in eager mode).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
# Several deployments may share one Redis: each consumes and publishes to its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("HOMEWARD_CELERY_QUEUE", "celery")
TICK_INTERVAL_SECONDS = env_int("HOMEWARD_TICK_SECONDS", 30, minimum=1)
# On SQLite a tick job holds a lease row while it runs; a process that dies holding it
# frees the job after this long (PostgreSQL uses advisory locks, freed with the session).
TICK_JOB_LEASE_SECONDS = env_int("HOMEWARD_TICK_JOB_LEASE_SECONDS", 300, minimum=30)
# Tick jobs work in committed batches of this many rows, so that a backlog never holds
# the database (SQLite's one writer, PostgreSQL row locks) for long.
TICK_BATCH_SIZE = env_int("HOMEWARD_TICK_BATCH_SIZE", 100, minimum=1, maximum=5000)
# On SQLite a job pauses this long between batches so that other writers get the lock.
TICK_BATCH_PAUSE_MS = env_int("HOMEWARD_TICK_BATCH_PAUSE_MS", 120, minimum=0, maximum=5000)
# Celery beat keeps its schedule state here, never in the working directory (a checkout).
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "homeward-tick": {"task": "homeward.core.tasks.run_tick", "schedule": TICK_INTERVAL_SECONDS}
}

# --- Logging: no personal data, newline-safe ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "homeward.core.logging.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HOMEWARD_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per audit event: only to the log host, when shipping is configured.
        "homeward.audit.events": {"level": "WARNING", "propagate": False},
    },
}
# AUD-04: the audit trail shipped to syslog/journald ("/dev/log") or a collector
# ("host:514"), one JSON line per event (docs/audit.md). Empty: not shipped.
AUDIT_SYSLOG = env_str("HOMEWARD_AUDIT_SYSLOG", "")
if AUDIT_SYSLOG:
    from homeward.core.audit_shipping import logging_config as _audit_logging

    _shipping = _audit_logging(AUDIT_SYSLOG)
    LOGGING["handlers"].update(_shipping["handlers"])  # type: ignore[attr-defined]
    LOGGING["loggers"].update(_shipping["loggers"])  # type: ignore[attr-defined]
