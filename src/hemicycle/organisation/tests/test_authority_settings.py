from html import unescape

from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry


def text(response) -> str:
    return unescape(response.content.decode())


def form_data(authority, **changes):
    data = {"name": authority.name, "kind": authority.kind, "siren": authority.siren, "siret": authority.siret,
            "department_code": authority.department_code, "arrondissement": authority.arrondissement,
            "population": authority.population, "seats": authority.seats}
    data.update(changes)
    return data


def test_page_shows_the_legal_regime(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    page = text(client.get(reverse("organisation:authority")))
    assert "5 jours francs" in page  # commune of 52,000 inhabitants: L2121-12
    assert "obligatoire" in page and "L2121-12" in page


def test_small_commune_changes_the_regime_and_is_journaled(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("organisation:authority"), form_data(world.authority, population=1200, seats=15))
    assert response.status_code == 302
    world.authority.refresh_from_db()
    assert world.authority.population == 1200
    assert world.authority.regime.convocation_days == 3
    page = text(client.get(reverse("organisation:authority")))
    assert "3 jours francs" in page and "non obligatoire" in page and "L2121-11" in page
    entry = JournalEntry.objects.get(action="organisation.authority_updated")
    assert entry.data["changes"]["population"] == [52000, 1200]
    assert entry.actor_id == world.users[Role.ADMINISTRATOR].pk


def test_invalid_siren_is_refused_with_input_kept(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("organisation:authority"),
                           form_data(world.authority, siren="12AB", name="Nouveau nom gardé"))
    assert response.status_code == 200
    page = text(response)
    assert "Le SIREN compte 9 chiffres." in page
    assert "Nouveau nom gardé" in page
    world.authority.refresh_from_db()
    assert world.authority.name == "Commune de Villeneuve-sur-Test"
    assert not JournalEntry.objects.filter(action="organisation.authority_updated").exists()


def test_paris_regime(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    client.post(reverse("organisation:authority"), form_data(world.authority, kind="paris", population=2_100_000))
    page = text(client.get(reverse("organisation:authority")))
    assert "Conseil de Paris" in page and "12 jours francs" in page
