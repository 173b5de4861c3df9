"""Password policy for 等保 level 3 (SECURITY.md AUTH-02)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from homeward.core.models import User
from homeward.testing.factories import agency

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Chongqing@2026", "password_context_word"),
        ("重庆Abc12345!x", "password_context_word"),
        ("Password123!", "password_too_common"),
        ("abcdefghijkl", "password_too_simple"),
        ("Short1!a", "password_too_short"),
        ("x" * 120 + "Aa1!" + "y" * 10, "password_too_long"),
    ],
)
def test_weak_passwords_are_rejected(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert code in [e.code for e in error.value.error_list]


def test_the_agency_name_is_a_context_word() -> None:
    user = User(username="u", full_name="u", agency=agency("500101-civil_affairs"))
    with pytest.raises(ValidationError):
        validate_password("万州区民政局Xy9!", user)


def test_a_long_mixed_passphrase_is_accepted() -> None:
    passphrase = ("Blue-river 7 mountains; " * 5)[:100]
    assert len(passphrase) == 100
    validate_password(passphrase)
