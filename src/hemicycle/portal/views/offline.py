"""The service worker (served under /elu/ so that its scope is the portal) and the page it
shows when a portal page was never opened and the network is gone."""

from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hemicycle.core.access import public

SW_PATH = Path(__file__).resolve().parent.parent / "static" / "portal" / "sw.js"


def _service_worker_source() -> bytes:
    return SW_PATH.read_bytes()


@public
def service_worker(request):
    """The script holds no data (public); its scope is the portal (Service-Worker-Allowed)."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("portal:home")
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def offline(request):
    """Shown by the service worker for a page never opened while online. Holds no data."""
    return render(request, "portal/offline.html", {"title": _("Hors ligne")})
