"""Validators shared by every app: dates and times that record something that has
already happened cannot lie in the future."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A phone's clock may run a few minutes ahead of the server's.
CLOCK_TOLERANCE = timedelta(minutes=10)


def is_in_future(value: date | datetime, *, now: datetime | None = None) -> bool:
    """True when ``value`` lies after today (a date) or after now plus the clock
    tolerance (a time). Naive times are read in the platform's time zone."""
    now = now or timezone.now()
    if isinstance(value, datetime):
        aware = value if timezone.is_aware(value) else timezone.make_aware(value)
        return aware > now + CLOCK_TOLERANCE
    return value > timezone.localdate(now)


def validate_not_in_future(value: date | datetime | None) -> None:
    """A form and model validator: the day or time of something that has happened."""
    if value is None:
        return
    if is_in_future(value):
        message = (
            _("This time is in the future.")
            if isinstance(value, datetime)
            else _("This date is in the future.")
        )
        raise ValidationError(message, code="in_future")


def future_errors(**values: date | datetime | None) -> dict[str, list[str]]:
    """``{field: [message]}`` for each named value that lies in the future; services use
    it to refuse what a form would have refused (the API and imports reach them too)."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            validate_not_in_future(value)
        except ValidationError as error:
            errors[name] = list(error.messages)
    return errors
