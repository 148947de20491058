"""A shortcut in front of Django for the most frequent request of a live sitting: a public
screen asking whether anything changed.

Every viewer of the public screen (``screen.js``) polls ``/seances/<slug>/ecran.json?collectivite=
<authority>`` each second with ``If-None-Match``; nearly all the answers are "304 Not
Modified". Through Django's whole stack (request object, middleware, URL resolution, ORM) such
an answer costs about 1.5–2.5 ms of CPU: a thousand viewers would need more than a core for
nothing. And while a vote is open every vote cast changes the state, so that each poll gets
a new body: the same cost again, per viewer and per second. This WSGI wrapper
(``hemicycle/wsgi.py``) answers those requests itself with one prepared SQL query — the version
of that public sitting — in about a tenth of that, and hands everything else to Django
untouched:

- only ``GET``/``HEAD`` of that URL with ``collectivite=`` and nothing else in the query string;
- only when exactly one sitting matches and it is public (no huis clos);
- "304 Not Modified" when the viewer's ``If-None-Match`` is the current ETag
  (``"<pk>.<live_version>"``, as ``views.screen.screen_json``); else the same JSON body as that
  view (``views.screen.payload_body``: kept per version in this process, built once — in
  French, the application's language);
- with the headers the view's answer carries (ETag, Cache-Control, Vary and the security
  headers of the middleware), so the viewer cannot tell the difference.

The database connection is managed as Django does around a request (``close_old_connections``
before and after: ``CONN_MAX_AGE`` applies). Any doubt — another query string shape, no such
sitting, huis clos, an error — and Django answers. (ASGI deployments, ``hemicycle.asgi``, do
not go through it: the view gives the same answers, at Django's cost.)
"""

import logging
import re
from urllib.parse import parse_qs

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import translation

logger = logging.getLogger(__name__)


class LiveScreenShortcut:
    def __init__(self, app):
        self.app = app
        self._path = None
        self._sql = None
        self._headers = None

    def _prepare(self) -> None:
        from django.urls import reverse

        from hemicycle.organisation.models import Authority

        from .models import Sitting

        marker = "slug-0"
        path = reverse("sittings:live_screen_json", kwargs={"slug": marker})
        before, after = path.split(marker)
        self._path = re.compile(re.escape(before) + r"(?P<slug>[-a-zA-Z0-9_]+)" + re.escape(after))
        quote = connections["default"].ops.quote_name
        self._sql = (f"SELECT s.{quote('id')}, s.{quote('live_version')}, s.{quote('public')} "
                     f"FROM {quote(Sitting._meta.db_table)} s INNER JOIN {quote(Authority._meta.db_table)} a "
                     f"ON a.{quote('id')} = s.{quote('authority_id')} "
                     f"WHERE a.{quote('slug')} = %s AND s.{quote('slug')} = %s")
        headers = [("Cache-Control", "no-cache"), ("Vary", "Accept-Language, Cookie")]
        if settings.X_FRAME_OPTIONS:
            headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        self._headers = headers

    def answer(self, environ) -> tuple[str, list, bytes] | None:
        """(status, headers, body) for this request, or None when Django must answer."""
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return None
        if self._path is None:
            self._prepare()
        match = self._path.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        authority = query.get("collectivite", [])
        if len(query) != 1 or len(authority) != 1:
            return None
        close_old_connections()  # as Django does when a request starts and when it ends
        try:
            return self._answer(method, authority[0], match["slug"], environ.get("HTTP_IF_NONE_MATCH"))
        except Exception:  # noqa: BLE001 - Django answers instead, and reports the error its way
            logger.warning("Raccourci de l'écran public : la requête est confiée à Django.", exc_info=True)
            return None
        finally:
            close_old_connections()

    def _answer(self, method: str, authority: str, slug: str, held: str | None):
        from .views.screen import payload_body

        with connections["default"].cursor() as cursor:
            cursor.execute(self._sql, [authority, slug])
            rows = cursor.fetchmany(2)
        if len(rows) != 1:
            return None
        pk, version, public = rows[0]
        if not public:
            return None
        etag = f'"{pk}.{version}"'
        if held == etag:
            return "304 Not Modified", [("ETag", etag), *self._headers], b""
        with translation.override(settings.LANGUAGE_CODE):
            body = payload_body(pk, version)
        headers = [("ETag", etag), ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                   *self._headers]
        return "200 OK", headers, b"" if method == "HEAD" else body

    def __call__(self, environ, start_response):
        answer = self.answer(environ)
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body] if body else []
