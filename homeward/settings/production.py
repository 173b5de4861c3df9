"""Production: PostgreSQL, Redis broker, TLS everywhere. Every secret comes from the
environment; a missing one stops the process at start-up."""

from __future__ import annotations

from homeward.config.env import env_bool, env_int, env_list, env_str
from homeward.settings.base import *  # noqa: F403

# The demo (synthetic data, demo accounts, seed_demo, demo_otp) is not installed.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "homeward.demo"]  # noqa: F405

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
HOMEWARD_ENVIRONMENT = "production"
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])

SECURE_SSL_REDIRECT = env_bool("HOMEWARD_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("HOMEWARD_HSTS_SECONDS", 31_536_000, minimum=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-homeward-session"
CSRF_COOKIE_NAME = "__Host-homeward-csrf"
