from html import unescape

from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Committee, Mandate, Member, PoliticalGroup


def text(response) -> str:
    return unescape(response.content.decode())


def test_create_member_with_group_committee_and_account(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    group = PoliticalGroup.objects.get(authority=world.authority, short_name="MAJ")
    response = client.post(reverse("organisation:member_new"), {
        "civility": "M.", "first_name": "Jérôme", "last_name": "Lefèvre", "birth_date": "1968-05-02",
        "email": "j.lefevre@example.org", "group": group.pk, "committees": [world.committee.pk],
        "paper_convocation": "on", "user": ""})
    assert response.status_code == 302, text(response)
    member = Member.objects.get(last_name="Lefèvre")
    assert member.group == group and list(member.committees.all()) == [world.committee]
    assert member.paper_convocation and member.birth_date.isoformat() == "1968-05-02"
    assert JournalEntry.objects.filter(action="organisation.member_created", object_id=str(member.pk)).exists()


def test_account_linked_to_two_members_is_refused(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("organisation:member_new"), {
        "civility": "Mme", "first_name": "Anne", "last_name": "Autre", "user": world.users[Role.MEMBER].pk})
    assert response.status_code == 200
    assert "Ce compte est déjà rattaché à un autre élu." in text(response)
    assert not Member.objects.filter(last_name="Autre").exists()


def test_mandates_add_edit_delete(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    member = world.members[1]
    url = reverse("organisation:mandate_new", args=[member.pk])
    response = client.post(url, {"function": "Adjointe au maire", "start_date": "2020-07-04", "end_date": "2020-01-01"})
    assert "La fin du mandat ne peut pas précéder son début." in text(response)
    response = client.post(url, {"function": "Maire", "start_date": "2020-07-04", "is_president": "on"})
    assert response.status_code == 302
    mandate = Mandate.objects.get(member=member)
    assert mandate.is_president and mandate.end_date is None
    client.post(reverse("organisation:mandate_edit", args=[member.pk, mandate.pk]),
                {"function": "Maire", "start_date": "2020-07-04", "end_date": "2026-03-20", "is_president": "on"})
    mandate.refresh_from_db()
    assert mandate.end_date.isoformat() == "2026-03-20"
    page = text(client.get(reverse("organisation:member", args=[member.pk])))
    assert "Maire" in page and "20/03/2026" in page
    client.post(reverse("organisation:mandate_delete", args=[member.pk, mandate.pk]))
    assert not Mandate.objects.filter(member=member).exists()
    assert [e.action for e in JournalEntry.objects.filter(action__startswith="organisation.mandate").order_by("seq")] == [
        "organisation.mandate_created", "organisation.mandate_updated", "organisation.mandate_deleted"]


def test_mandate_of_another_member_is_404(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    mandate = Mandate.objects.create(member=world.members[0], function="Maire", start_date="2020-07-04")
    url = reverse("organisation:mandate_edit", args=[world.members[1].pk, mandate.pk])
    assert client.get(url).status_code == 404


def test_groups_unique_sigle_and_member_list(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("organisation:group_new"), {"name": "Autre majorité", "short_name": "maj",
                                                               "colour": "#ff0000"})
    assert "Le sigle maj est déjà utilisé." in text(response)
    response = client.post(reverse("organisation:group_new"), {"name": "Opposition", "short_name": "OPP",
                                                               "colour": "#ff0000"})
    group = PoliticalGroup.objects.get(authority=world.authority, short_name="OPP")
    assert response.status_code == 302 and group.colour == "#ff0000"
    maj = PoliticalGroup.objects.get(authority=world.authority, short_name="MAJ")
    page = text(client.get(reverse("organisation:group", args=[maj.pk])))
    assert "Élue0 Conseillère0" in page


def test_committee_members_are_set_and_listed(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("organisation:committee_new"), {
        "name": "Commission des finances", "short_name": "FIN",
        "members": [world.members[0].pk, world.members[2].pk]})
    assert response.status_code == 302
    committee = Committee.objects.get(authority=world.authority, short_name="FIN")
    assert set(committee.members.all()) == {world.members[0], world.members[2]}
    client.force_login(world.users[Role.SECRETARIAT])
    page = text(client.get(reverse("organisation:committee", args=[committee.pk])))
    assert "2 membres" in page and "Élue0" in page and "Élue2" in page and "Élue1" not in page
    client.force_login(world.users[Role.ADMINISTRATOR])
    client.post(reverse("organisation:committee_edit", args=[committee.pk]),
                {"name": "Commission des finances", "short_name": "FIN", "members": [world.members[1].pk]})
    assert list(committee.members.all()) == [world.members[1]]
    entry = JournalEntry.objects.filter(action="organisation.committee_updated").get()
    assert entry.data["changes"]["members"]["ajoutés"] == [world.members[1].pk]
