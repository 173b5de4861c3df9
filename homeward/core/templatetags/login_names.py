"""``{{ user.username|login_name }}``: a login name marked as no language (``lang="zxx"``),
so that screen readers do not read it as an English word and the language checks of the
tests (homeward/testing/language.py) do not count it as English on a Chinese page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def login_name(value: object) -> SafeString:
    return format_html('<span lang="zxx">{}</span>', value)
