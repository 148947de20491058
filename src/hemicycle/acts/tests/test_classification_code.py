"""The @CTES matière code is checked against the authority's latest imported classification."""

import datetime

from django.urls import reverse

from hemicycle.acts.models import Act, ClassificationVersion, Matiere
from hemicycle.core.roles import Role

from .helpers import form_data


def classification(world, date=datetime.date(2025, 1, 1), codes=(("7", "Finances locales"), ("7.5", "Subventions"))):
    version = ClassificationVersion.objects.create(authority=world.authority, version_date=date, source_sha256="0" * 64)
    for code, label in codes:
        Matiere.objects.create(version=version, code=code, label=label, level=code.count(".") + 1)
    return version


def test_unknown_code_is_refused_in_french_with_the_input_kept(world, client):
    classification(world)
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(world, classification="9.9"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le code de matière « 9.9 » n&#x27;existe pas dans la classification du 01/01/2025" in page
    assert 'value="9.9"' in page
    assert "Vu le budget primitif 2026" in page
    assert not Act.objects.exists()


def test_known_code_is_stored_with_its_path_against_the_latest_version(world, client, other_world):
    classification(world, datetime.date(2020, 1, 1), codes=(("7", "Finances"),))
    latest = classification(world, datetime.date(2025, 1, 1))
    classification(other_world, datetime.date(2026, 1, 1), codes=(("8", "Autre"), ("8.1", "Autre")))
    client.force_login(world.users[Role.DRAFTER])
    assert client.post(reverse("acts:create"), form_data(world, classification="7,5")).status_code == 302
    act = Act.objects.get()
    assert act.matiere_codes == ["7", "7.5"]
    assert act.classification_version == latest
    assert "Subventions" in client.get(reverse("acts:detail", args=[act.slug])).content.decode()


def test_code_of_an_older_version_only_is_refused(world, client):
    classification(world, datetime.date(2020, 1, 1), codes=(("3", "Domaine"), ("3.1", "Acquisitions")))
    classification(world, datetime.date(2025, 1, 1))
    client.force_login(world.users[Role.DRAFTER])
    assert client.post(reverse("acts:create"), form_data(world, classification="3.1")).status_code == 400


def test_without_imported_classification_the_form_says_so_and_allows_empty(world, client):
    client.force_login(world.users[Role.DRAFTER])
    page = client.get(reverse("acts:create")).content.decode()
    assert "Aucune classification des actes n’a été importée" in page
    assert client.post(reverse("acts:create"), form_data(world, classification="")).status_code == 302
    response = client.post(reverse("acts:create"), form_data(world, classification="7.5"))
    assert response.status_code == 400
    assert "Aucune classification des actes n&#x27;a été importée pour votre collectivité" in response.content.decode()
    assert Act.objects.count() == 1
