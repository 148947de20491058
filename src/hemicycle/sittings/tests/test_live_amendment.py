"""Amendments are voted before the act they amend; an adopted one changes the act's text as a
new version "Amendement n° N adopté"; a rejected one changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import PoliticalGroup
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import Amendment
from hemicycle.sittings.samples_live import live_world


@pytest.fixture
def debate(world):
    sw = live_world(world, members=9, present=8)
    live.take_up_item(world.users[Role.SECRETARIAT], sw.items[0])
    return sw, sw.items[0]


def adopt(clerk, item, amendment, pour=6, contre=2):
    ballot = votes.open_ballot(clerk, item, method="show_of_hands", amendment=amendment)
    return votes.close_with_totals(clerk, ballot, pour=pour, contre=contre, abstention=0)


def test_amendments_before_the_act_and_adopted_one_changes_the_text(world, debate):
    clerk = world.users[Role.SECRETARIAT]
    sw, item = debate
    act = item.act
    versions = act.versions.count()
    group = PoliticalGroup.objects.get(authority=world.authority)
    first = votes.file_amendment(clerk, item, target="articles:1", new_text="La proposition est adoptée, modifiée.",
                                 group=group)
    second = votes.file_amendment(clerk, item, target="considerants:new", new_text="Considérant l'urgence")
    third = votes.file_amendment(clerk, item, target="visas:1", new_text="")
    assert [a.number for a in (first, second, third)] == [1, 2, 3]

    with pytest.raises(ValidationError, match="avant le projet"):
        votes.open_ballot(clerk, item, method="show_of_hands")

    adopt(clerk, item, first)
    adopt(clerk, item, second, pour=2, contre=6)  # rejected
    votes.withdraw_amendment(clerk, third)
    act.refresh_from_db()
    assert act.articles == ["La proposition est adoptée, modifiée."]
    assert act.considerants == ["Considérant l'intérêt local"]
    assert act.visas == ["Vu le code général des collectivités territoriales"]
    assert act.versions.count() == versions + 1
    latest = act.versions.order_by("-number").first()
    assert latest.summary == "Amendement n° 1 adopté" and latest.content["articles"] == act.articles
    assert JournalEntry.objects.filter(action="act.amended", object_id=str(act.pk)).count() == 1
    assert [a.state for a in Amendment.objects.filter(item=item)] == ["adopted", "rejected", "withdrawn"]

    # Every amendment settled: the act itself can now be put to the vote.
    ballot = votes.open_ballot(clerk, item, method="show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=8, contre=0, abstention=0)
    act.refresh_from_db()
    assert act.state == "adopted"


def test_deletion_and_addition(world, debate):
    clerk = world.users[Role.SECRETARIAT]
    sw, item = debate
    adopt(clerk, item, votes.file_amendment(clerk, item, target="articles:new", new_text="Article ajouté."))
    adopt(clerk, item, votes.file_amendment(clerk, item, target="articles:1", new_text=""))
    item.act.refresh_from_db()
    assert item.act.articles == ["Article ajouté."]
    assert item.act.versions.order_by("-number").first().summary == "Amendement n° 2 adopté"


def test_bad_targets_are_refused(world, debate):
    clerk = world.users[Role.SECRETARIAT]
    sw, item = debate
    with pytest.raises(ValidationError, match="n'existe pas"):
        votes.file_amendment(clerk, item, target="articles:5", new_text="x")
    with pytest.raises(ValidationError, match="Partie"):
        votes.file_amendment(clerk, item, target="annexes:1", new_text="x")
    with pytest.raises(ValidationError, match="obligatoire"):
        votes.file_amendment(clerk, item, target="visas:new", new_text="  ")
    votes.file_amendment(clerk, item, target="articles:1", new_text="x", number=4)
    with pytest.raises(ValidationError, match="existe déjà"):
        votes.file_amendment(clerk, item, target="articles:1", new_text="y", number=4)
    # A target removed by an earlier adopted amendment is caught before the vote opens.
    deletion = votes.file_amendment(clerk, item, target="articles:1", new_text="")
    late = votes.file_amendment(clerk, item, target="articles:1", new_text="z")
    adopt(clerk, item, deletion)
    with pytest.raises(ValidationError, match="n'existe pas"):
        votes.open_ballot(clerk, item, method="show_of_hands", amendment=late)
