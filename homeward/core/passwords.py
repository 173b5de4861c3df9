"""Password validators for 等保 level 3 (SECURITY.md AUTH-02)."""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.contrib.auth.password_validation import (
    MinimumLengthValidator as _DjangoMinimumLength,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homeward.core.models import User

# Words tied to this platform and its setting; a password containing one is guessable.
CONTEXT_WORDS = (
    "chongqing",
    "cq",
    "homeward",
    "huijia",
    "dagua",
    "fanguai",
    "tuanyuan",
    "重庆",
    "打拐",
    "反拐",
    "回家",
    "团圆",
    "公安",
    "民政",
)


class MinimumLengthValidator(_DjangoMinimumLength):
    """Django's minimum length, with its message in the platform's catalogue: Django
    5.2.19 asks for "…at least %d character." while its own zh_Hans catalogue has
    "%(min_length)d", so the message reached Chinese users in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "The password is too short: it needs at least %(min)d character.",
            "The password is too short: it needs at least %(min)d characters.",
            self.min_length,
        ) % {"min": self.min_length}


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("The password must not be longer than %(max)d characters.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password can be at most %(max)d characters long.") % {"max": self.max_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case, upper-case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        return sum(
            (
                bool(re.search(r"[a-z]", password)),
                bool(re.search(r"[A-Z]", password)),
                bool(re.search(r"[0-9]", password)),
                bool(re.search(r"[^a-zA-Z0-9]", password)),
            )
        )

    def validate(self, password: str, user: User | None = None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "The password must contain at least %(n)d kind of character from: lower-case letters, upper-case letters, digits, other characters.",
                    "The password must contain at least %(n)d kinds of character from: lower-case letters, upper-case letters, digits, other characters.",
                    self.min_classes,
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least %(n)d of: lower-case letters, upper-case letters, digits, other characters."
        ) % {"n": self.min_classes}


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # Django's list of 20,000 common passwords (lower-case).
    return frozenset(CommonPasswordValidator().passwords)


class CommonBaseWordValidator:
    """Rejects a common password, and a common password dressed up with digits and
    symbols ("Password123!" is "password" plus decoration)."""

    def validate(self, password: str, user: User | None = None) -> None:
        lowered = password.lower().strip()
        base = re.sub(r"[^a-z]", "", lowered)
        common = _common_passwords()
        if lowered in common or (len(base) >= 4 and base in common):
            raise ValidationError(_("This password is too common."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Your password can’t be a common password or a simple variation of one.")


class ContextWordsValidator:
    """Rejects passwords containing words tied to the platform, its city or the
    user's agency (重庆, 打拐, the agency name …)."""

    def validate(self, password: str, user: User | None = None) -> None:
        lowered = password.lower()
        words = list(CONTEXT_WORDS)
        if user is not None and getattr(user, "agency_id", None):
            words.extend([user.agency.name_zh, user.agency.code.split(".")[-1]])
        for word in words:
            if len(word) >= 2 and word.lower() in lowered:
                if word == "cq" and "cq" not in re.sub(r"[^a-z]", "", lowered):
                    continue
                raise ValidationError(
                    _(
                        "The password must not contain words related to this platform, the region or the agency."
                    ),
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _(
            "Your password can’t contain related words such as “Chongqing” (重庆), “dagua” (打拐) or the agency name."
        )
