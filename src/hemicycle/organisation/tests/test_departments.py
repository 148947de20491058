from html import unescape

from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Department


def text(response) -> str:
    return unescape(response.content.decode())


def test_create_sub_department_and_see_the_tree(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    dac = world.departments["DAC"]
    response = client.post(reverse("organisation:department_new"),
                           {"code": "dac-pat", "name": "Bureau du patrimoine", "parent": dac.pk})
    assert response.status_code == 302
    child = Department.objects.get(authority=world.authority, code="DAC-PAT")
    assert child.parent == dac
    assert JournalEntry.objects.filter(action="organisation.department_created", object_id=str(child.pk)).exists()
    page = text(client.get(reverse("organisation:departments")))
    page = page[page.index("<tbody>"):]
    assert page.index("DAC-PAT") > page.index(">DAC<") and page.index("DAC-PAT") < page.index(">DFPE<")
    assert "└" in page


def test_duplicate_code_and_cycles_are_refused(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    dac, dfpe = world.departments["DAC"], world.departments["DFPE"]
    response = client.post(reverse("organisation:department_new"), {"code": "DAC", "name": "Doublon"})
    assert response.status_code == 200
    assert "Le code DAC est déjà utilisé" in text(response)
    assert "Doublon" in text(response)
    child = Department.objects.create(authority=world.authority, code="DAC-1", name="Sous", parent=dac)
    response = client.post(reverse("organisation:department_edit", args=[dac.pk]),
                           {"code": "DAC", "name": dac.name, "parent": child.pk})
    assert "ne peut pas être rattachée à elle-même" in text(response)
    dac.refresh_from_db()
    assert dac.parent is None
    response = client.post(reverse("organisation:department_new"), {"code": "bad code!", "name": "X"})
    assert response.status_code == 200 and not Department.objects.filter(name="X").exists()
    assert dfpe.parent is None


def test_deactivate_and_reactivate(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    dac = world.departments["DAC"]
    child = Department.objects.create(authority=world.authority, code="DAC-1", name="Sous", parent=dac)
    url = reverse("organisation:department_toggle", args=[dac.pk])
    response = client.post(url, {"active": "0"}, follow=True)
    assert "Désactivez d'abord les sous-directions" in text(response)
    dac.refresh_from_db()
    assert dac.active
    client.post(reverse("organisation:department_toggle", args=[child.pk]), {"active": "0"})
    client.post(url, {"active": "0"})
    dac.refresh_from_db()
    assert not dac.active
    assert Department.objects.filter(pk=dac.pk).exists()  # never deleted
    client.post(url, {"active": "1"})
    dac.refresh_from_db()
    assert dac.active
    actions = list(JournalEntry.objects.filter(object_id=str(dac.pk), object_type="organisation.department")
                   .values_list("action", flat=True))
    assert actions == ["organisation.department_deactivated", "organisation.department_reactivated"]


def test_edit_name(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    dfpe = world.departments["DFPE"]
    client.post(reverse("organisation:department_edit", args=[dfpe.pk]), {"code": "DFPE", "name": "Familles"})
    dfpe.refresh_from_db()
    assert dfpe.name == "Familles"
    entry = JournalEntry.objects.get(action="organisation.department_updated")
    assert entry.data["changes"]["name"][1] == "Familles"
