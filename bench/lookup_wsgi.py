"""WSGI entry for the lookup benchmark server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.lookup_settings")
application = get_wsgi_application()
