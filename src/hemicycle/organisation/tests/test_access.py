"""Who may open the organisation pages: administrators manage, the secretariat reads members,
groups and committees, everyone else gets 403; anonymous visitors go to the login page."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.organisation.models import Mandate


def urls(world):
    member = world.members[0]
    mandate = Mandate.objects.create(member=member, function="Conseillère municipale", start_date="2020-07-04")
    group = member.group
    dept = world.departments["DAC"]
    target = world.users[Role.DRAFTER]
    admin_get = [
        reverse("organisation:authority"), reverse("organisation:departments"),
        reverse("organisation:department_new"), reverse("organisation:department_edit", args=[dept.pk]),
        reverse("organisation:departments_import"), reverse("organisation:departments_template"),
        reverse("organisation:users"), reverse("organisation:user_new"),
        reverse("organisation:user_edit", args=[target.pk]),
        reverse("organisation:member_new"), reverse("organisation:member_edit", args=[member.pk]),
        reverse("organisation:members_import"), reverse("organisation:members_template"),
        reverse("organisation:mandate_new", args=[member.pk]),
        reverse("organisation:mandate_edit", args=[member.pk, mandate.pk]),
        reverse("organisation:group_new"), reverse("organisation:group_edit", args=[group.pk]),
        reverse("organisation:committee_new"), reverse("organisation:committee_edit", args=[world.committee.pk]),
    ]
    admin_post = [
        reverse("organisation:department_toggle", args=[dept.pk]),
        reverse("organisation:user_toggle", args=[target.pk]),
        reverse("organisation:user_reset_totp", args=[target.pk]),
        reverse("organisation:mandate_delete", args=[member.pk, mandate.pk]),
    ]
    viewer_get = [
        reverse("organisation:home"), reverse("organisation:members"),
        reverse("organisation:member", args=[member.pk]), reverse("organisation:groups"),
        reverse("organisation:group", args=[group.pk]), reverse("organisation:committees"),
        reverse("organisation:committee", args=[world.committee.pk]), reverse("organisation:classification"),
    ]
    return admin_get, admin_post, viewer_get


def test_administrator_opens_every_page(client, world):
    admin_get, _, viewer_get = urls(world)
    client.force_login(world.users[Role.ADMINISTRATOR])
    for url in admin_get + viewer_get:
        assert client.get(url).status_code == 200, url


def test_secretariat_reads_members_groups_committees_but_manages_nothing(client, world):
    admin_get, admin_post, viewer_get = urls(world)
    client.force_login(world.users[Role.SECRETARIAT])
    for url in viewer_get:
        response = client.get(url)
        assert response.status_code == 200, url
        assert reverse("organisation:member_new") not in response.content.decode()
    for url in admin_get:
        assert client.get(url).status_code == 403, url
    for url in admin_post:
        assert client.post(url).status_code == 403, url
    assert Mandate.objects.count() == 1


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.APPROVER, Role.MEMBER, Role.SIGNATORY, Role.PARTNER])
def test_other_roles_get_403(client, world, role):
    admin_get, admin_post, viewer_get = urls(world)
    client.force_login(world.users[role])
    for url in admin_get + viewer_get:
        assert client.get(url).status_code == 403, url
    for url in admin_post:
        assert client.post(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, world):
    admin_get, admin_post, viewer_get = urls(world)
    for url in admin_get + viewer_get:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url


def test_posting_to_an_action_as_secretariat_changes_nothing(client, world):
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("organisation:group_new"), {"name": "Nouveau", "short_name": "NV", "colour": "#000091"})
    assert response.status_code == 403
    assert not world.authority.groups.filter(short_name="NV").exists()


def test_menu_shows_organisation_to_administrators_and_secretariat_only(client, world):
    for role, visible in [(Role.ADMINISTRATOR, True), (Role.SECRETARIAT, True), (Role.DRAFTER, False)]:
        client.force_login(world.users[role])
        page = client.get(reverse("accounts:account")).content.decode()
        assert (f'href="{reverse("organisation:home")}"' in page) is visible, role
