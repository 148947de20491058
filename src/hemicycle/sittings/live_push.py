"""Push channel of the public live screens: server-sent events (``text/event-stream``).

Polling every second cannot show a result "within a second" to every viewer (a viewer whose
poll left just before the vote closed asks again a second later), and a thousand viewers
polling cost the server more than the 163 members voting. Here a viewer keeps ONE connection
open and the new state is pushed to all of them as soon as it changes:

- one small asyncio server (aiohttp), ``hemicycle live_push --port 8001``, next to the WSGI
  application (the reverse proxy routes ``/seances/<slug>/ecran/flux`` to it; ``make demo`` starts
  it and the pages point to it through ``HEMICYCLE_LIVE_PUSH_URL``);
- one watcher reads the ``live_version`` of every watched sitting in one indexed query every
  ``POLL_SECONDS``; on a change it builds the JSON once (``screen.payload_body``, the same body
  as ``ecran.json``) and every subscriber writes it to its connection;
- changes that matter to the room (a ballot opens or closes, the item or the sitting's state
  changes) are pushed at once; the running tally of an open vote at most every
  ``TALLY_SECONDS``; a comment line every ``HEARTBEAT_SECONDS`` keeps proxies from closing the
  connection;
- only public sittings have a stream (huis clos: 404, as ``ecran.json``); the data are those of
  the public screen, so any origin may read them (``Access-Control-Allow-Origin: *``).

The pages fall back to polling ``ecran.json`` / ``voter.json`` when the stream is not there.
"""

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

POLL_SECONDS = 0.1
TALLY_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0
IDLE_SECONDS = 30.0
FIND_SECONDS = 5.0  # a sitting nobody watches any more is forgotten after this


def _key_of(body: bytes) -> tuple:
    """What must reach the room at once: ballot (id, state), item, sitting state."""
    data = json.loads(body)
    ballot = data.get("ballot") or {}
    item = data.get("item") or {}
    return (ballot.get("id"), ballot.get("state"), item.get("position"), item.get("state"),
            (data.get("sitting") or {}).get("state"), data.get("speaker"))


class Channel:
    """The latest message of one sitting, and an event set (then replaced) at each new one."""

    def __init__(self, pk: int):
        self.pk = pk
        self.version = -1
        self.message = b""
        self.key: tuple = ()
        self.published_at = 0.0
        self.pending: tuple | None = None  # (version, body) held back by the tally pace
        self.changed = asyncio.Event()
        self.subscribers = 0
        self.idle_since = time.monotonic()

    def publish(self, version: int, body: bytes, key: tuple) -> None:
        self.version, self.key, self.published_at, self.pending = version, key, time.monotonic(), None
        self.message = b"id: %d\nevent: state\ndata: %s\n\n" % (version, body)
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()


class Hub:
    def __init__(self):
        self.channels: dict[int, Channel] = {}
        # Django's ORM is synchronous: one thread does every database read, in order.
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-push-db")
        self.watcher: asyncio.Task | None = None
        self.closing = False
        self.found: dict[tuple, tuple] = {}  # (authority, slug) → (when, future of (pk, public) or None)

    def close(self) -> None:
        """Server shutting down: every stream ends (the browsers reconnect to another server)."""
        self.closing = True
        for channel in self.channels.values():
            channel.changed.set()
        if self.watcher is not None:
            self.watcher.cancel()

    async def run_db(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self.db, function, *args)

    # --- database side (runs in the executor thread) -------------------------------------------
    @staticmethod
    def _find(authority: str, slug: str):
        from .models import Sitting

        rows = list(Sitting.objects.filter(slug=slug, authority__slug=authority).values_list("pk", "public")[:2])
        return rows[0] if len(rows) == 1 else None

    @staticmethod
    def _versions(pks: list[int]) -> dict[int, int]:
        from django.db import close_old_connections

        from .models import Sitting

        try:
            return dict(Sitting.objects.filter(pk__in=pks).values_list("pk", "live_version"))
        except Exception:
            close_old_connections()  # a broken connection is reopened at the next read
            raise

    @staticmethod
    def _body(pk: int, version: int) -> bytes:
        from .views.screen import payload_body

        return payload_body(pk, version)

    # --- asyncio side ----------------------------------------------------------------------------
    async def channel_for(self, authority: str, slug: str) -> Channel | None:
        # A thousand viewers connect within a second: the sitting is looked up once for them all
        # (for FIND_SECONDS), not once each.
        key, now = (authority, slug), time.monotonic()
        cached = self.found.get(key)
        if cached is None or now - cached[0] > FIND_SECONDS:
            cached = self.found[key] = (now, asyncio.ensure_future(self.run_db(self._find, authority, slug)))
        found = await asyncio.shield(cached[1])
        if found is None or not found[1]:
            return None
        pk = found[0]
        channel = self.channels.get(pk)
        if channel is None:
            channel = self.channels[pk] = Channel(pk)
            await self.refresh([channel])
        if self.watcher is None or self.watcher.done():
            self.watcher = asyncio.create_task(self.watch())
        return channel

    async def refresh(self, channels: list[Channel]) -> None:
        versions = await self.run_db(self._versions, [c.pk for c in channels])
        now = time.monotonic()
        for channel in channels:
            version = versions.get(channel.pk)
            if version is None:
                continue
            if version != channel.version and (channel.pending is None or channel.pending[0] != version):
                body = await self.run_db(self._body, channel.pk, version)
                key = _key_of(body)
                if key != channel.key or channel.version < 0:
                    channel.publish(version, body, key)
                    continue
                channel.pending = (version, body)
            if channel.pending is not None and now - channel.published_at >= TALLY_SECONDS:
                version, body = channel.pending
                channel.publish(version, body, channel.key)

    async def watch(self) -> None:
        while self.channels:
            await asyncio.sleep(POLL_SECONDS)
            now = time.monotonic()
            for pk, channel in list(self.channels.items()):
                if channel.subscribers == 0 and now - channel.idle_since > IDLE_SECONDS:
                    del self.channels[pk]
            try:
                await self.refresh(list(self.channels.values()))
            except Exception:  # the database was busy or restarted: try again at the next tick
                await asyncio.sleep(1)


HUB_KEY = web.AppKey("hub", Hub)
CORS = {"Access-Control-Allow-Origin": "*"}


async def stream(request: web.Request) -> web.StreamResponse:
    hub = request.app[HUB_KEY]
    channel = await hub.channel_for(request.query.get("collectivite", ""), request.match_info["slug"])
    if channel is None:
        return web.json_response({"error": "Séance introuvable ou à huis clos."}, status=404, headers=CORS)
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no", **CORS})
    await response.prepare(request)
    channel.subscribers += 1
    sent = -1
    try:
        await response.write(b"retry: 2000\n\n")
        while not hub.closing:
            changed = channel.changed
            if channel.version != sent and channel.message:
                sent = channel.version
                await response.write(channel.message)
            try:
                await asyncio.wait_for(changed.wait(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b": ping\n\n")
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        channel.subscribers -= 1
        channel.idle_since = time.monotonic()
    return response


async def health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _on_shutdown(app: web.Application) -> None:
    app[HUB_KEY].close()


def make_app() -> web.Application:
    app = web.Application()
    app[HUB_KEY] = Hub()
    app.on_shutdown.append(_on_shutdown)
    app.router.add_get("/seances/{slug}/ecran/flux", stream)
    app.router.add_get("/healthz", health)
    return app
