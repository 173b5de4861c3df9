"""WSGI entry point (gunicorn ``homeward.wsgi:application``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.embedded")
application = get_wsgi_application()

# Refuse to serve with keys that do not match the data (issue 19): raises
# ImproperlyConfigured naming the key, so gunicorn's workers fail to boot.
from homeward.core.keycheck import keyring_startup_check  # noqa: E402

keyring_startup_check()
