"""Production settings pass Django's deploy checklist; production errors reveal nothing
(issue 2 §3; SECURITY.md AUTH-09, WEB-04)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOMEWARD_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "homeward.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "homeward.example.cn",
            "HOMEWARD_FIELD_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
            "HOMEWARD_FIELD_KEY_ACTIVE": "k1",
            "HOMEWARD_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
            "HOMEWARD_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
            # Not contacted by the checks; production needs a cache shared by processes.
            "HOMEWARD_CACHE_URL": "redis://127.0.0.1:6379/9",
        }
    )
    return env


def test_production_settings_pass_the_deploy_checklist(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_field_keys(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["HOMEWARD_FIELD_KEYS"]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "No field-encryption keys" in result.stderr


PRODUCTION_PROBE = r"""
import django, os
django.setup()
from django.test import Client
from django.urls import path
import homeward.urls as urls
def boom(request):
    raise RuntimeError("secret internals " + os.environ["DJANGO_SECRET_KEY"])
from homeward.core.permissions import public_view
urls.urlpatterns.insert(0, path("boom/", public_view(boom)))
client = Client(raise_request_exception=False)
r = client.get("/boom/", secure=True, HTTP_HOST="homeward.example.cn")
print("STATUS", r.status_code)
print("BODY", r.content.decode())
plain = Client().get("/public/", HTTP_HOST="homeward.example.cn")
print("HTTP", plain.status_code, plain.get("Location", ""))
s = Client().get("/login/", secure=True, HTTP_HOST="homeward.example.cn")
print("HSTS", s.get("Strict-Transport-Security", ""))
csrf = s.cookies.get("__Host-homeward-csrf")
print("CSRFCOOKIE", bool(csrf and csrf["secure"] and csrf["path"] == "/"))
from django.conf import settings
print("SESSIONCOOKIE", settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
      settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE)
# The cookie a real sign-in sets (the password step starts the session).
from homeward.core.models import Agency, User
user = User.objects.create_user(username="probe.user", password="Probe-Pass-2026-xyz",
                                agency=Agency.objects.order_by("pk").first())
signin = Client()
signin.get("/login/", secure=True, HTTP_HOST="homeward.example.cn")
r = signin.post("/login/", {"username": "probe.user", "password": "Probe-Pass-2026-xyz"},
                secure=True, HTTP_HOST="homeward.example.cn")
cookie = r.cookies.get("__Host-homeward-session")
print("SIGNIN", r.status_code, bool(cookie),
      bool(cookie and cookie["secure"]), bool(cookie and cookie["httponly"]),
      cookie["samesite"] if cookie else "", cookie["path"] if cookie else "",
      repr(cookie["domain"]) if cookie else "")
print("DEBUG", settings.DEBUG)
anon = Client()
print("ADMIN", anon.get("/admin/", secure=True, HTTP_HOST="homeward.example.cn").status_code)
print("TRACE", anon.generic("TRACE", "/", secure=True, HTTP_HOST="homeward.example.cn").status_code)
print("SCHEMA", anon.get("/api/v1/openapi.json", secure=True,
                         HTTP_HOST="homeward.example.cn").status_code)
print("DOCS", anon.get("/api/v1/docs", secure=True, HTTP_HOST="homeward.example.cn").status_code)
"""


def test_production_errors_reveal_nothing_and_http_redirects_to_https(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout
    assert "STATUS 500" in out, out + result.stderr
    body = out.split("BODY", 1)[1].split("HTTP", 1)[0]
    assert "Traceback" not in body and env["DJANGO_SECRET_KEY"] not in body and "/work" not in body
    assert "HTTP 301 https://homeward.example.cn/public/" in out
    hsts = out.split("HSTS", 1)[1]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert "CSRFCOOKIE True" in out
    assert "SESSIONCOOKIE __Host-homeward-session True True Lax" in out
    # AUTH-09: the session cookie a sign-in sets: Secure, HttpOnly, SameSite, and the
    # __Host- prefix's conditions (path /, no Domain).
    assert "SIGNIN 302 True True True Lax / ''" in out, out
    # WEB-04: DEBUG off, no Django admin, TRACE refused, the API's schema and docs not
    # public.
    assert "DEBUG False" in out
    assert "ADMIN 404" in out or "ADMIN 302" in out, out
    assert "TRACE 405" in out, out
    assert "SCHEMA 401" in out, out
    assert "DOCS 401" in out or "DOCS 404" in out, out
