"""The benchmark B5 (live sitting under load, bench/live.py) still runs, on a tiny sitting: the
real server (gunicorn) on loopback, a few viewers and members, the clerk opening then closing
an electronic ballot; every vote is recorded and every viewer sees the stored result (the
benchmark itself is not part of the suite; no time is asserted)."""

import asyncio
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

# The server is another process: it must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def test_live_scenario_on_a_small_sitting(tmp_path):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import live

    world = live.build_live_world(members=6, groups=2)
    assert world.voters == 6 and len(world.member_sessions) == 6
    server = live.Server(workers=1, threads=4, log=tmp_path / "gunicorn.log")
    try:
        server.wait_ready(f"/seances/{world.slug}/ecran.json?collectivite={live.AUTHORITY_SLUG}")
        stats, run = asyncio.run(live.run_load(("127.0.0.1", server.port), world, viewers=4, think=(0.1, 0.4),
                                               warmup=1.5, settle=0.1, limit_seconds=40, after_seen=0.2))
    finally:
        server.stop()
    result = live.summarise(stats, run, world, 4, live.stored_result(run.ballot), duration=1.0)
    assert result["problems"] == [] and result["check"] == "ok"
    assert result["votes"] == 6 and result["errors"] == 0
    assert result["result_visible_s"] is not None and result["p99_ms"] > 0
    kinds = result["requests_by_kind"]
    assert kinds["voter (vote)"] == 6 and kinds["vote (ouverture)"] == 1 and kinds["vote (clôture)"] == 1
    assert result["statuses"].get("304", 0) > 0  # the viewers' polls were answered "not modified"


def test_live_scenario_with_the_push_channel(tmp_path):
    """The same with ``hemicycle live_push``: viewers and members on server-sent events."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import live

    world = live.build_live_world(members=6, groups=2)
    server = live.Server(workers=1, threads=4, log=tmp_path / "gunicorn.log")
    pusher = live.PushServer(tmp_path / "push.log")
    try:
        server.wait_ready(f"/seances/{world.slug}/ecran.json?collectivite={live.AUTHORITY_SLUG}")
        pusher.wait_ready("/healthz")
        stats, run = asyncio.run(live.run_load(("127.0.0.1", server.port), world, viewers=4, think=(0.1, 0.4),
                                               warmup=1.5, settle=0.1, limit_seconds=40, after_seen=0.2,
                                               push=("127.0.0.1", pusher.port)))
    finally:
        server.stop()
        pusher.stop()
    result = live.summarise(stats, run, world, 4, live.stored_result(run.ballot), duration=1.0)
    assert result["problems"] == [] and result["check"] == "ok"
    assert result["votes"] == 6 and result["errors"] == 0
    kinds = result["requests_by_kind"]
    assert kinds["flux (premier état)"] == 4 + 6  # one stream per viewer and per member
    assert "ecran.json" not in kinds and "voter.json" not in kinds  # no viewer nor member polled
    assert kinds["voter (vote)"] == 6
