"""The benchmark B2 (after the sitting, bench/after_vote.py) still runs, on a tiny Paris preset:
both methods take the held sitting's acts through final documents, signatures, @CTES archives,
publication, SCDL and SEDA, and pass the bench's own checks (the benchmark itself is not part of
the suite; no time is asserted)."""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.django_db

ACTS = 3


@pytest.fixture
def after_vote():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import after_vote

    return after_vote


@pytest.fixture
def held(after_vote):
    from bench import pack
    from hemicycle.demo.load import load_paris

    load_paris(acts=ACTS + 1, annex_pages=2)  # one more act on the agenda: postponed at the sitting
    return after_vote.hold_sitting(pack.prepare_sitting(), ACTS)


def _commit(capture):
    return lambda: capture(execute=True)


def test_held_sitting_has_adopted_numbered_items_with_their_ballot(after_vote, held):
    from hemicycle.acts.models import ActState
    from hemicycle.sittings.models import AgendaItem, Ballot, Sitting

    sitting = Sitting.objects.get(pk=held)
    assert sitting.state == Sitting.State.CLOSED and sitting.president_id
    items = list(sitting.items.order_by("position"))
    assert [i.state for i in items] == [AgendaItem.State.ADOPTED] * ACTS + [AgendaItem.State.POSTPONED]
    assert [i.number for i in items[:ACTS]] == [1, 2, 3]
    assert all(i.act.state == ActState.ADOPTED for i in items[:ACTS]) and items[-1].act.state == ActState.READY
    ballots = Ballot.objects.filter(item__sitting=sitting)
    assert ballots.count() == ACTS and all(b.pour > b.contre and b.outcome == "adopted" for b in ballots)
    by_group = ballots.get(method=Ballot.Method.BY_GROUP, item=items[0])
    assert by_group.votes.count() == by_group.present + by_group.represented


def test_hemicycle_side_runs_the_chain_and_passes_the_checks(after_vote, held, tmp_path,
                                                             django_capture_on_commit_callbacks):
    warm = after_vote.warm_up(held, processes=1)
    assert warm["sample_pdf"].startswith(b"%PDF-")
    result = after_vote.run_chain(held, tmp_path, commit=_commit(django_capture_on_commit_callbacks))
    assert set(result["steps"]) == set(after_vote.STEPS) and result["seconds"] > 0
    check = after_vote.check_round(held, result, tmp_path, acts=ACTS)
    assert check["problems"] == []
    assert check["documents"] == ACTS and check["pdfa"] == ACTS and check["pages"] >= ACTS
    assert check["actes_archives"] == ACTS and check["actes_xml_valid"] == 2 * ACTS  # envelope + message
    assert check["published"] == ACTS and check["scdl_rows"] == ACTS and check["seda_acts"] == ACTS
    if shutil.which("pdfsig"):
        assert check["signatures_checked"] == ACTS


def test_the_checks_see_a_document_that_is_not_signed(after_vote, held, tmp_path, django_capture_on_commit_callbacks):
    """A check that could not fail would prove nothing: the first act's "signed" PDF is replaced
    by its unsigned rendering after the chain."""
    from django.db.models import F

    from hemicycle.documents.models import FinalDocument

    result = after_vote.run_chain(held, tmp_path, commit=_commit(django_capture_on_commit_callbacks))
    first = FinalDocument.objects.filter(item__sitting_id=held).order_by("number").first()
    FinalDocument.objects.filter(pk=first.pk).update(signed_sha256=F("pdf_sha256"))
    problems = after_vote.check_round(held, result, tmp_path, acts=ACTS)["problems"]
    assert any("signature non valide" in p for p in problems)
    assert any("n'est pas le PDF signé" in p for p in problems)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (méthode de référence) absent")
def test_reference_side_renders_with_libreoffice_and_signs_naively(after_vote, held, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    office = after_vote.pdfa_office(shutil.which("soffice"), tmp_path, lanes=2, batch=2)
    result = after_vote.run_chain(held, tmp_path, office=office, commit=_commit(django_capture_on_commit_callbacks))
    check = after_vote.check_round(held, result, tmp_path, acts=ACTS)
    assert check["problems"] == []
    assert check["documents"] == ACTS and check["pdfa"] == ACTS  # LibreOffice's PDF/A-2b export
    assert check["scdl_rows"] == ACTS and check["seda_acts"] == ACTS
