"""The push channel of the live screens (server-sent events, ``hemicycle live_push``): a viewer
gets the current state on connecting, then every change the room must see — a ballot opening,
its tally, its result — without asking; sittings held in camera have no stream."""

import asyncio
import http.client
import json
import socket
import threading

import pytest
from aiohttp import web

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.live_push import make_app
from hemicycle.sittings.samples_live import live_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def push_server():
    """The push server on a free loopback port, in a thread with its own event loop."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder = {}

    async def start():
        runner = web.AppRunner(make_app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        holder["runner"] = runner
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield port
    asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


class Stream:
    def __init__(self, port, path):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.request("GET", path)
        self.response = self.connection.getresponse()

    def next_state(self) -> dict:
        """The data of the next ``state`` event (blocks, at most the socket's time-out)."""
        event, data = None, None
        while True:
            line = self.response.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and event == "state" and data is not None:
                return json.loads(data)

    def until(self, predicate, limit: int = 200) -> dict:
        for _ in range(limit):
            state = self.next_state()
            if predicate(state):
                return state
        raise AssertionError("état attendu jamais reçu")

    def close(self):
        self.connection.close()


def test_state_is_pushed_as_the_vote_goes(world, push_server):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=7)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    stream = Stream(push_server, f"/seances/{sw.sitting.slug}/ecran/flux?collectivite={world.authority.slug}")
    try:
        assert stream.response.status == 200
        assert stream.response.getheader("Content-Type").startswith("text/event-stream")
        assert stream.response.getheader("Access-Control-Allow-Origin") == "*"
        first = stream.next_state()
        assert first["item"]["title"] == item.title and first["ballot"] is None

        ballot = votes.open_ballot(clerk, item, method="electronic")
        opened = stream.until(lambda s: (s["ballot"] or {}).get("state") == "open")
        assert opened["ballot"]["id"] == ballot.pk and opened["ballot"]["votes_cast"] == 0

        votes.cast_vote(world.users[Role.MEMBER], ballot, value="pour")
        tally = stream.until(lambda s: (s["ballot"] or {}).get("votes_cast") == 1)
        assert tally["ballot"]["state"] == "open"
        votes.close_electronic(clerk, ballot)
        closed = stream.until(lambda s: (s["ballot"] or {}).get("state") == "closed")
        assert closed["ballot"]["results"]["outcome"] in ("adopted", "rejected")
        assert closed["decided"][0]["number"] == 1
    finally:
        stream.close()


def test_huis_clos_and_unknown_sittings_have_no_stream(world, push_server):
    sw = live_world(world, members=9, present=7)
    sw.sitting.public = False
    sw.sitting.save(update_fields=["public"])
    for path in (f"/seances/{sw.sitting.slug}/ecran/flux?collectivite={world.authority.slug}",
                 f"/seances/inconnue/ecran/flux?collectivite={world.authority.slug}",
                 f"/seances/{sw.sitting.slug}/ecran/flux?collectivite=autre"):
        connection = http.client.HTTPConnection("127.0.0.1", push_server, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 404, path
        assert "huis clos" in json.loads(response.read())["error"]
        connection.close()


def test_pages_name_the_stream_only_when_configured(world, client, settings):
    sw = live_world(world, members=9, present=7)
    page = f"/seances/{sw.sitting.slug}/ecran/?collectivite={world.authority.slug}"
    settings.HEMICYCLE_LIVE_PUSH_URL = ""
    assert 'data-stream-url=""' in client.get(page).content.decode()
    settings.HEMICYCLE_LIVE_PUSH_URL = "https://direct.example.org"
    html = client.get(page).content.decode()
    assert (f'data-stream-url="https://direct.example.org/seances/{sw.sitting.slug}/ecran/flux?'
            f'collectivite={world.authority.slug}"') in html.replace("&amp;", "&")
