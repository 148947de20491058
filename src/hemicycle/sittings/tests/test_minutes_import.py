"""``hemicycle sitting_import``: historical sittings from sitting records, checked by the rules."""

from pathlib import Path

import pytest
from django.core.management import call_command

from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Member
from hemicycle.sittings.models import (
    AgendaItem, Assembly, Attendance, Ballot, Minutes, Proxy, Sitting, Vote, Withdrawal,
)

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"
VALID = str(EXAMPLES / "sitting-commune.json")
INVALID = str(EXAMPLES / "sitting-commune-invalid.json")


def _import(world, path, *options):
    call_command("sitting_import", path, "--authority", world.authority.slug, *options)


def test_import_creates_the_sitting(world, capsys):
    _import(world, VALID, "--create-members")
    assert "importée" in capsys.readouterr().out
    sitting = Sitting.objects.get(authority=world.authority)
    assert sitting.state == Sitting.State.CLOSED and sitting.date.isoformat() == "2026-11-12"
    assert sitting.assembly.kind == Assembly.Kind.COUNCIL and sitting.assembly.seats == 15
    assert sitting.president.last_name == "Lefèvre"
    assert Attendance.objects.filter(sitting=sitting, status=Attendance.Status.PRESENT).count() == 10
    assert Proxy.objects.filter(sittings=sitting).count() == 3
    items = list(sitting.items.order_by("position"))
    assert [i.title for i in items][0] == "2026 DAC 1 — Budget supplémentaire 2026"
    assert all(i.act is None for i in items)
    assert [i.state for i in items] == ["adopted", "adopted", "elected", "rejected"]
    assert Withdrawal.objects.get(item=items[1]).member.last_name == "Fontaine"
    public = Ballot.objects.get(item=items[1])
    assert public.method == Ballot.Method.ROLL_CALL and public.casting_vote_used
    assert (public.pour, public.contre, public.abstention) == (5, 5, 2)
    assert public.requesters["public"] and public.votes.count() == 12
    karine = Vote.objects.get(ballot=public, member__last_name="Blanc")
    assert karine.cast_by.last_name == "Garnier"  # the proxy holder
    appointment = Ballot.objects.get(item=items[2])
    assert appointment.elected == "Inès Faure" and len(appointment.results["rounds"]) == 3
    secret = Ballot.objects.get(item=items[3])
    assert secret.outcome == "rejected" and not secret.votes.exists()
    minutes = Minutes.objects.get(sitting=sitting)
    assert minutes.body["president"] == "Anne Lefèvre" and minutes.body["import"]["errors"] == []
    assert JournalEntry.objects.filter(action="sitting.imported", object_id=str(sitting.pk)).count() == 1


def test_import_is_idempotent(world, capsys):
    _import(world, VALID, "--create-members")
    counts = (Sitting.objects.count(), AgendaItem.objects.count(), Member.objects.count(), Vote.objects.count(),
              Proxy.objects.count())
    _import(world, VALID, "--create-members")
    assert "déjà importée" in capsys.readouterr().out
    assert counts == (Sitting.objects.count(), AgendaItem.objects.count(), Member.objects.count(),
                      Vote.objects.count(), Proxy.objects.count())
    assert JournalEntry.objects.filter(action="sitting.imported").count() == 1


def test_invalid_record_is_refused_without_accept_errors(world, capsys):
    with pytest.raises(SystemExit) as exc:
        _import(world, INVALID, "--create-members")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "erreur(s) de droit" in err and "--accept-errors" in err and "L2121-11" in err
    assert not Sitting.objects.exists() and not Member.objects.filter(last_name="Lefèvre").exists()


def test_invalid_record_with_accept_errors(world):
    _import(world, INVALID, "--create-members", "--accept-errors")
    sitting = Sitting.objects.get()
    errors = sitting.minutes.body["import"]["errors"]
    assert any("Élise Fontaine" in e["message"] for e in errors)  # names, not record ids
    assert JournalEntry.objects.get(action="sitting.imported").data["accepted_errors"] is True


def test_unknown_members_are_refused_without_create_members(world, capsys):
    with pytest.raises(SystemExit) as exc:
        _import(world, VALID)
    assert exc.value.code == 2
    assert "Élus introuvables" in capsys.readouterr().err
    assert not Sitting.objects.exists()


def test_members_are_matched_by_name(world):
    existing = Member.objects.create(authority=world.authority, civility="Mme", first_name="élise",
                                     last_name="FONTAINE")
    _import(world, VALID, "--create-members")
    assert Member.objects.filter(authority=world.authority, last_name__iexact="fontaine").count() == 1
    assert Attendance.objects.get(member=existing).status == Attendance.Status.PRESENT


def test_unreadable_record(world, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"assembly": ', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        _import(world, str(bad))
    assert exc.value.code == 2 and "illisible" in capsys.readouterr().err
