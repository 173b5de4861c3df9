from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "homeward.demo"
    label = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from homeward.core.startup import register_banner

        register_banner(_demo_accounts_banner)


def _demo_accounts_banner() -> str:
    from homeward.demo.accounts import demo_accounts_text

    accounts = demo_accounts_text()
    if not accounts:
        return ""
    lines = ["", "Demo accounts (username, password, role, agency[, TOTP secret]):"]
    lines += ["  " + line.replace("\t", "   ") for line in accounts.splitlines()]
    lines.append(
        "  Accounts with a TOTP secret need a code: add the secret to an authenticator app,"
        " or run `.venv/bin/python manage.py demo_otp USERNAME`."
    )
    return "\n".join(lines) + "\n"
