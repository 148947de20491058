"""A real worker process killed (SIGKILL) right after its POST reached the operator: the retry
adopts the operator's transaction, there is exactly one per transmission."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.legality import actions
from hemicycle.legality.models import Transmission

from .transmit_fixtures import PASSWORD, operator, signed_acts  # noqa: F401

WORKER = textwrap.dedent("""
    import sys, time, django
    django.setup()
    from hemicycle.legality import actions, connectors

    real_post = connectors.S2lowConnector.post

    def post_then_hang(self, transmission, acte):
        operator_id = real_post(self, transmission, acte)
        print("POSTED", operator_id, flush=True)
        time.sleep(120)  # killed here, before recording the operator's id
        return operator_id

    connectors.S2lowConnector.post = post_then_hang
    t = actions.send_transmission(int(sys.argv[1]))
    print("RETURNED", t.state, t.tries, t.last_error, flush=True)
""")


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_worker_killed_after_post(world, operator, signed_acts, settings):
    # The task is only queued here: the worker process below is the one that runs it.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "hemicycle.settings",
           "HEMICYCLE_ACTES_OPERATOR_URL": operator.url, "HEMICYCLE_ACTES_OPERATOR_PASSWORD": PASSWORD,
           "HEMICYCLE_TASKS": "immediate"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(t.pk)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = worker.stdout.readline()
        assert line.startswith("POSTED"), line + worker.stderr.read()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    t.refresh_from_db()
    assert t.state == Transmission.State.TO_SEND and t.operator_id == "" and t.tries == 1
    rows = operator.store.select("type = 1")
    assert len(rows) == 1 and str(rows[0]["id"]) == line.split()[1]
    # The periodic poll, once the claim expired, adopts the transaction instead of posting again.
    Transmission.objects.filter(pk=t.pk).update(next_try_at=timezone.now() - timedelta(seconds=1))
    actions.poll_authority(world.authority)
    t.refresh_from_db()
    assert t.operator_id == str(rows[0]["id"]) and t.state == Transmission.State.ACKNOWLEDGED
    assert len(operator.store.select("type = 1")) == 1
    assert [p for _, p in operator.requests].count("/modules/actes/actes_transac_create.php") == 1
