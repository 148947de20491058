import pytest
from django.core.management import call_command

from hemicycle.journal.models import JournalEntry, JournalError
from hemicycle.journal.services import record, verify


@pytest.fixture
def chain(world):
    user = world.users["drafter"]
    for i in range(5):
        record("test.event", actor=user, object_type="test", object_id=i, data={"i": i, "é": "àçé"})
    return JournalEntry.objects.order_by("seq")


def run_verify():
    with pytest.raises(SystemExit) as exc:
        call_command("journal_verify")
    return exc.value.code


def test_intact_chain_verifies(chain):
    assert verify().ok
    call_command("journal_verify")  # exits 0: no SystemExit


def test_entries_cannot_be_changed_through_the_orm(chain):
    entry = chain[2]
    entry.action = "forged"
    with pytest.raises(JournalError):
        entry.save()
    with pytest.raises(JournalError):
        entry.delete()


def test_altered_entry_is_named(chain, capsys):
    third = chain[2]
    JournalEntry.objects.filter(pk=third.pk).update(data={"i": 99})
    assert run_verify() == 1
    assert f"l'entrée n° {third.seq}" in capsys.readouterr().err
    assert verify().first_broken_seq == third.seq


def test_removed_entry_is_detected(chain):
    second = chain[1]
    JournalEntry.objects.filter(pk=second.pk)._raw_delete(JournalEntry.objects.db)
    result = verify()
    assert not result.ok and result.first_broken_seq == second.seq


def test_removed_tail_is_detected(chain):
    last = chain.last()
    JournalEntry.objects.filter(pk=last.pk)._raw_delete(JournalEntry.objects.db)
    result = verify()
    assert not result.ok and result.first_broken_seq == last.seq


def test_rewritten_hash_breaks_the_next_link(chain):
    first = chain[0]
    JournalEntry.objects.filter(pk=first.pk).update(actor_label="quelqu'un d'autre", hash="f" * 64)
    result = verify()
    assert not result.ok and result.first_broken_seq == first.seq
