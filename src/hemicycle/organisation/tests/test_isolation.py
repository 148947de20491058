"""Authorities never see each other's organisation: objects answer 404, lists show only
their own rows, and actions refuse foreign objects."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hemicycle.acts.classification import load_default_classification
from hemicycle.core.roles import Role
from hemicycle.organisation import actions
from hemicycle.organisation.models import Department, Mandate, Member


def object_urls(w):
    member = w.members[0]
    mandate = Mandate.objects.create(member=member, function="Maire", start_date="2020-07-04", is_president=True)
    return {
        "get": [
            reverse("organisation:department_edit", args=[w.departments["DAC"].pk]),
            reverse("organisation:user_edit", args=[w.users[Role.DRAFTER].pk]),
            reverse("organisation:member", args=[member.pk]),
            reverse("organisation:member_edit", args=[member.pk]),
            reverse("organisation:mandate_new", args=[member.pk]),
            reverse("organisation:mandate_edit", args=[member.pk, mandate.pk]),
            reverse("organisation:group", args=[member.group.pk]),
            reverse("organisation:group_edit", args=[member.group.pk]),
            reverse("organisation:committee", args=[w.committee.pk]),
            reverse("organisation:committee_edit", args=[w.committee.pk]),
        ],
        "post": [
            reverse("organisation:department_toggle", args=[w.departments["DAC"].pk]),
            reverse("organisation:user_toggle", args=[w.users[Role.DRAFTER].pk]),
            reverse("organisation:user_reset_totp", args=[w.users[Role.DRAFTER].pk]),
            reverse("organisation:mandate_delete", args=[member.pk, mandate.pk]),
        ],
    }


def test_other_authority_objects_answer_404(client, world, other_world):
    urls = object_urls(world)
    client.force_login(other_world.users[Role.ADMINISTRATOR])
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"active": "0"}).status_code == 404, url
    world.departments["DAC"].refresh_from_db()
    world.users[Role.DRAFTER].refresh_from_db()
    assert world.departments["DAC"].active and world.users[Role.DRAFTER].is_active
    assert Mandate.objects.filter(member=world.members[0]).count() == 1


def test_secretariat_of_other_authority_gets_404_on_members(client, world, other_world):
    client.force_login(other_world.users[Role.SECRETARIAT])
    assert client.get(reverse("organisation:member", args=[world.members[0].pk])).status_code == 404
    assert client.get(reverse("organisation:committee", args=[world.committee.pk])).status_code == 404


def test_lists_show_only_own_authority(client, world, other_world):
    Department.objects.create(authority=other_world.authority, code="AUTRE", name="Direction d'ailleurs")
    Member.objects.create(authority=other_world.authority, civility="M.", first_name="Zébulon", last_name="Étranger")
    other_world.committee.name = "Commission d'Autreville"
    other_world.committee.save()
    other_world.members[0].group.name = "Groupe d'Autreville"
    other_world.members[0].group.short_name = "AUT"
    other_world.members[0].group.save()
    client.force_login(world.users[Role.ADMINISTRATOR])
    pages = {name: client.get(reverse(f"organisation:{name}")).content.decode()
             for name in ("departments", "users", "members", "groups", "committees", "home")}
    assert "AUTRE" not in pages["departments"] and "DFPE" in pages["departments"]
    assert "aut-admin" not in pages["users"] and "vil-admin" in pages["users"]
    assert "Zébulon" not in pages["members"] and "Élue0" in pages["members"]
    assert "AUT" not in pages["groups"] and "MAJ" in pages["groups"]
    assert "Autreville" not in pages["committees"] and "Commission culture" in pages["committees"]
    assert "Autreville" not in pages["home"]


def test_classification_versions_are_per_authority(client, world, other_world):
    version = load_default_classification(other_world.authority).version
    client.force_login(world.users[Role.ADMINISTRATOR])
    page = client.get(reverse("organisation:classification"))
    assert "Aucune classification importée" in page.content.decode()
    assert client.get(reverse("organisation:classification") + f"?version={version.pk}").status_code == 404


def test_actions_refuse_foreign_objects(world, other_world):
    admin = world.users[Role.ADMINISTRATOR]
    with pytest.raises(PermissionDenied):
        actions.save_department(admin, other_world.authority, code="X", name="Ailleurs")
    with pytest.raises(PermissionDenied):
        actions.save_department(admin, world.authority, code="X", name="Mélange",
                                parent=other_world.departments["DAC"])
    with pytest.raises(PermissionDenied):
        actions.save_member(admin, world.authority, civility="M.", first_name="A", last_name="B",
                            group=other_world.members[0].group)
    with pytest.raises(PermissionDenied):
        actions.save_committee(admin, world.authority, world.committee, members=[other_world.members[0]])
    with pytest.raises(PermissionDenied):
        actions.set_user_active(admin, other_world.users[Role.DRAFTER], False)
    with pytest.raises(PermissionDenied):
        actions.save_user(admin, world.authority, roles={Role.DRAFTER: [other_world.departments["DAC"]]},
                          username="melange", first_name="M", last_name="L", password="un-mot-de-passe-solide-42")
    assert not Department.objects.filter(code="X").exists()
