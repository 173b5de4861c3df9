"""``manage.py deactivate_demo_accounts``: disable every active demo account and end its
sessions (the deploy check homeward.E003 names this command). Works without the demo
app installed, as in production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.core.models import User
from homeward.core.services.accounts import user_deactivate


class Command(BaseCommand):
    help = "Disable every active demo account (is_demo) and end its sessions."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = list(User.objects.filter(is_demo=True, is_active=True))
        for account in accounts:
            user_deactivate(actor=None, user=account, reason="demo account in production")
        self.stdout.write(self.style.SUCCESS(f"{len(accounts)} demo account(s) disabled"))
