import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A worker loads the replies model before its first request, so no reply waits for it.
from reactivate.replies.understand import warm  # noqa: E402

warm()
