"""The deployment a province runs (deploy/): each piece is checked by its own tool where
the machine has it, and its structure — the parts the platform relies on — always.

- systemd units: ``systemd-analyze verify`` (paths rewritten to this checkout);
- nginx site: ``nginx -t`` when nginx is installed, else the TLS and proxy-header lines;
- PostgreSQL settings: every name is a real server setting (``pg_settings``);
- Redis settings: every directive is one the running server knows (``CONFIG GET``);
- logrotate: ``logrotate -d``;
- compose: ``docker compose config`` when the plugin is there, else its structure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = ("homeward-web", "homeward-worker", "homeward-beat")


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        list(args), capture_output=True, text=True, check=False, timeout=120, **kwargs
    )


# --- systemd ------------------------------------------------------------------------------


def _unit(name: str) -> str:
    return (DEPLOY / "systemd" / f"{name}.service").read_text()


@pytest.mark.parametrize("name", UNITS)
def test_each_systemd_unit_verifies(name: str, tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    text = (
        _unit(name)
        .replace("/opt/homeward", str(ROOT))
        .replace("/etc/homeward/homeward.env", str(DEPLOY / "systemd" / "homeward.env.example"))
        .replace("User=homeward", "User=root")
        .replace("Group=homeward", "Group=root")
    )
    unit = tmp_path / f"{name}.service"
    unit.write_text(text)
    result = _run("systemd-analyze", "verify", str(unit))
    assert result.returncode == 0, result.stderr
    # Unknown keys and bad values are only warnings: none may name our unit.
    assert str(unit) not in result.stderr and f"{name}.service" not in result.stderr, result.stderr


def test_the_units_run_the_platform_with_its_settings() -> None:
    web, worker, beat = (_unit(name) for name in UNITS)
    for text in (web, worker, beat):
        assert "EnvironmentFile=/etc/homeward/homeward.env" in text
        assert "User=homeward" in text and "NoNewPrivileges=true" in text
        assert "ReadWritePaths=/var/lib/homeward /var/log/homeward" in text
    assert "gunicorn homeward.wsgi:application" in web and "127.0.0.1:8000" in web
    assert "check --deploy" in web
    assert "celery -A homeward worker" in worker
    assert "celery -A homeward beat" in beat and " -s " not in beat and "--schedule" not in beat
    env = (DEPLOY / "systemd" / "homeward.env.example").read_text()
    for name in (
        "DJANGO_SETTINGS_MODULE=homeward.settings.production",
        "DATABASE_URL=postgresql://",
        "CELERY_BROKER_URL=redis://",
        "HOMEWARD_CACHE_URL=redis://",
        "HOMEWARD_FIELD_KEYS=",
        "HOMEWARD_BLIND_INDEX_KEY=",
        "HOMEWARD_TRUSTED_PROXIES=127.0.0.1",
    ):
        assert name in env


# --- nginx --------------------------------------------------------------------------------


def _directives(text: str) -> list[str]:
    return [
        " ".join(line.split("#", 1)[0].split())
        for line in text.splitlines()
        if line.split("#", 1)[0].strip()
    ]


def test_the_nginx_site_speaks_tls_and_sets_the_headers_the_platform_trusts() -> None:
    site = _directives((DEPLOY / "nginx" / "homeward.conf").read_text())
    assert "listen 443 ssl http2;" in site
    assert "location / { return 301 https://$host$request_uri; }" in site
    protocols = next(line for line in site if line.startswith("ssl_protocols"))
    assert protocols == "ssl_protocols TLSv1.2 TLSv1.3;"
    # The two headers the platform reads from its proxy, set (overwritten) by nginx.
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Real-IP $remote_addr;" in site
    assert 'proxy_set_header X-Forwarded-For "";' in site
    assert "server 127.0.0.1:8000 fail_timeout=0;" in site  # the web unit's bind
    assert "location /media/ { return 404; }" in site
    # What the platform trusts is what nginx sends.
    production = (ROOT / "homeward" / "settings" / "production.py").read_text()
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in production
    middleware = (ROOT / "homeward" / "core" / "middleware.py").read_text()
    assert 'request.META.get("HTTP_X_REAL_IP")' in middleware


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    # HOMEWARD_NGINX: an nginx binary not on PATH (e.g. unpacked from the distribution's
    # package with `apt-get download nginx && dpkg -x`).
    nginx = os.environ.get("HOMEWARD_NGINX") or shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (the structural test above checks the site)")
    certificate, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    made = _run(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=homeward.example.cn", "-keyout", str(key), "-out", str(certificate),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    site = (
        (DEPLOY / "nginx" / "homeward.conf")
        .read_text()
        .replace("/etc/ssl/homeward", str(tmp_path))
        .replace("/var/log/nginx", str(tmp_path))
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n"
        + "".join(
            f"{kind}_temp_path {tmp_path}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"access_log {tmp_path}/access.log;\ninclude {tmp_path}/site.conf;\n}}\n"
    )
    result = _run(nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path))
    assert result.returncode == 0, result.stderr


# --- PostgreSQL, Redis, logrotate -----------------------------------------------------------


def _settings_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip().strip("'")
    return pairs


def test_the_postgresql_settings_are_real_and_durable() -> None:
    values = _settings_file(DEPLOY / "postgresql" / "homeward.conf")
    assert values["fsync"] == "on" and values["synchronous_commit"] == "on"
    assert values["full_page_writes"] == "on" and values["listen_addresses"] == "127.0.0.1"
    assert values["password_encryption"] == "scram-sha-256"
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    known = _run(
        "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
        "SELECT name FROM pg_settings",
    )  # fmt: skip
    if known.returncode != 0:
        pytest.skip(f"PostgreSQL not reachable: {known.stderr.strip()}")
    assert set(values) - set(known.stdout.split()) == set()
    hba = (DEPLOY / "postgresql" / "pg_hba.conf").read_text()
    assert "trust" not in hba.split("#")[-1] and "scram-sha-256" in hba


def test_the_redis_settings_are_directives_redis_knows() -> None:
    directives = {}
    for line in (DEPLOY / "redis" / "homeward.conf").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition(" ")
            directives[name] = value
    assert directives["maxmemory-policy"] == "volatile-lru"  # never evicts the queues
    assert directives["appendonly"] == "yes" and directives["protected-mode"] == "yes"
    assert directives["bind"].startswith("127.0.0.1")
    if shutil.which("redis-cli") is None:
        pytest.skip("redis-cli is not installed")
    for name in directives:
        answer = _run("redis-cli", "CONFIG", "GET", name)
        if answer.returncode != 0 or "Could not connect" in answer.stdout + answer.stderr:
            pytest.skip("Redis not reachable")
        assert answer.stdout.split()[:1] == [name], f"Redis does not know {name!r}"


def test_logrotate_accepts_the_configuration(tmp_path: Path) -> None:
    text = (DEPLOY / "logrotate" / "homeward").read_text()
    assert "copytruncate" in text and "USR1" in text and re.search(r"maxage 18[4-9]", text)
    if shutil.which("logrotate") is None:
        pytest.skip("logrotate is not installed")
    # The homeward account does not exist on this machine: check as root.
    config = tmp_path / "homeward"
    config.write_text(text.replace("homeward homeward", "root root"))
    result = _run("logrotate", "-d", "-s", str(tmp_path / "state"), str(config))
    assert result.returncode == 0, result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


# --- docker compose -------------------------------------------------------------------------


def _compose_available() -> bool:
    return (
        shutil.which("docker") is not None and _run("docker", "compose", "version").returncode == 0
    )


def test_the_compose_file_brings_up_the_whole_stack(tmp_path: Path) -> None:
    compose_file = DEPLOY / "docker" / "compose.yaml"
    if _compose_available():
        env = tmp_path / "trial.env"
        shutil.copy(DEPLOY / "docker" / "trial.env.example", env)
        result = _run("docker", "compose", "-f", str(compose_file), "config", "--quiet")
        assert result.returncode == 0, result.stderr
    compose = yaml.safe_load(compose_file.read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat", "proxy"}
    for name in ("migrate", "web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert environment["HOMEWARD_CACHE_URL"] == "redis://redis:6379/1"
        assert services[name]["env_file"] == "trial.env"
    for name in ("db", "redis", "web"):
        assert services[name]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    proxy_address = services["proxy"]["networks"]["default"]["ipv4_address"]
    assert services["web"]["environment"]["HOMEWARD_TRUSTED_PROXIES"] == proxy_address
    assert "--maxmemory-policy" in services["redis"]["command"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "homeward-var"}
    trial = (DEPLOY / "docker" / "nginx-trial.conf").read_text()
    assert "X-Real-IP $remote_addr" in trial and "X-Forwarded-Proto $scheme" in trial
    secrets = (DEPLOY / "docker" / "trial.env.example").read_text()
    for name in ("DJANGO_SECRET_KEY", "HOMEWARD_FIELD_KEYS", "HOMEWARD_BLIND_INDEX_KEY"):
        assert f"{name}=" in secrets
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/runtime.lock" in dockerfile
    assert "USER homeward" in dockerfile
