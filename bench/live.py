"""B5 — the live sitting under load: 163 members and 1,000 public viewers on loopback while 163
electronic votes are cast.

World (built in the bench's throwaway SQLite database with the product's actions): an authority
of the Paris kind with 163 members in 8 political groups, each with a member account; the
Conseil de Paris convened (as ``sittings.samples_live`` does), every member present, officers
set, the sitting opened, one item taken up and an electronic ballot opened
(``actions.live`` and ``actions.votes``). A session is created beforehand for each member and
for the clerk (the secretariat), as after their login.

Server: the real application under gunicorn (gthread workers, as in production) on 127.0.0.1,
on the same database, with persistent database connections.

Load (Python asyncio with a small HTTP/1.1 client of its own, one process, loopback only,
bounded in count and time):
- 1,000 viewers poll ``/seances/<slug>/ecran.json`` as ``screen.js`` does: a request, then one
  second after its answer the next, with ``If-None-Match`` (the endpoint answers 304 while the
  state is unchanged); each has its own connection and starts at a random moment of the first
  second;
- 163 members, each with his session: open the vote page ``/voter/`` (token of the form),
  poll ``/voter.json`` every second as ``live.js`` does, post his vote once at a random moment
  of the voting window (and follow the redirect back to the page), reload the page when the
  ballot closes;
- the clerk, once the 163 votes are counted on the screen, closes the ballot on its page.

Measured: ``result_visible_s`` — from the clerk's close request being sent until the last of the
1,000 viewers has received the closed ballot's result; the latency of every request (p50, p95,
p99, max); errors (status other than 2xx/3xx, connection errors, time-outs of 10 s). Checked: the
163 votes are recorded and the result every viewer saw is the one stored.
"""

import asyncio
import datetime
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
AUTHORITY_SLUG = "paris-direct"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
BALLOT_INPUT = re.compile(rb'name="ballot" value="(\d+)"')


# --- World ---------------------------------------------------------------------------------------

@dataclass
class LiveWorld:
    slug: str
    item: int  # taken up, debate under way: the clerk opens the electronic ballot on it
    voters: int
    member_sessions: list = field(default_factory=list)  # session keys, one per member
    clerk_session: str = ""


def _session_for(user) -> str:
    """A session as after the user's login (what the login view stores)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def build_live_world(members: int = 163, groups: int = 8, seed: int = 5) -> LiveWorld:
    """The Conseil de Paris in session, its first item taken up (the ballot is opened during
    the run, by the clerk)."""
    from django.db import transaction
    from django.utils import timezone

    from hemicycle.accounts.models import RoleAssignment, User
    from hemicycle.acts.actions import create_act, set_state
    from hemicycle.acts.models import ActState
    from hemicycle.core.roles import Role
    from hemicycle.demo import vocabulary as V
    from hemicycle.organisation.models import Authority, Department, Mandate, Member, PoliticalGroup
    from hemicycle.sittings.actions import live
    from hemicycle.sittings.models import AgendaItem, Assembly, Attendance, Sitting

    rng = random.Random(seed)
    existing = Authority.objects.filter(slug=AUTHORITY_SLUG).first()  # a previous run in the same folder
    authority = existing or Authority.objects.create(
        name="Ville de Paris (séance en direct)", slug=AUTHORITY_SLUG, kind="paris", siren="217500016",
        siret="21750001600019", department_code="075", population=2_113_705, seats=members)
    with transaction.atomic():
        department, _ = Department.objects.get_or_create(authority=authority, code="SG",
                                                         defaults={"name": "Secrétariat général"})
        clerk, created = User.objects.get_or_create(username="direct-secretariat", defaults={
            "authority": authority, "first_name": "Sylvie", "last_name": "Marchand"})
        if created:
            RoleAssignment.objects.create(user=clerk, role=Role.SECRETARIAT)
        drafter, created = User.objects.get_or_create(username="direct-redacteur", defaults={
            "authority": authority, "department": department, "first_name": "Paul", "last_name": "Morel"})
        if created:
            RoleAssignment.objects.create(user=drafter, role=Role.DRAFTER, department=department)
        people = list(Member.objects.filter(authority=authority).order_by("pk"))
        if len(people) < members:
            parties = [PoliticalGroup.objects.create(authority=authority, name=f"Groupe {n + 1}",
                                                     short_name=f"G{n + 1}") for n in range(groups)]
            for i in range(len(people), members):
                female = i % 2 == 0
                member = Member.objects.create(
                    authority=authority, civility="Mme" if female else "M.",
                    first_name=rng.choice(V.FIRST_NAMES_F if female else V.FIRST_NAMES_M),
                    last_name=f"{rng.choice(V.LAST_NAMES)}-{i + 1}", email=f"elu{i + 1}@direct.example.org",
                    birth_date=datetime.date(1950 + i % 45, 1 + i % 12, 1 + i % 28),
                    group=parties[0] if i < members * 0.55 else parties[1 + i % (groups - 1)])
                user = User.objects.create_user(username=f"direct-elu-{i + 1}", password=None, authority=authority,
                                                first_name=member.first_name, last_name=member.last_name)
                RoleAssignment.objects.create(user=user, role=Role.MEMBER)
                member.user = user
                member.save(update_fields=["user"])
                if i == 0:
                    Mandate.objects.create(member=member, function="Maire", start_date=datetime.date(2026, 3, 22),
                                           is_president=True)
                people.append(member)
        people = people[:members]
        assembly = Assembly.objects.create(authority=authority, name="Conseil de Paris", seats=members)
        day = timezone.localdate()
        runs = Sitting.objects.filter(authority=authority).count()
        sitting = Sitting.objects.create(authority=authority, assembly=assembly,
                                         slug=f"{day.isoformat()}-direct" + (f"-{runs + 1}" if runs else ""),
                                         date=day, start_time=datetime.time(9, 0), place="Hôtel de Ville",
                                         state=Sitting.State.CONVENED)
        act = create_act(drafter, department=department,
                         object="Budget supplémentaire de la Ville de Paris pour l'exercice en cours",
                         visas=["Vu le code général des collectivités territoriales"],
                         considerants=["Considérant l'intérêt général"], articles=["Le budget est adopté."])
        set_state(act, ActState.READY, actor=clerk, reason="banc B5")
        item = AgendaItem.objects.create(sitting=sitting, position=1, act=act, title=act.object, on_convocation=True,
                                         rapporteur=people[1])
    for member in people:
        live.set_attendance(clerk, sitting, member, Attendance.Status.PRESENT)
    live.set_officers(clerk, sitting, president=people[0], secretaries=people[1:2])
    live.open_sitting(clerk, sitting)
    live.take_up_item(clerk, item)
    voters = len(live.voters(sitting, item))
    return LiveWorld(slug=sitting.slug, item=item.pk, voters=voters,
                     member_sessions=[_session_for(m.user) for m in people], clerk_session=_session_for(clerk))


def stored_result(ballot_pk: int | None) -> dict:
    from hemicycle.sittings.models import Ballot

    ballot = Ballot.objects.filter(pk=ballot_pk).first()
    if ballot is None:
        return {"state": "jamais ouvert", "votes": 0, "pour": None, "contre": None, "abstention": None, "nppv": None,
                "outcome": ""}
    return {"state": ballot.state, "votes": ballot.votes.count(), "pour": ballot.pour, "contre": ballot.contre,
            "abstention": ballot.abstention, "nppv": ballot.nppv, "outcome": ballot.outcome}


# --- Server --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(db: dict) -> str:
    """The URL of the database this process uses (the test database under pytest), for the server."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Server:
    """gunicorn serving the application on 127.0.0.1 (stopped by ``stop``, never left behind)."""

    def __init__(self, workers: int, threads: int, log: Path):
        from django.conf import settings
        from django.db import connection

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hemicycle.settings", "HEMICYCLE_DATA": str(settings.DATA_DIR),
               "HEMICYCLE_CONN_MAX_AGE": "600", "HEMICYCLE_TASKS": "database",
               "HEMICYCLE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
               "DATABASE_URL": database_url(connection.settings_dict)}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log.with_suffix(".access").unlink(missing_ok=True)
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(gunicorn), os.environ.get("HEMICYCLE_BENCH_WSGI_APP", "hemicycle.wsgi:application"),
             "--bind", f"127.0.0.1:{self.port}",
             "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
             "--worker-connections", "2000", "--backlog", "4096", "--keep-alive", "5", "--timeout", "60",
             "--graceful-timeout", "5", "--log-level", "warning",
             *(["--access-logfile", str(log.with_suffix(".access")), "--access-logformat", '%(r)s %(s)s %(M)s']
               if os.environ.get("HEMICYCLE_BENCH_ACCESS_LOG") else [])],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers, self.threads = workers, threads

    def wait_ready(self, url: str, timeout: float = 60) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (code {self.proc.returncode}), voir {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn ne répond pas")

    def pids(self) -> list[int]:
        """The master and its workers."""
        found = [self.proc.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers (Linux /proc)."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


class PushServer(Server):
    """``hemicycle live_push`` (server-sent events) on 127.0.0.1, on the same database."""

    def __init__(self, log: Path):  # noqa: D107 - same environment as the WSGI server
        from django.conf import settings
        from django.db import connection

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hemicycle.settings", "HEMICYCLE_DATA": str(settings.DATA_DIR),
               "HEMICYCLE_CONN_MAX_AGE": "600", "DATABASE_URL": database_url(connection.settings_dict)}
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hemicycle.manage", "live_push", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)


# --- Load ----------------------------------------------------------------------------------------
# A small HTTP/1.1 client on asyncio's protocols: one keep-alive connection per simulated person.
# (aiohttp, tried first, saturated its own event loop at this rate — 2 s of lag at the 99th
# percentile, which showed up as latency — and took CPU from the 2 cores the server has.)

class HTTPError(Exception):
    pass


class _Connection(asyncio.Protocol):
    def __init__(self):
        self.transport = None
        self.buffer = bytearray()
        self.waiter = None
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end])
        length = 0
        match = _CONTENT_LENGTH.search(head)
        if match:
            length = int(match.group(1))
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4:end + 4 + length])
        del self.buffer[:end + 4 + length]
        self.waiter.set_result((int(head[9:12]), head, body))

    def connection_lost(self, exc):
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(HTTPError("connexion fermée"))


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)
_SET_COOKIE = re.compile(rb"\r\nset-cookie: *([^=;\s]+)=([^;\r]*)", re.IGNORECASE)
_ETAG = re.compile(rb"\r\netag: *([^\r]+)", re.IGNORECASE)


class Client:
    """One person's browser: a keep-alive connection (reopened if the server closed it) and
    its cookies."""

    def __init__(self, host: str, port: int, stats: "Stats", cookies: dict | None = None):
        self.host, self.port, self.stats = host, port, stats
        self.cookies = dict(cookies or {})
        self.connection = None

    async def _connect(self):
        loop = asyncio.get_running_loop()
        _, self.connection = await loop.create_connection(_Connection, self.host, self.port)

    async def request(self, kind: str, method: str, path: str, *, headers: dict | None = None,
                      form: dict | None = None, timeout: float = 10.0):
        """(status, raw head, body), or (None, b"", b"") on an error (counted)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.perf_counter()
        try:
            for attempt in (1, 2):
                reused = self.connection is not None and not self.connection.closed
                if not reused:
                    await self._connect()
                connection = self.connection
                connection.waiter = asyncio.get_running_loop().create_future()
                connection.transport.write(raw)
                try:
                    status, head, content = await asyncio.wait_for(connection.waiter, timeout)
                    break
                except HTTPError:
                    # The server closed an idle keep-alive connection as the request left: a
                    # browser sends it again on a new connection (nothing was answered).
                    if not reused or connection.buffer or attempt == 2:
                        raise
                    self.connection = None
        except (OSError, HTTPError, asyncio.TimeoutError) as exc:
            self.stats.add(kind, started, time.perf_counter() - started, None, type(exc).__name__)
            if self.connection is not None and self.connection.transport is not None:
                self.connection.transport.close()
            self.connection = None
            return None, b"", b""
        self.stats.add(kind, started, time.perf_counter() - started, status)
        for name, value in _SET_COOKIE.findall(head):
            self.cookies[name.decode()] = value.decode()
        return status, head, content

    def close(self):
        if self.connection is not None and self.connection.transport is not None:
            self.connection.transport.close()


class _EventStream(asyncio.Protocol):
    """A browser's EventSource: HTTP/1.0 (the server sends the events unchunked, until it
    closes), each ``state`` event's data handed to ``on_state``."""

    def __init__(self, on_state):
        self.on_state = on_state
        self.buffer = bytearray()
        self.status = None
        self.first = asyncio.get_running_loop().create_future()  # set at the first event (or error)
        self.closed = asyncio.get_running_loop().create_future()
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        if self.status is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.status = int(self.buffer[9:12])
            del self.buffer[:end + 4]
        while True:
            end = self.buffer.find(b"\n\n")
            if end < 0:
                return
            block = bytes(self.buffer[:end])
            del self.buffer[:end + 2]
            if b"event: state" in block:
                data = block[block.index(b"data: ") + 6:]
                if not self.first.done():
                    self.first.set_result(self.status)
                self.on_state(data)

    def connection_lost(self, exc):
        if not self.first.done():
            self.first.set_result(self.status)
        if not self.closed.done():
            self.closed.set_result(None)


async def open_stream(push: tuple, path: str, stats: "Stats", on_state):
    """Connects (the time to the first event is counted as a request of kind "flux"); returns
    the protocol, or None on an error (counted)."""
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    try:
        _, stream = await loop.create_connection(lambda: _EventStream(on_state), *push)
        stream.transport.write(f"GET {path} HTTP/1.0\r\nHost: {push[0]}:{push[1]}\r\n"
                               "Accept: text/event-stream\r\n\r\n".encode())
        status = await asyncio.wait_for(stream.first, 10)
    except (OSError, asyncio.TimeoutError) as exc:
        stats.add("flux (premier état)", started, time.perf_counter() - started, None, type(exc).__name__)
        return None
    stats.add("flux (premier état)", started, time.perf_counter() - started, status)
    return stream if status == 200 else None


@dataclass
class Stats:
    latencies: list = field(default_factory=list)  # seconds, every request
    started: list = field(default_factory=list)  # perf_counter when each was sent
    by_kind: dict = field(default_factory=dict)  # kind → latencies
    errors: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)

    def add(self, kind: str, started: float, seconds: float, status: int | None, error: str = "") -> None:
        self.latencies.append(seconds)
        self.started.append(started)
        self.by_kind.setdefault(kind, []).append(seconds)
        key = str(status) if status is not None else "erreur"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if status is None or status >= 400:
            self.errors.append(f"{kind} : {error or status}")


@dataclass
class Run:
    ballot: int | None = None
    opened: float | None = None
    closed_sent: float | None = None
    closed_done: float | None = None
    seen: dict = field(default_factory=dict)  # viewer → perf_counter when the result arrived
    results_seen: list = field(default_factory=list)
    votes_posted: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    lag: list = field(default_factory=list)


async def _viewer(n, server, slug, authority, stats, run, deadline, max_polls):
    """``screen.js``: a request, then the next one a second after its answer."""
    client = Client(*server, stats)
    path = f"/seances/{slug}/ecran.json?collectivite={authority}"
    etag = None
    await asyncio.sleep(random.random())
    try:
        for _ in range(max_polls):
            if run.stop.is_set() or time.perf_counter() > deadline:
                return
            status, head, body = await client.request("ecran.json", "GET", path,
                                                      headers={"If-None-Match": etag} if etag else None)
            if status == 200:
                match = _ETAG.search(head)
                etag = match.group(1).decode() if match else None
                if n not in run.seen and run.ballot and b'"state": "closed"' in body:
                    shown = json.loads(body).get("ballot") or {}
                    if shown.get("id") == run.ballot and shown.get("state") == "closed":
                        run.seen[n] = time.perf_counter()
                        run.results_seen.append(shown.get("results"))
            await asyncio.sleep(1)
    finally:
        client.close()


async def _viewer_stream(n, push, slug, authority, stats, run, deadline):
    """``screen.js`` with the push channel: one connection, the state arrives when it changes."""

    def on_state(body: bytes):
        if n not in run.seen and run.ballot and b'"state": "closed"' in body:
            shown = json.loads(body).get("ballot") or {}
            if shown.get("id") == run.ballot and shown.get("state") == "closed":
                run.seen[n] = time.perf_counter()
                run.results_seen.append(shown.get("results"))

    await asyncio.sleep(random.random())
    stream = await open_stream(push, f"/seances/{slug}/ecran/flux?collectivite={authority}", stats, on_state)
    if stream is None:
        return
    try:
        stop = asyncio.create_task(run.stop.wait())
        await asyncio.wait([stop, stream.closed], timeout=max(0.0, deadline - time.perf_counter()),
                           return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
    finally:
        stream.transport.close()


async def _member_stream(server, push, slug, authority, session_key, stats, run, think, deadline):
    """A member's device as ``live.js`` drives it with the push channel: the voting page is
    open; when the stream shows that the electronic ballot opened or closed, the page reloads
    after a random fraction of a second; one vote, after some thought, then the page again."""
    client = Client(*server, stats, cookies={"sessionid": session_key})
    value = random.choices(["pour", "contre", "abstention", "nppv"], weights=[55, 30, 10, 5])[0]
    page = f"/seances/{slug}/voter/"
    referer = f"http://{server[0]}:{server[1]}{page}"
    changes: asyncio.Queue = asyncio.Queue()

    def on_state(body: bytes):
        ballot = json.loads(body).get("ballot") or {}
        changes.put_nowait((ballot.get("id"), ballot.get("state")) if ballot.get("method") == "electronic" else None)

    async def load_page(panel: bool = True):
        """live.js fetches the panel only (htmx header); the first load is the whole page."""
        kind, headers = ("voter (panneau)", {"HX-Request": "true"}) if panel else ("voter (page)", None)
        status, _, html = await client.request(kind, "GET", page, headers=headers)
        ballot = BALLOT_INPUT.search(html)
        return CSRF_INPUT.search(html), ballot.group(1).decode() if ballot else None

    stream = None
    try:
        await asyncio.sleep(random.random())
        token, form_ballot = await load_page(panel=False)
        stream = await open_stream(push, f"/seances/{slug}/ecran/flux?collectivite={authority}", stats, on_state)
        if stream is None:
            return
        known, vote_at, voted = None, None, False
        while not run.stop.is_set() and time.perf_counter() < deadline:
            due = vote_at is not None and not voted and token and form_ballot
            wait = max(0.0, vote_at - time.perf_counter()) if due else 0.5
            try:
                now = await asyncio.wait_for(changes.get(), wait)
            except asyncio.TimeoutError:
                now = known
            if now is not None and now != known:
                known = now
                await asyncio.sleep(random.random())  # live.js spreads the reloads over a second
                token, form_ballot = await load_page()
                if now[1] == "closed":
                    return
                vote_at = time.perf_counter() + random.uniform(*think)
            if vote_at is not None and not voted and time.perf_counter() >= vote_at and token and form_ballot:
                voted = True
                status, _, html = await client.request(
                    "voter (vote)", "POST", page, headers={"Referer": referer, "HX-Request": "true"}, form={
                        "csrfmiddlewaretoken": token.group(1).decode(), "ballot": form_ballot, "value": value})
                if status == 200 and "Vote enregistré".encode() in html:
                    run.votes_posted += 1  # htmx: the panel comes back with the message, no reload
    finally:
        client.close()
        if stream is not None:
            stream.transport.close()


async def _member(server, slug, session_key, stats, run, think, deadline, max_polls):
    """A member's device, as ``live.js`` drives it: the voting page is open; voter.json every
    second; the page reloads when a ballot opens or closes; one vote, after some thought, then
    the page again (the redirect)."""
    client = Client(*server, stats, cookies={"sessionid": session_key})
    value = random.choices(["pour", "contre", "abstention", "nppv"], weights=[55, 30, 10, 5])[0]
    page, state = f"/seances/{slug}/voter/", f"/seances/{slug}/voter.json"
    referer = f"http://{server[0]}:{server[1]}{page}"

    async def load_page():
        status, _, html = await client.request("voter (page)", "GET", page)
        ballot = BALLOT_INPUT.search(html)
        return CSRF_INPUT.search(html), ballot.group(1).decode() if ballot else None, status

    try:
        await asyncio.sleep(random.random())
        token, form_ballot, _ = await load_page()
        known, vote_at, voted = None, None, False
        for _ in range(max_polls):
            if run.stop.is_set() or time.perf_counter() > deadline:
                return
            status, _, body = await client.request("voter.json", "GET", state)
            if status == 200:
                data = json.loads(body)
                now = (data.get("ballot"), data.get("state")) if data.get("method") == "electronic" else None
                if now is not None and now != known:
                    known = now
                    token, form_ballot, _ = await load_page()  # live.js: location.reload()
                    if now[1] == "closed":
                        return
                    vote_at = time.perf_counter() + random.uniform(*think)
            if vote_at is not None and not voted and time.perf_counter() >= vote_at and token and form_ballot:
                voted = True
                status, _, _ = await client.request("voter (vote)", "POST", page, headers={"Referer": referer}, form={
                    "csrfmiddlewaretoken": token.group(1).decode(), "ballot": form_ballot, "value": value})
                if status == 302:
                    run.votes_posted += 1
                    token, form_ballot, _ = await load_page()  # the redirect back to the page
                continue  # the device polls again right away after the page came back
            await asyncio.sleep(1)
    finally:
        client.close()


async def _clerk(server, world, authority, stats, run, deadline, warmup, settle):
    """The secretariat: opens the electronic ballot from the item's page, waits until the screen
    counts every vote, closes the ballot on its page."""
    client = Client(*server, stats, cookies={"sessionid": world.clerk_session})
    slug = world.slug
    item_page = f"/seances/{slug}/console/point/{world.item}/"
    screen = f"/seances/{slug}/ecran.json?collectivite={authority}"
    origin = f"http://{server[0]}:{server[1]}"
    try:
        status, _, html = await client.request("console (secrétariat)", "GET", item_page, timeout=30)
        token = CSRF_INPUT.search(html)
        await asyncio.sleep(warmup)  # everybody is connected and polling
        run.opened = time.perf_counter()
        status, head, _ = await client.request("vote (ouverture)", "POST", item_page, timeout=30, headers={
            "Referer": origin + item_page}, form={"csrfmiddlewaretoken": token.group(1).decode() if token else "",
                                                 "op": "open", "subject": "item", "method": "electronic"})
        location = re.search(rb"\r\nlocation: *[^\r]*/vote/(\d+)/", head, re.IGNORECASE)
        if status != 302 or location is None:
            raise RuntimeError(f"ouverture du vote refusée ({status})")
        run.ballot = int(location.group(1))
        ballot_page = f"/seances/{slug}/vote/{run.ballot}/"
        status, _, html = await client.request("vote (secrétariat)", "GET", ballot_page, timeout=30)
        token = CSRF_INPUT.search(html)
        while time.perf_counter() < deadline:
            status, _, body = await client.request("ecran.json (secrétariat)", "GET", screen)
            if status == 200 and (json.loads(body).get("ballot") or {}).get("votes_cast", 0) >= world.voters:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(settle)  # the room reads the tally, then the president closes
        run.closed_sent = time.perf_counter()
        await client.request("vote (clôture)", "POST", ballot_page, timeout=30, headers={
            "Referer": origin + ballot_page},
            form={"csrfmiddlewaretoken": token.group(1).decode() if token else "", "op": "close"})
        run.closed_done = time.perf_counter()
    finally:
        client.close()


async def _lag_probe(run):
    """How late the load generator's own event loop runs (a saturated client inflates latencies)."""
    while not run.stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.1)
        run.lag.append(time.perf_counter() - before - 0.1)


async def run_load(server: tuple, world: LiveWorld, *, viewers: int, think=(1.0, 8.0), warmup: float = 3.0,
                   settle: float = 1.0, limit_seconds: float = 90.0, after_seen: float = 2.0,
                   push: tuple | None = None) -> tuple[Stats, Run]:
    """Everyone connects during the first second; ``warmup`` seconds later the clerk opens the
    ballot; the members vote ``think`` seconds after their page shows it; once all have
    voted (and ``settle`` seconds), the clerk closes it. Returns when every viewer has seen the
    result (plus ``after_seen`` seconds of polling) or after ``limit_seconds``."""
    stats, run = Stats(), Run()
    deadline = time.perf_counter() + limit_seconds
    max_polls = int(limit_seconds) + 5
    if push:
        tasks = [asyncio.create_task(_viewer_stream(n, push, world.slug, AUTHORITY_SLUG, stats, run, deadline))
                 for n in range(viewers)]
        tasks += [asyncio.create_task(_member_stream(server, push, world.slug, AUTHORITY_SLUG, key, stats, run, think,
                                                     deadline))
                  for key in world.member_sessions]
    else:
        tasks = [asyncio.create_task(_viewer(n, server, world.slug, AUTHORITY_SLUG, stats, run, deadline, max_polls))
                 for n in range(viewers)]
        tasks += [asyncio.create_task(_member(server, world.slug, key, stats, run, think, deadline, max_polls))
                  for key in world.member_sessions]
    probe = asyncio.create_task(_lag_probe(run))
    try:
        await _clerk(server, world, AUTHORITY_SLUG, stats, run, deadline, warmup, settle)
        while time.perf_counter() < deadline and len(run.seen) < viewers:
            await asyncio.sleep(0.05)
        await asyncio.sleep(after_seen)
    finally:
        run.stop.set()
        await asyncio.gather(*tasks, probe)
    return stats, run


def _percentile(values: list, p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def summarise(stats: Stats, run: Run, world: LiveWorld, viewers: int, stored: dict, duration: float) -> dict:
    visible = [t - run.closed_sent for t in run.seen.values()] if run.closed_sent else []
    problems = []
    if len(run.seen) < viewers:
        problems.append(f"{viewers - len(run.seen)} spectateur(s) n'ont pas vu le résultat")
    if stored["votes"] != world.voters or stored["state"] != "closed":
        problems.append(f"scrutin : {stored['votes']} votes enregistrés pour {world.voters}, état {stored['state']}")
    expected = {k: stored[k] for k in ("pour", "contre", "abstention", "nppv")}
    wrong = [r for r in run.results_seen if not r or any(r.get(k) != v for k, v in expected.items())]
    if wrong:
        problems.append(f"{len(wrong)} spectateur(s) ont vu un autre résultat que celui enregistré")
    ms = [s * 1000 for s in stats.latencies]
    during = [lat * 1000 for lat, at in zip(stats.latencies, stats.started) if run.opened and at >= run.opened]
    timeline = []  # second by second from the start: requests sent, p50 and p99 of their latency
    if stats.started:
        origin = min(stats.started)
        buckets: dict[int, list] = {}
        for lat, at in zip(stats.latencies, stats.started):
            buckets.setdefault(int(at - origin), []).append(lat * 1000)
        timeline = [[second, len(v), round(_percentile(v, 50)), round(_percentile(v, 99))]
                    for second, v in sorted(buckets.items())]
    marks = {"opened_at_s": round(run.opened - min(stats.started), 1) if run.opened and stats.started else None,
             "closed_at_s": round(run.closed_sent - min(stats.started), 1) if run.closed_sent and stats.started
             else None}
    return {
        "viewers": viewers,
        "members": len(world.member_sessions),
        "votes": stored["votes"],
        "result_visible_s": round(max(visible), 3) if visible else None,
        "result_visible_p50_s": round(statistics.median(visible), 3) if visible else None,
        "close_request_ms": round((run.closed_done - run.closed_sent) * 1000, 1) if run.closed_done else None,
        "vote_seconds": round(run.closed_sent - run.opened, 1) if run.closed_sent and run.opened else None,
        "p50_ms": round(_percentile(ms, 50), 1),
        "p95_ms": round(_percentile(ms, 95), 1),
        "p99_ms": round(_percentile(ms, 99), 1),
        "p99_ms_from_opening": round(_percentile(during, 99), 1),
        "max_ms": round(max(ms), 1) if ms else 0.0,
        "errors": len(stats.errors),
        "error_samples": sorted(set(stats.errors))[:5],
        "requests": len(stats.latencies),
        "requests_per_second": round(len(stats.latencies) / duration, 1),
        "statuses": dict(sorted(stats.statuses.items())),
        "p99_ms_by_kind": {k: round(_percentile([s * 1000 for s in v], 99), 1) for k, v in sorted(stats.by_kind.items())},
        "requests_by_kind": {k: len(v) for k, v in sorted(stats.by_kind.items())},
        "client_loop_lag_p99_ms": round(_percentile([s * 1000 for s in run.lag], 99), 1),
        "outcome": stored["outcome"],
        "result": expected,
        "duration_s": round(duration, 1),
        "check": "ok" if not problems else "ÉCHEC",
        "problems": problems,
        **marks,
        "timeline": timeline,
    }


def bench_b5(*, viewers: int, work: Path, workers: int | None = None, threads: int = 4,
             think=(1.0, 8.0), push: bool | None = None) -> dict:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = viewers + 2000
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    workers = workers or int(os.environ.get("HEMICYCLE_BENCH_WORKERS", 0)) or max(2, os.cpu_count() or 1)
    threads = int(os.environ.get("HEMICYCLE_BENCH_THREADS", 0)) or threads
    print(f"B5 : séance en direct, {viewers} spectateurs + 163 élus, gunicorn {workers}×{threads} fils", flush=True)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = build_live_world()
    setup = time.perf_counter() - started
    connections.close_all()
    if push is None:
        push = os.environ.get("HEMICYCLE_BENCH_PUSH", "1") != "0"
    server = Server(workers, threads, ROOT / "bench" / "out" / "b5-gunicorn.log")
    pusher = PushServer(ROOT / "bench" / "out" / "b5-live-push.log") if push else None
    try:
        server.wait_ready(f"/seances/{world.slug}/ecran.json?collectivite={AUTHORITY_SLUG}")
        if pusher is not None:
            pusher.wait_ready("/healthz")
        load_started = time.perf_counter()
        servers = [server] + ([pusher] if pusher else [])
        server_cpu, own_cpu = sum(s.cpu_seconds() for s in servers), time.process_time()
        push_cpu = pusher.cpu_seconds() if pusher else 0.0
        stats, run = asyncio.run(run_load(("127.0.0.1", server.port), world, viewers=viewers, think=think,
                                          push=("127.0.0.1", pusher.port) if pusher else None))
        duration = time.perf_counter() - load_started
        server_cpu, own_cpu = sum(s.cpu_seconds() for s in servers) - server_cpu, time.process_time() - own_cpu
        push_cpu = (pusher.cpu_seconds() - push_cpu) if pusher else 0.0
    finally:
        server.stop()
        if pusher is not None:
            pusher.stop()
    result = summarise(stats, run, world, viewers, stored_result(run.ballot), duration)
    result.update({"server": f"gunicorn {workers} processus × {threads} fils (gthread), SQLite WAL"
                             + (" + hemicycle live_push (server-sent events)" if push else " (écrans en sondage)"),
                   "push": push, "push_cpu_seconds": round(push_cpu, 1),
                   "server_cpu_seconds": round(server_cpu, 1), "load_generator_cpu_seconds": round(own_cpu, 1),
                   "load_average_1min": round(os.getloadavg()[0], 1),
                   "setup_seconds": round(setup, 1), "cpus": os.cpu_count()})
    print(f"  résultat visible par tous en {result['result_visible_s']} s ; p99 {result['p99_ms']} ms ; "
          f"{result['errors']} erreur(s) ; {result['requests']} requêtes ({result['requests_per_second']}/s)",
          flush=True)
    return result
