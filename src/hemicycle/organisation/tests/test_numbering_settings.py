from hemicycle.acts.actions import create_act
from hemicycle.acts.models import NumberingPattern
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry


def test_administrator_sets_a_pattern_and_new_acts_follow_it(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    page = client.get("/organisation/numerotation/")
    assert page.status_code == 200 and "{year} {dept} {seq}" in page.content.decode()
    response = client.post("/organisation/numerotation/", {"pattern_AR": "{year}-A-{seq:04d}", "pattern_DE": ""})
    assert response.status_code == 302
    assert NumberingPattern.objects.get(authority=world.authority, nature="AR").pattern == "{year}-A-{seq:04d}"
    assert JournalEntry.objects.filter(action="authority.numbering_changed").count() == 1
    act = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], year=2026, nature="AR",
                     object="Arrêté portant réglementation du stationnement")
    assert act.reference == "2026-A-0001"


def test_bad_pattern_is_refused_in_french_and_input_kept(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post("/organisation/numerotation/", {"pattern_DE": "{year} {service}", "pattern_AR": "{year} A {seq}"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Champ inconnu dans le modèle de numérotation : service." in body
    assert 'value="{year} {service}"' in body and 'value="{year} A {seq}"' in body
    assert not NumberingPattern.objects.filter(authority=world.authority).exists()


def test_only_administrators(world, client):
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get("/organisation/numerotation/").status_code == 403
    assert client.post("/organisation/numerotation/", {"pattern_DE": "{seq}"}).status_code == 403
