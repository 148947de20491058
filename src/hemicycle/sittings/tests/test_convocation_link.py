"""The member's personal link: public (the token is the credential), records the first opening
and each document consulted, 404 for an unknown token, never shows other members' data."""

from html import unescape

import pytest
from django.urls import reverse

from hemicycle.sittings.models import DocumentConsultation

from .convocation_helpers import convocation_world, generate, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, members=5)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    return sw, send(world, conv, django_capture_on_commit_callbacks)


def test_link_records_opening_once_and_shows_the_convocation(sent, client):
    sw, conv = sent
    r = conv.recipients.get(member=sw.members[1])
    other = conv.recipients.get(member=sw.members[2])
    url = reverse("sittings:convocation_link", args=[r.token])
    response = client.get(url)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Projet de délibération n° 3" in html  # the agenda
    assert "Exposé des motifs de l'affaire 2" in html  # the note
    assert sw.members[1].last_name in html
    assert sw.members[2].last_name not in html and sw.members[2].email not in html and other.token not in html
    assert response["Cache-Control"] == "private, no-store"
    r.refresh_from_db()
    first = r.opened_at
    assert first is not None
    client.get(url)
    r.refresh_from_db()
    assert r.opened_at == first
    other.refresh_from_db()
    assert other.opened_at is None


def test_downloads_record_consultations(sent, client):
    sw, conv = sent
    r = conv.recipients.get(member=sw.members[0])
    response = client.get(reverse("sittings:convocation_link_document", args=[r.token, "dossier-de-seance"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF")
    client.get(reverse("sittings:convocation_link_document", args=[r.token, "note-de-synthese"]))
    assert list(DocumentConsultation.objects.filter(recipient=r).order_by("at", "pk")
                .values_list("document", flat=True)) == ["dossier-de-seance", "note-de-synthese"]
    r.refresh_from_db()
    assert r.opened_at is not None  # downloading straight from the e-mail also proves receipt
    assert client.get(reverse("sittings:convocation_link_document", args=[r.token, "autre"])).status_code == 404


def test_unknown_token_is_404(sent, client):
    assert client.get(reverse("sittings:convocation_link", args=["inconnu-" + "x" * 30])).status_code == 404
    assert client.get(reverse("sittings:convocation_link_document",
                              args=["inconnu", "lettre"])).status_code == 404


def test_token_of_an_unsent_convocation_is_404(world, client, django_capture_on_commit_callbacks):
    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    from hemicycle.sittings.models import ConvocationRecipient

    r = ConvocationRecipient.objects.create(convocation=conv, member=sw.members[0], channel="email")
    assert client.get(reverse("sittings:convocation_link", args=[r.token])).status_code == 404
