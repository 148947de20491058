"""The generation page: the task is enqueued after commit, progress is shown by a fragment that
htmx polls every second while generating and that stops (and reloads the page) once done; a
failure leaves the convocation FAILED with a French message."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.documents.render import RenderError
from hemicycle.sittings.models import Convocation

from .convocation_helpers import convocation_world

pytestmark = pytest.mark.django_db


def _post_generate(client, sw, capture):
    data = {"letter_text": "Madame, Monsieur,\n\n[ordre du jour]", "generate": "1",
            **{f"synthesis_{item.pk}": "Texte" for item in sw.items}}
    with capture(execute=True):
        return client.post(reverse("sittings:convocation", args=[sw.sitting.slug]), data)


def test_generation_reaches_100_and_polling_stops(world, client, django_capture_on_commit_callbacks):
    sw = convocation_world(world)
    client.force_login(world.users[Role.SECRETARIAT])
    assert _post_generate(client, sw, django_capture_on_commit_callbacks).status_code == 302
    conv = sw.sitting.convocations.get()
    assert conv.state == Convocation.State.READY and conv.progress == 100
    url = reverse("sittings:convocation_progress", args=[sw.sitting.slug, conv.pk])
    done = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' not in done.content.decode()
    assert done["HX-Refresh"] == "true"
    page = client.get(reverse("sittings:convocation", args=[sw.sitting.slug])).content.decode()
    assert "dossier-de-seance" in page and "Envoyer la convocation" in page


def test_fragment_polls_while_generating(world, client):
    sw = convocation_world(world)
    conv = Convocation.objects.create(sitting=sw.sitting, letter_text="x", state=Convocation.State.GENERATING,
                                      progress=42)
    client.force_login(world.users[Role.SECRETARIAT])
    html = client.get(reverse("sittings:convocation_progress", args=[sw.sitting.slug, conv.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="42"' in html
    page = client.get(reverse("sittings:convocation", args=[sw.sitting.slug])).content.decode()
    assert 'hx-trigger="every 1s"' in page


def test_failure_is_shown_in_french(world, client, django_capture_on_commit_callbacks, monkeypatch):
    from hemicycle.sittings import convocation_documents

    def broken(act, **kwargs):
        raise RenderError("typst: unexpected")

    monkeypatch.setattr(convocation_documents, "render_act_pdf", broken)
    sw = convocation_world(world)
    client.force_login(world.users[Role.SECRETARIAT])
    _post_generate(client, sw, django_capture_on_commit_callbacks)
    conv = sw.sitting.convocations.get()
    assert conv.state == Convocation.State.FAILED
    assert conv.error == "Le document de l'affaire n° 1 « Projet de délibération n° 1 » n'a pas pu être produit."
    page = client.get(reverse("sittings:convocation", args=[sw.sitting.slug])).content.decode()
    assert "La génération des documents a échoué" in page


def test_sitting_page_shows_the_convocation_panel(world, client, django_capture_on_commit_callbacks):
    from .convocation_helpers import generate, send

    sw = convocation_world(world, members=4)
    client.force_login(world.users[Role.SECRETARIAT])
    hub = reverse("sittings:detail", args=[sw.sitting.slug])
    assert "Préparer la convocation" in client.get(hub).content.decode()
    send(world, generate(world, sw.sitting, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    html = client.get(hub).content.decode()
    assert "0 ouverte(s) sur 4" in html and reverse("sittings:convocation_proof", args=[
        sw.sitting.slug, sw.sitting.convocations.get().pk]) in html
