"""The shortcut in front of Django for the public screen's polls (sittings/live_fastpath.py,
wired in hemicycle/wsgi.py): it gives the answers the view gives — 304 with the same headers,
the same JSON — and leaves every other case to Django (huis clos, unknown sitting, other query
strings, other URLs)."""

import io

import pytest

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live
from hemicycle.sittings.live_fastpath import LiveScreenShortcut
from hemicycle.sittings.models import Sitting
from hemicycle.sittings.samples_live import live_world

# The shortcut manages the connection as Django does around a request (close_old_connections),
# which is only meaningful outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from hemicycle.sittings.views import screen

    cache.clear()
    screen.latest_bodies.clear()


class Django:
    """Stands for the application behind the shortcut: records that it was asked."""

    def __init__(self):
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("299 Django", [])
        return [b"django"]


def call(app, path, query="", etag=None, method="GET"):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http"}
    if etag:
        environ["HTTP_IF_NONE_MATCH"] = etag
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


@pytest.fixture
def sitting(world):
    return live_world(world, members=5)


def test_same_answers_as_the_view(world, client, sitting):
    path = f"/seances/{sitting.sitting.slug}/ecran.json"
    query = f"collectivite={world.authority.slug}"
    view = client.get(f"{path}?{query}")
    django = Django()
    app = LiveScreenShortcut(django)

    first = call(app, path, query)
    assert first["status"] == "200 OK" and first["body"] == view.content
    assert first["headers"]["ETag"] == view["ETag"] and first["headers"]["Content-Type"] == "application/json"

    not_modified = call(app, path, query, etag=view["ETag"])
    through_django = client.get(f"{path}?{query}", headers={"If-None-Match": view["ETag"]})
    assert not_modified["status"] == "304 Not Modified" and not_modified["body"] == b""
    for name, value in not_modified["headers"].items():
        assert through_django[name] == value, name  # ETag, Cache-Control, Vary, security headers
    assert django.calls == 0

    live.set_speaker(world.users[Role.SECRETARIAT], sitting.sitting, "Le directeur général des services")
    changed = call(app, path, query, etag=view["ETag"])
    assert changed["status"] == "200 OK" and changed["headers"]["ETag"] != view["ETag"]
    assert b"Le directeur g" in changed["body"]
    assert changed["body"] == client.get(f"{path}?{query}").content
    assert call(app, path, query, method="HEAD")["body"] == b""


def test_everything_else_goes_to_django(world, other_world, sitting):
    django = Django()
    app = LiveScreenShortcut(django)
    path = f"/seances/{sitting.sitting.slug}/ecran.json"
    query = f"collectivite={world.authority.slug}"
    for args in [(path, ""),  # no authority named: the visitor's own, resolved by the view
                 (path, query + "&x=1"),
                 (path, f"collectivite={other_world.authority.slug}"),  # no such sitting there
                 (f"/seances/{sitting.sitting.slug}/ecran/", query),
                 (f"/seances/{sitting.sitting.slug}/voter.json", query)]:
        assert call(app, *args)["status"] == "299 Django", args
    assert call(app, path, query, method="POST")["status"] == "299 Django"
    Sitting.objects.filter(pk=sitting.sitting.pk).update(public=False)
    assert call(app, path, query)["status"] == "299 Django"  # huis clos: the view says 404
    assert django.calls == 7


def test_wsgi_application_is_wrapped():
    from hemicycle import wsgi

    assert isinstance(wsgi.application, LiveScreenShortcut)
