"""Who may use the agenda pages: the secretariat of the authority; administrators see the
sittings and manage assemblies; drafters and members get 403; other authorities 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.models import AgendaItem
from hemicycle.sittings.samples_agenda import url_samples
from hemicycle.sittings.testing import ready_act
from hemicycle.sittings.urls_agenda import urlpatterns

NAMES = [f"sittings:{p.name}" for p in urlpatterns]
VIEW_ONLY = {"sittings:list", "sittings:calendar", "sittings:detail", "sittings:assemblies"}
ADMIN_ONLY = {"sittings:assembly_new", "sittings:assembly_edit"}


@pytest.fixture
def urls(world):
    samples = url_samples(world)
    return {name: reverse(name, kwargs=samples.get(name, {})) for name in NAMES}, samples


def test_secretariat_reaches_every_page(world, urls, client):
    client.force_login(world.users[Role.SECRETARIAT])
    for name, url in urls[0].items():
        status = client.get(url).status_code
        if name in ADMIN_ONLY:
            assert status == 403, name
        else:
            assert status in (200, 405), (name, status)


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.MEMBER, Role.APPROVER, Role.SIGNATORY, Role.PARTNER])
def test_other_roles_get_403(world, urls, client, role):
    client.force_login(world.users[role])
    for name, url in urls[0].items():
        assert client.get(url).status_code == 403, (name, role)
        assert client.post(url).status_code == 403, (name, role)


def test_administrator_sees_sittings_and_manages_assemblies(world, urls, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    for name, url in urls[0].items():
        status = client.get(url).status_code
        if name in VIEW_ONLY or name in ADMIN_ONLY:
            assert status == 200, (name, status)
        else:
            assert status == 403, (name, status)


def test_another_authority_gets_404_and_changes_nothing(world, other_world, urls, client):
    url_of, samples = urls
    for role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
        client.force_login(other_world.users[role])
        for name, url in url_of.items():
            if name in samples:  # URLs naming an object
                assert client.get(url).status_code in (403, 404), (name, role)
                if role == Role.SECRETARIAT and name not in ADMIN_ONLY:
                    assert client.get(url).status_code == 404, name
                    assert client.post(url, {"direction": "up", "rule": "reference", "section": "X",
                                             "title": "X", "text": "X"}).status_code == 404, name
    item = AgendaItem.objects.get(pk=samples["sittings:agenda_item"]["pk"])
    assert item.section == "" and item.position == 1 and item.title.startswith("Subvention")


def test_actions_check_rights_themselves(world, other_world, urls):
    item = AgendaItem.objects.get(pk=urls[1]["sittings:agenda_item"]["pk"])
    act = ready_act(world, "Acte prêt")
    for user in (world.users[Role.DRAFTER], world.users[Role.MEMBER], world.users[Role.ADMINISTRATOR],
                 other_world.users[Role.SECRETARIAT]):
        with pytest.raises(PermissionDenied):
            actions.add_acts(user, item.sitting, [act])
        with pytest.raises(PermissionDenied):
            actions.remove_item(user, item)
    act.refresh_from_db()
    assert act.state == ActState.READY
    with pytest.raises(PermissionDenied):
        actions.save_assembly(world.users[Role.SECRETARIAT], world.authority, kind="council", name="X")


def test_menu_entry_for_the_secretariat(world, client):
    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("sittings:list")).content.decode()
    assert f'href="{reverse("sittings:list")}"' in page and "Séances" in page
    client.force_login(world.users[Role.DRAFTER])
    assert f'href="{reverse("sittings:list")}"' not in client.get(reverse("acts:list")).content.decode()
