"""The minutes and the list of deliberations as PDF (Typst, data as JSON: no markup injection)."""

import io

import pypdf
import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.sittings.actions.minutes import generate, update_minutes
from hemicycle.sittings.minutes import render_list_pdf
from hemicycle.sittings.samples_minutes import build_held_sitting


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def minutes(world):
    held = build_held_sitting(world)
    return generate(held.sitting, actor=world.users[Role.SECRETARIAT])


def test_minutes_pdf(client, world, minutes):
    first = minutes.body["items"][0]["id"]
    minutes = update_minutes(world.users[Role.SECRETARIAT], minutes, lock_version=minutes.lock_version,
                             introduction="#panic(\"injection\") ] $x$ *gras*", conclusion="",
                             summaries={first: "Débat : #set page(paper: \"a5\")"})
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.get(reverse("sittings:minutes_pdf", kwargs={"slug": minutes.sitting.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Anne Lefèvre" in text  # the president
    assert "PROCÈS-VERBAL" in text and "PROJET" in text
    assert "Élue0 Conseillère0" in text and "M. Bruno Garnier" in text
    assert '#panic("injection") ] $x$ *gras*' in text  # printed as typed, not evaluated
    assert '#set page(paper: "a5")' in text


def test_list_pdf(world, minutes):
    text = _text(render_list_pdf(minutes.sitting))
    assert "LISTE DES DÉLIBÉRATIONS" in text
    assert "Cession de la parcelle AB 112" in text and "Rejeté" in text and "Reporté" in text
