"""WSGI entry point, for gunicorn or any WSGI server in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_lewisham.settings")

application = get_wsgi_application()
