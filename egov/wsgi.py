"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
application = get_wsgi_application()

# After the set-up, so the checks see every app; an exception here makes gunicorn stop ("Worker failed to boot").
from egov.startup import refuse_to_start_on_check_errors  # noqa: E402

refuse_to_start_on_check_errors()
