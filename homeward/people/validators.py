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


def sex_from_id_number(value: str) -> str:
    """``"male"`` or ``"female"``: the 17th character is odd for men (GB 11643-1999)."""
    return "male" if int(value[16]) % 2 else "female"


def birth_errors(
    *,
    date_of_birth: date | None = None,
    id_number: str = "",
    sex: str = "",
    age_estimated_on: date | None = None,
    today: date | None = None,
) -> dict[str, list[str]]:
    """What is wrong with a person's birth and identity as entered: a date of birth in
    the future, a date of birth or sex that contradicts the ID number, an ID number of
    someone not born yet. ``{field: [message]}``, empty when all is well. The one check
    of the registry, used by its forms, its services and every form that registers a
    person."""
    from django.utils import timezone

    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if date_of_birth is not None and date_of_birth > today:
        errors["date_of_birth"] = [_("The date of birth cannot be in the future.")]
    if age_estimated_on is not None and age_estimated_on > today:
        errors["age_estimated_on"] = [_("The date of the age estimate is in the future.")]
    number = normalize_id_number(id_number or "")
    if not number:
        return errors
    try:
        validate_id_number(number)
    except ValidationError as error:
        errors["id_number"] = list(error.messages)
        return errors
    born = birth_date_from_id_number(number)
    if born is not None and born > today:
        errors["id_number"] = [_("The date of birth in the ID number is in the future.")]
    elif born is not None and date_of_birth is not None and born != date_of_birth:
        errors.setdefault("date_of_birth", []).append(
            _("The date of birth differs from the one in the ID number (%(born)s).")
            % {"born": born.isoformat()}
        )
    if sex in ("male", "female") and sex != sex_from_id_number(number):
        errors["sex"] = [_("The sex differs from the one the ID number gives.")]
    return errors


def validate_birth(**fields: object) -> None:
    """:func:`birth_errors` as a :class:`ValidationError` keyed by field."""
    errors = birth_errors(**fields)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
