"""Validation of Chinese resident identity numbers (GB 11643-1999)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def id_number_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def birth_date_from_id_number(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value: str) -> None:
    number = normalize_id_number(value)
    if not _PATTERN.match(number):
        raise ValidationError(
            _("An ID number has 18 characters; the last one may be a digit or X."), code="id_format"
        )
    if birth_date_from_id_number(number) is None:
        raise ValidationError(
            _("The date of birth in the ID number is invalid."), code="id_birth_date"
        )
    if id_number_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of the ID number is incorrect."), code="id_checksum"
        )
