"""Amendments filed by members from the portal: on an act of a convened sitting they sit in,
before or during the sitting while the act is not voted, in the name of their group; seen by the
secretariat's console with their author and group; withdrawn by their author before the vote."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification
from hemicycle.organisation.models import Committee, PoliticalGroup
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem, Amendment, Assembly, Sitting
from hemicycle.sittings.samples_live import live_world

from .helpers import convene, member_user

pytestmark = pytest.mark.django_db


def _page(sitting, item):
    return reverse("portal:item_amendments", kwargs={"slug": sitting.slug, "pk": item.pk})


REPLACE_ARTICLE_1 = {"part": "articles", "operation": "replace", "index": "1",
                     "new_text": "La proposition est adoptée, sous réserve de l'avis du conseil de quartier.",
                     "explanation": "Associer les habitants."}


def test_member_files_an_amendment_before_the_sitting(client, world, sw, colleague):
    convene(sw.sitting)
    item, member = sw.items[0], sw.members[1]
    client.force_login(colleague)
    page = client.get(_page(sw.sitting, item)).content.decode()
    assert "Déposer l'amendement" in page and "La proposition est adoptée." in page  # the current text, numbered
    sitting_page = client.get(reverse("portal:sitting", kwargs={"slug": sw.sitting.slug})).content.decode()
    assert _page(sw.sitting, item) in sitting_page

    response = client.post(_page(sw.sitting, item), REPLACE_ARTICLE_1, follow=True)
    assert response.status_code == 200
    assert f"Amendement n° 1 déposé au nom du groupe {member.group}." in response.content.decode()
    amendment = Amendment.objects.get(item=item)
    assert (amendment.number, amendment.member, amendment.group, amendment.filed_by, amendment.target,
            amendment.state) == (1, member, member.group, colleague, "articles:1", Amendment.State.FILED)
    assert amendment.explanation == "Associer les habitants."
    entry = JournalEntry.objects.get(action="sitting.amendment_filed")
    assert entry.data["member"] == member.pk and entry.data["from_portal"] is True
    assert Notification.objects.filter(user=world.users[Role.SECRETARIAT],
                                       message__contains=f"déposé par {member}").exists()

    # The secretariat's console shows it with its author and group, and votes it first.
    client.force_login(world.users[Role.SECRETARIAT])
    console = client.get(reverse("sittings:live_item", kwargs={"slug": sw.sitting.slug, "pk": item.pk}))
    html = console.content.decode()
    assert str(member) in html and f"groupe {member.group.short_name}" in html and "espace élu" in html
    assert "sous réserve de l&#x27;avis du conseil de quartier" in html


def test_member_files_during_the_sitting_and_it_is_voted_first(world):
    sw = live_world(world, members=9, present=8)
    clerk = world.users[Role.SECRETARIAT]
    member = sw.members[2]
    user = member_user(world, member, "elu-seance")
    item = sw.items[0]
    live.take_up_item(clerk, item)
    amendment = votes.file_amendment(user, item, target="articles:new", new_text="Article ajouté en séance.",
                                     member=member, group=None, number=7)
    assert amendment.number == 1 and amendment.group == member.group  # a member does not choose the number
    with pytest.raises(ValidationError, match="avant le projet"):
        votes.open_ballot(clerk, item, method="show_of_hands")
    ballot = votes.open_ballot(clerk, item, method="show_of_hands", amendment=amendment)
    # While a vote is open on the item, nothing more is filed on it.
    with pytest.raises(ValidationError, match="plus en discussion"):
        votes.file_amendment(user, item, target="articles:1", new_text="Trop tard.", member=member)
    with pytest.raises(ValidationError, match="en cours de vote"):
        votes.withdraw_amendment(user, amendment)
    votes.close_with_totals(clerk, ballot, pour=6, contre=2, abstention=0)
    item.act.refresh_from_db()
    assert item.act.articles[-1] == "Article ajouté en séance."
    # Voted: no longer withdrawn by its author.
    with pytest.raises(ValidationError, match="plus en discussion"):
        votes.withdraw_amendment(user, Amendment.objects.get(pk=amendment.pk))


def test_not_once_the_act_is_voted(client, world, sw, colleague):
    convene(sw.sitting)
    item = sw.items[0]
    AgendaItem.objects.filter(pk=item.pk).update(state=AgendaItem.State.ADOPTED)
    client.force_login(colleague)
    page = client.get(_page(sw.sitting, item)).content.decode()
    assert "Déposer l'amendement" not in page and "plus en discussion" in page
    response = client.post(_page(sw.sitting, item), REPLACE_ARTICLE_1)
    assert response.status_code == 400 and "il ne peut plus être amendé" in response.content.decode()
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("case", ["not_convened", "closed_sitting", "question"])
def test_refusals(world, sw, colleague, case):
    member = sw.members[1]
    item = sw.items[0]
    if case != "not_convened":
        convene(sw.sitting)
    if case == "closed_sitting":
        Sitting.objects.filter(pk=sw.sitting.pk).update(state=Sitting.State.CLOSED)
    if case == "question":
        item = AgendaItem.objects.create(sitting=sw.sitting, position=10, kind=AgendaItem.Kind.QUESTION,
                                         title="Question sur la voirie", on_convocation=True)
    expected = {"not_convened": "ne figure pas sur une convocation envoyée",
                "closed_sitting": "il ne peut plus être amendé",
                "question": "Seul un projet de délibération peut être amendé"}[case]
    with pytest.raises(ValidationError, match=expected):
        votes.file_amendment(colleague, item, target="articles:1", new_text="Texte.", member=member)
    assert not Amendment.objects.exists()


def test_a_member_files_only_as_himself_and_in_his_assemblies(client, world, sw, colleague):
    convene(sw.sitting)
    item = sw.items[0]
    with pytest.raises(PermissionDenied):  # in a colleague's name
        votes.file_amendment(colleague, item, target="articles:1", new_text="Texte.", member=sw.members[2])
    with pytest.raises(PermissionDenied):  # without naming himself
        votes.file_amendment(colleague, item, target="articles:1", new_text="Texte.")
    # A committee the colleague does not sit on: its sitting is a 404 in the portal, a refusal in the action.
    committee = Committee.objects.create(authority=world.authority, name="Commission des finances", short_name="C9")
    committee.members.set([sw.members[3]])
    assembly = Assembly.objects.create(authority=world.authority, kind=Assembly.Kind.COMMITTEE, committee=committee,
                                       name="Commission des finances")
    other = Sitting.objects.create(authority=world.authority, assembly=assembly, slug="commission-c9",
                                   date=sw.sitting.date, state=Sitting.State.CONVENED)
    other_item = AgendaItem.objects.create(sitting=other, position=1, act=sw.acts[1], title="Point",
                                           on_convocation=True)
    convene(other, items=[other_item])
    with pytest.raises(PermissionDenied, match="ne siégez pas"):
        votes.file_amendment(colleague, other_item, target="articles:1", new_text="Texte.", member=sw.members[1])
    client.force_login(colleague)
    assert client.get(_page(other, other_item)).status_code == 404
    assert client.post(_page(other, other_item), REPLACE_ARTICLE_1).status_code == 404


def test_form_errors_keep_what_was_typed(client, world, sw, colleague):
    convene(sw.sitting)
    item = sw.items[0]
    client.force_login(colleague)
    missing_index = client.post(_page(sw.sitting, item), {**REPLACE_ARTICLE_1, "index": ""})
    assert missing_index.status_code == 400
    html = missing_index.content.decode()
    assert "Indiquez le numéro de la partie modifiée." in html and "sous réserve de l&#x27;avis" in html
    beyond = client.post(_page(sw.sitting, item), {**REPLACE_ARTICLE_1, "index": "5"})
    assert beyond.status_code == 400
    assert "qui n&#x27;existe pas dans le texte actuel" in beyond.content.decode()
    empty_add = client.post(_page(sw.sitting, item), {"part": "considerants", "operation": "add", "new_text": " "})
    assert "Rédigez le texte proposé" in empty_add.content.decode()
    assert not Amendment.objects.exists()
    deletion = client.post(_page(sw.sitting, item), {"part": "visas", "operation": "delete", "index": "1"})
    assert deletion.status_code == 302
    assert Amendment.objects.get().target == "visas:1" and Amendment.objects.get().new_text == ""


def test_withdrawing_ones_own_amendment(client, world, sw, colleague):
    convene(sw.sitting)
    item = sw.items[0]
    mine = votes.file_amendment(colleague, item, target="articles:1", new_text="Texte.", member=sw.members[1])
    other_user = member_user(world, sw.members[2], "elu-autre")
    theirs = votes.file_amendment(other_user, item, target="articles:1", new_text="Autre.", member=sw.members[2])
    client.force_login(colleague)
    page = client.get(_page(sw.sitting, item)).content.decode()
    assert reverse("portal:amendment_withdraw", args=[mine.pk]) in page
    assert reverse("portal:amendment_withdraw", args=[theirs.pk]) not in page
    assert client.get(reverse("portal:amendment_withdraw", args=[mine.pk])).status_code == 405
    assert client.post(reverse("portal:amendment_withdraw", args=[theirs.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        votes.withdraw_amendment(colleague, theirs)
    response = client.post(reverse("portal:amendment_withdraw", args=[mine.pk]), follow=True)
    assert "Amendement n° 1 retiré." in response.content.decode()
    assert Amendment.objects.get(pk=mine.pk).state == Amendment.State.WITHDRAWN
    assert Amendment.objects.get(pk=theirs.pk).state == Amendment.State.FILED
    assert JournalEntry.objects.filter(action="sitting.amendment_withdrawn", data__from_portal=True).count() == 1
    again = client.post(reverse("portal:amendment_withdraw", args=[mine.pk]), follow=True)
    assert "plus en discussion" in again.content.decode()


def test_secretariat_records_an_amendment_handed_in_by_a_member(client, world, sw):
    convene(sw.sitting)
    item, member = sw.items[0], sw.members[4]
    other_group = PoliticalGroup.objects.create(authority=world.authority, name="Groupe écologiste",
                                                short_name="ECO")
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:live_item", kwargs={"slug": sw.sitting.slug, "pk": item.pk})
    response = client.post(url, {"op": "amendment", "member": member.pk, "part": "articles", "operation": "replace",
                                 "index": "1", "new_text": "Nouvelle rédaction remise sur papier."})
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.member == member and amendment.group == member.group  # the member's group by default
    votes.file_amendment(world.users[Role.SECRETARIAT], item, target="articles:1", new_text="Autre.", member=member,
                         group=other_group)
    assert Amendment.objects.get(number=2).group == other_group
