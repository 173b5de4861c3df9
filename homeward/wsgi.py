"""WSGI entry point (gunicorn ``homeward.wsgi:application``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.embedded")
application = get_wsgi_application()
