"""The platform's own words for the errors every form field can give (issue 12).

Django's stock messages read as programmer text in Chinese ("确保该变量包含不超过 …",
"选择一个有效的选项。 closed 不在可用的选项中。"): they do not say which field is wrong,
and they echo raw values back. After a form is cleaned, every error that still carries
Django's stock wording is replaced by a message that names the field by its label and
says what to do. Messages a form or validator wrote itself are kept as they are.

It applies to every form (installed once, in ``CoreConfig.ready``), so a new form cannot
forget it; ``install()`` wraps ``BaseForm.full_clean``, Django's documented entry point
for validation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_WRAPPED = "_homeward_platform_messages"


def _stock_messages() -> set[int]:
    """The identities of Django's own message objects (lazy strings), from every field
    class and the core validators."""
    found: set[int] = set()
    stack: list[type] = [forms.Field]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for message in vars(cls).get("default_error_messages", {}).values():
            found.add(id(message))
    # Model fields too: a service's full_clean() gives these, and a page puts them on its
    # form (core.form_errors.apply_errors).
    model_stack: list[type] = [models.Field]
    while model_stack:
        cls = model_stack.pop()
        model_stack.extend(cls.__subclasses__())
        for message in vars(cls).get("default_error_messages", {}).values():
            found.add(id(message))
    for validator in (
        validators.MaxLengthValidator,
        validators.MinLengthValidator,
        validators.MaxValueValidator,
        validators.MinValueValidator,
        validators.StepValueValidator,
        validators.RegexValidator,
        validators.EmailValidator,
        validators.URLValidator,
        validators.ProhibitNullCharactersValidator,
        validators.FileExtensionValidator,
    ):
        found.add(id(validator.message))
    for message in validators.DecimalValidator.messages.values():
        found.add(id(message))
    return found


_STOCK: set[int] = set()


def _is_stock(error: ValidationError) -> bool:
    if not _STOCK:
        _STOCK.update(_stock_messages())
    return id(getattr(error, "message", None)) in _STOCK


def _kind(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "tick"
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return "choose"
    return "fill"


def platform_message(field: forms.Field, label: str, error: ValidationError) -> str:
    """The platform's message for ``error`` of ``field`` (shown as ``label``)."""
    code = error.code or ""
    params = error.params or {}
    if field.widget.is_hidden:
        return _("The page is out of date or incomplete. Reload it and try again.")
    if code in ("unique", "unique_for_date"):
        return _("A record with this “%(field)s” exists already: check it.") % {"field": label}
    if code in ("required", "null", "blank"):
        kind = _kind(field)
        if kind == "tick":
            return _("Tick “%(field)s” to go on.") % {"field": label}
        if kind == "file":
            return _("Add the file for “%(field)s”.") % {"field": label}
        if kind == "choose":
            return _("Choose “%(field)s”.") % {"field": label}
        return _("Fill in “%(field)s”.") % {"field": label}
    if code == "max_length":
        limit = int(params.get("limit_value", 0))
        if isinstance(field, forms.FileField):
            return _("The file name for “%(field)s” is too long.") % {"field": label}
        return ngettext(
            "“%(field)s” can hold at most %(limit)d character; this has %(count)d.",
            "“%(field)s” can hold at most %(limit)d characters; this has %(count)d.",
            limit,
        ) % {"field": label, "limit": limit, "count": int(params.get("show_value", 0))}
    if code == "min_length":
        limit = int(params.get("limit_value", 0))
        return ngettext(
            "“%(field)s” needs at least %(limit)d character.",
            "“%(field)s” needs at least %(limit)d characters.",
            limit,
        ) % {"field": label, "limit": limit}
    if code in ("invalid_choice", "invalid_pk_value", "invalid_list"):
        return _("The choice for “%(field)s” is not one of the options: choose again.") % {
            "field": label
        }
    if code == "max_value":
        return _("“%(field)s” cannot be more than %(limit)s.") % {
            "field": label,
            "limit": params.get("limit_value"),
        }
    if code == "min_value":
        return _("“%(field)s” cannot be less than %(limit)s.") % {
            "field": label,
            "limit": params.get("limit_value"),
        }
    if code in ("max_digits", "max_decimal_places", "max_whole_digits", "step_size"):
        return _("“%(field)s” has too many digits.") % {"field": label}
    if code == "null_characters_not_allowed":
        return _("“%(field)s” holds characters that cannot be stored.") % {"field": label}
    if code in ("invalid_image", "invalid_extension", "empty", "missing", "contradiction"):
        return _("“%(field)s” must be a photo in JPEG, PNG or WebP format.") % {"field": label}
    if code == "invalid" or code == "overflow":
        if isinstance(field, forms.IntegerField):
            return _("Enter a whole number for “%(field)s”.") % {"field": label}
        if isinstance(field, forms.FloatField | forms.DecimalField):
            return _("Enter a number for “%(field)s”.") % {"field": label}
        if isinstance(field, forms.DateTimeField):
            return _("Enter a date and time for “%(field)s”, such as 2026-03-01 14:30.") % {
                "field": label
            }
        if isinstance(field, forms.DateField):
            return _("Enter a date for “%(field)s”, such as 2026-03-01.") % {"field": label}
        if isinstance(field, forms.EmailField):
            return _("Enter an e-mail address for “%(field)s”.") % {"field": label}
        if isinstance(field, forms.URLField):
            return _("Enter a web address for “%(field)s”, starting with https://.") % {
                "field": label
            }
    return _("“%(field)s” is not in a form the platform accepts.") % {"field": label}


def form_message(error: ValidationError) -> str:
    """The platform's message for a stock ``error`` about the form as a whole."""
    if error.code in ("unique", "unique_together", "unique_for_date"):
        return _("A record like this exists already: check it.")
    return _("This could not be saved as it is: check the fields and try again.")


def platform_errors(form: forms.BaseForm) -> None:
    """Replace Django's stock wording in ``form``'s errors by the platform's."""
    errors = getattr(form, "_errors", None)
    if not errors:
        return
    for name, error_list in errors.items():
        field = form.fields.get(name)
        if field is None:
            for index, error in enumerate(error_list.data):
                if isinstance(error, ValidationError) and _is_stock(error):
                    error_list.data[index] = ValidationError(form_message(error), code=error.code)
            continue
        label = str(field.label or name.replace("_", " "))
        for index, error in enumerate(error_list.data):
            if isinstance(error, ValidationError) and _is_stock(error):
                error_list.data[index] = ValidationError(
                    platform_message(field, label, error), code=error.code
                )


def install() -> None:
    """Make every form give the platform's messages (idempotent)."""
    full_clean: Callable[[forms.BaseForm], None] = forms.BaseForm.full_clean
    if getattr(full_clean, _WRAPPED, False):
        return

    @wraps(full_clean)
    def full_clean_with_platform_messages(self: forms.BaseForm, *args: Any, **kwargs: Any) -> None:
        full_clean(self, *args, **kwargs)
        platform_errors(self)

    setattr(full_clean_with_platform_messages, _WRAPPED, True)
    forms.BaseForm.full_clean = full_clean_with_platform_messages  # type: ignore[method-assign]
