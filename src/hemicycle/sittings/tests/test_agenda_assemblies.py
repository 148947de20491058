"""Assemblies of the authority: administrators manage them; the règlement intérieur may only
make the convocation delay stricter (Regime.tightened)."""

from html import unescape

from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.models import Assembly


def test_an_administrator_creates_a_council_with_a_stricter_delay(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("sittings:assembly_new"), {
        "kind": "council", "name": "Conseil municipal", "seats": "49", "vacancies": "1", "convocation_days": "7"})
    assert response.status_code == 302
    assembly = Assembly.objects.get(authority=world.authority)
    assert assembly.regime_overrides == {"convocation_days": 7}
    assert assembly.regime.convocation_days == 7  # the law says 5 for 52,000 inhabitants
    assert (assembly.seats, assembly.vacancies) == (49, 1)
    entry = JournalEntry.objects.get(action="assembly.created")
    assert entry.object_id == str(assembly.pk) and entry.data["regime_overrides"] == {"convocation_days": 7}
    page = unescape(client.get(reverse("sittings:assemblies")).content.decode())
    assert "Conseil municipal" in page and "7 jours francs" in page and "règlement intérieur" in page


def test_a_looser_delay_is_refused_in_french_with_the_input_kept(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("sittings:assembly_new"), {
        "kind": "council", "name": "Conseil trop pressé", "convocation_days": "3"})
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Le règlement intérieur ne peut pas réduire le délai de convocation." in page
    assert "5 jours francs" in page
    assert 'value="Conseil trop pressé"' in page
    assert not Assembly.objects.exists()


def test_a_commission_assembly_needs_its_committee(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    url = reverse("sittings:assembly_new")
    response = client.post(url, {"kind": "committee", "name": "Commission culture"})
    assert response.status_code == 400
    assert "doit indiquer sa commission" in unescape(response.content.decode())
    response = client.post(url, {"kind": "committee", "name": "Commission culture", "committee": world.committee.pk})
    assert response.status_code == 302
    assert Assembly.objects.get().committee == world.committee


def test_vacancies_must_leave_seats(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("sittings:assembly_new"), {"kind": "council", "name": "C", "seats": "9",
                                                              "vacancies": "9"})
    assert response.status_code == 400 and "doivent être moins nombreux" in unescape(response.content.decode())


def test_editing_an_assembly_is_journaled(world, client):
    assembly = Assembly.objects.create(authority=world.authority, name="Conseil", kind="council")
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("sittings:assembly_edit", args=[assembly.pk]), {
        "kind": "standing_committee", "name": "Commission permanente", "convocation_days": ""})
    assert response.status_code == 302
    assembly.refresh_from_db()
    assert assembly.kind == "standing_committee" and assembly.regime_overrides == {}
    entry = JournalEntry.objects.get(action="assembly.updated")
    assert entry.data["changes"]["kind"] == ["council", "standing_committee"]


def test_the_secretariat_sees_assemblies_but_does_not_manage_them(world, other_world, client):
    assembly = Assembly.objects.create(authority=world.authority, name="Conseil des Villeneuvois", kind="council")
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(reverse("sittings:assemblies")).status_code == 200
    assert client.get(reverse("sittings:assembly_new")).status_code == 403
    assert client.get(reverse("sittings:assembly_edit", args=[assembly.pk])).status_code == 403
    client.force_login(other_world.users[Role.ADMINISTRATOR])
    assert client.get(reverse("sittings:assembly_edit", args=[assembly.pk])).status_code == 404
    assert "Conseil des Villeneuvois" not in client.get(reverse("sittings:assemblies")).content.decode()
