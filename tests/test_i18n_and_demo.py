"""The zh-hans catalogue is complete; the demo data set is reproducible."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def test_the_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    spec = importlib.util.spec_from_file_location("check", ROOT / "scripts/check_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.problems(module.CATALOGUE) == []
    assert len(__import__("polib").pofile(str(module.CATALOGUE))) > 200


@pytest.mark.django_db
def test_seed_demo_builds_the_same_people_every_time_and_only_once(
    settings: object, tmp_path: Path
) -> None:
    from homeward.core.models import User
    from homeward.demo.seed import seed_people
    from homeward.people.models import Person

    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("seed_demo", people=40, stdout=io.StringIO())
    # The registry's synthetic people (other modules' demo data registers a few more).
    registry = Person.objects.filter(created_by__username__startswith="demo.registrar.")
    first = list(
        registry.order_by("pk").values_list("full_name", "date_of_birth", "division__code")
    )
    assert len(first) == 40
    total = Person.objects.count()
    from homeward.demo.accounts import DEMO_ACCOUNTS

    # Only the printed accounts can sign in; the registrars that own the records cannot.
    can_sign_in = [
        user.username
        for user in User.objects.filter(is_demo=True, is_active=True)
        if user.has_usable_password()
    ]
    assert sorted(can_sign_in) == sorted(a.username for a in DEMO_ACCOUNTS)
    accounts = (tmp_path / "demo-accounts.txt").read_text(encoding="utf-8")
    assert "demo.investigator" in accounts and "TOTP:" in accounts
    assert oct((tmp_path / "demo-accounts.txt").stat().st_mode & 0o777) == "0o600"
    call_command("seed_demo", stdout=io.StringIO())
    assert Person.objects.count() == total  # not seeded twice
    registry.delete()
    seed_people(count=40)
    again = list(
        registry.order_by("pk").values_list("full_name", "date_of_birth", "division__code")
    )
    assert again == first
