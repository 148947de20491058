"""Retries with back-off, and exactly one operator transaction per Transmission whatever fails:
connection refused, the network cut after the operator accepted, a worker dying after its POST."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.legality import actions
from hemicycle.legality.connectors import S2lowConnector, get_connector
from hemicycle.legality.models import Transmission

from .transmit_fixtures import closed_port_url, operator, signed_acts  # noqa: F401

State = Transmission.State
pytestmark = pytest.mark.django_db
CREATE = "/modules/actes/actes_transac_create.php"
LIST = "/modules/actes/api/list_actes.php"


def _due(t):
    Transmission.objects.filter(pk=t.pk).update(next_try_at=timezone.now() - timedelta(seconds=1))


def _rows(operator):
    return operator.store.select("type = 1")


def test_connection_refused_retries_with_exponential_backoff(world, operator, signed_acts, settings):
    settings.HEMICYCLE_ACTES_OPERATOR_URL = closed_port_url()
    settings.HEMICYCLE_ACTES_RETRY_BASE_SECONDS = 60
    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])
    before = timezone.now()
    t = actions.send_transmission(t.pk)
    assert t.state == State.TO_SEND and t.tries == 1 and "injoignable" in t.last_error
    assert timedelta(seconds=55) < t.next_try_at - before < timedelta(seconds=65)
    # Not due yet: a second worker (or the periodic poll) leaves it alone.
    assert actions.send_transmission(t.pk).tries == 1
    actions.poll_authority(world.authority, connector=get_connector(world.authority))
    assert Transmission.objects.get(pk=t.pk).tries == 1
    _due(t)
    before = timezone.now()
    t = actions.send_transmission(t.pk)
    assert t.tries == 2 and timedelta(seconds=115) < t.next_try_at - before < timedelta(seconds=125)
    _due(t)
    t = actions.send_transmission(t.pk)
    assert t.tries == 3 and t.next_try_at - timezone.now() > timedelta(seconds=230)
    assert JournalEntry.objects.filter(action="transmission.attempt_failed", object_id=str(t.pk)).count() == 3
    # The operator is back: the periodic poll sends it, looking for an earlier transaction first.
    settings.HEMICYCLE_ACTES_OPERATOR_URL = operator.url
    _due(t)
    actions.poll_authority(world.authority)
    t.refresh_from_db()
    assert t.state == State.ACKNOWLEDGED and t.tries == 4 and t.last_error == ""  # sent, then acknowledged
    calls = [path for _, path in operator.requests]
    assert LIST in calls and calls.index(LIST) < calls.index(CREATE)
    assert len(_rows(operator)) == 1


@pytest.mark.parametrize("tries, seconds", [(1, 60), (2, 120), (3, 240), (5, 960), (12, 6 * 3600), (40, 6 * 3600)])
def test_backoff_table(tries, seconds, settings):
    settings.HEMICYCLE_ACTES_RETRY_BASE_SECONDS = 60
    settings.HEMICYCLE_ACTES_RETRY_MAX_SECONDS = 6 * 3600
    assert actions.backoff(tries) == timedelta(seconds=seconds)


def test_network_cut_after_the_operator_accepted(world, operator, signed_acts):
    operator.inject("drop_after_accept")
    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])
    t = actions.send_transmission(t.pk)
    # The operator created the transaction, Hémicycle never heard its id.
    assert t.state == State.TO_SEND and t.operator_id == "" and len(_rows(operator)) == 1
    _due(t)
    t = actions.send_transmission(t.pk)
    assert t.state == State.POSTED and t.operator_id == str(_rows(operator)[0]["id"])
    assert len(_rows(operator)) == 1 and [p for _, p in operator.requests].count(CREATE) == 1
    entry = JournalEntry.objects.get(action="transmission.posted", object_id=str(t.pk))
    assert entry.data["recovered"] is True
    assert actions.poll(t).state == State.ACKNOWLEDGED


class WorkerDied(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause catches it."""


class DyingConnector(S2lowConnector):
    def post(self, transmission, acte):
        super().post(transmission, acte)
        raise WorkerDied


def test_worker_dies_after_post(world, operator, signed_acts, settings):
    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])
    dying = DyingConnector(operator.url, login=world.authority.siren, password=settings.HEMICYCLE_ACTES_OPERATOR_PASSWORD)
    with pytest.raises(WorkerDied):
        actions.send_transmission(t.pk, connector=dying)
    t.refresh_from_db()
    assert t.state == State.TO_SEND and t.tries == 1 and t.operator_id == "" and len(_rows(operator)) == 1
    # Another worker right away: the claim is still held (next_try_at), it does nothing.
    assert actions.send_transmission(t.pk).tries == 1 and len(_rows(operator)) == 1
    # Later, the retry finds the transaction the dead worker created instead of posting again.
    _due(t)
    t = actions.send_transmission(t.pk)
    assert t.state == State.POSTED and t.operator_id == str(_rows(operator)[0]["id"])
    assert len(_rows(operator)) == 1 and [p for _, p in operator.requests].count(CREATE) == 1


def test_duplicate_number_answer_leads_to_the_existing_transaction(world, operator, signed_acts):
    """Even if the lookup was skipped, S²LOW's own refusal of a second live transaction with the
    same number makes Hémicycle adopt the first one."""
    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])
    operator.inject("drop_after_accept")
    actions.send_transmission(t.pk)
    Transmission.objects.filter(pk=t.pk).update(tries=0, next_try_at=None)  # as if no attempt was recorded
    t = actions.send_transmission(t.pk)
    assert t.state == State.POSTED and len(_rows(operator)) == 1
    assert [p for _, p in operator.requests].count(CREATE) == 2  # the second one was refused (KO)


def test_operator_refusal_puts_the_transmission_in_anomaly(world, operator, signed_acts, monkeypatch):
    from hemicycle.legality import connectors

    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])

    def refuse(self, transmission, acte):
        raise connectors.OperatorRefused("Le numéro de l'acte est invalide.")

    monkeypatch.setattr(connectors.S2lowConnector, "post", refuse)
    t = actions.send_transmission(t.pk)
    assert t.state == State.ANOMALY and "Le numéro de l'acte est invalide." in t.anomaly_reason
    assert not _rows(operator)


def test_concurrent_workers_post_once(world, operator, signed_acts, django_db_serialized_rollback=None):
    """Two claims of the same row: the second sees the lease and skips."""
    t = actions.transmit(world.users[Role.SECRETARIAT], signed_acts[0])
    first = actions.send_transmission(t.pk)
    second = actions.send_transmission(t.pk)
    assert first.state == second.state == State.POSTED and first.operator_id == second.operator_id
    assert len(_rows(operator)) == 1
