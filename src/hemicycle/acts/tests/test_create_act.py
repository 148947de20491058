import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hemicycle.acts.actions import StaleEdit, create_act, update_act
from hemicycle.acts.models import Act, NumberingPattern
from hemicycle.journal.models import JournalEntry


def new_act(world, **extra):
    data = dict(object="Subvention à l'association Les Amis du Théâtre", visas=["Vu le CGCT"],
                considerants=["Considérant l'intérêt local"], articles=["Une subvention de 5 000 € est attribuée."])
    data.update(extra)
    return create_act(world.users["drafter"], department=world.departments["DAC"], year=2026, **data)


def test_references_follow_the_pattern_and_count_per_department(world):
    a1, a2 = new_act(world), new_act(world)
    assert (a1.reference, a2.reference) == ("2026 DAC 1", "2026 DAC 2")
    NumberingPattern.objects.create(authority=world.authority, nature="AR", pattern="{year}-A-{seq:03d}")
    arrete = new_act(world, nature="AR")
    assert arrete.reference == "2026-A-001"
    assert a1.versions.count() == 1
    assert JournalEntry.objects.filter(action="act.created").count() == 3


def test_failed_creation_leaves_no_gap(world):
    new_act(world)
    with pytest.raises(ValidationError):
        new_act(world, object="x" * 501)
    assert new_act(world).reference == "2026 DAC 2"


def test_drafter_of_another_department_is_refused(world):
    with pytest.raises(PermissionDenied):
        create_act(world.users["drafter2"], department=world.departments["DAC"], object="Objet")
    with pytest.raises(PermissionDenied):
        create_act(world.users["approver"], department=world.departments["DAC"], object="Objet")


def test_report_is_sanitised(world):
    act = new_act(world, report='<p onclick="x()">Texte <script>alert(1)</script><strong>gras</strong></p>')
    assert "<script" not in act.report and "onclick" not in act.report
    assert "<strong>gras</strong>" in act.report


def test_stale_edit_is_refused_and_nothing_is_overwritten(world):
    act = new_act(world)
    drafter = world.users["drafter"]
    update_act(drafter, act, lock_version=1, object="Premier objet modifié")
    with pytest.raises(StaleEdit):
        update_act(drafter, act, lock_version=1, object="Second objet, sur une page périmée")
    act.refresh_from_db()
    assert act.object == "Premier objet modifié"
    assert act.versions.count() == 2


def test_unchanged_save_makes_no_version(world):
    act = new_act(world)
    update_act(world.users["drafter"], act, lock_version=1, object=act.object)
    assert act.versions.count() == 1
    assert Act.objects.get(pk=act.pk).lock_version == 1
