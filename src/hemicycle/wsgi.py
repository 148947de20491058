import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemicycle.settings")
_django = get_wsgi_application()

# The public live screens' "anything new?" polls are answered before Django (see the module).
from hemicycle.sittings.live_fastpath import LiveScreenShortcut  # noqa: E402 - needs Django set up

application = LiveScreenShortcut(_django)
