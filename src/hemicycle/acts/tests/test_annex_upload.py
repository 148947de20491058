"""Annex files are checked by content and size; a refused file never loses the rest of the form."""

import os

import pytest
from django.urls import reverse

from hemicycle.acts.models import Act, Annex
from hemicycle.core.roles import Role

from .helpers import HTML, PDF, form_data, make_act, upload

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize("content, described", [
    (HTML, "une page web ou du code (HTML/XML)"),
    (os.urandom(4096), None),
    (EXE, "un programme exécutable"),
])
def test_disguised_pdf_is_refused_and_the_form_is_kept(world, client, content, described):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(world, annexes=[upload("délibération.pdf", content)]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le fichier « délibération.pdf » a été refusé : son nom annonce un document PDF" in page
    if described:
        assert described in page
    # Everything typed is still there, and nothing was created.
    assert "Subvention à l&#x27;association Les Amis du Théâtre" in page
    assert "Vu le budget primitif 2026" in page
    assert "Considérant l&#x27;intérêt local du projet" in page
    assert "La dépense est imputée au budget 2026." in page
    assert "La compagnie joue dans les écoles." in page
    assert not Act.objects.exists()


def test_valid_files_sent_with_a_refused_one_are_kept_for_the_next_attempt(world, client):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(
        world, annexes=[upload("bon.pdf", PDF), upload("faux.pdf", HTML)]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "« faux.pdf »" in page and "bon.pdf" in page
    token = response.context["pending_annexes"][0]["token"]
    # Resubmitting without re-choosing the good file attaches it.
    response = client.post(reverse("acts:create"), form_data(world, pending_annexes=[token]))
    assert response.status_code == 302
    assert [a.original_name for a in Act.objects.get().annexes.all()] == ["bon.pdf"]


def test_a_pending_token_cannot_be_forged_or_reused_by_someone_else(world, client):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(
        world, object="", annexes=[upload("bon.pdf", PDF)]))
    token = response.context["pending_annexes"][0]["token"]
    client.force_login(world.users["drafter2"])
    client.post(reverse("acts:create"), form_data(world, department=world.departments["DFPE"].pk,
                                                  pending_annexes=[token, token[:-2] + "xx"]))
    assert Act.objects.get().annexes.count() == 0


def test_oversized_file_is_refused(world, client, settings):
    settings.HEMICYCLE_MAX_ANNEX_BYTES = 1000
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(
        world, annexes=[upload("gros.pdf", PDF + b"0" * 2000)]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le fichier « gros.pdf » pèse" in page and "ne peut pas dépasser" in page
    assert "Vu le budget primitif 2026" in page
    assert not Act.objects.exists()


def test_upload_on_the_act_page_checks_content_too(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    url = reverse("acts:annex_add", args=[act.slug])
    response = client.post(url, {"file": upload("rapport.pdf", HTML), "title": "Rapport de la commission"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le fichier « rapport.pdf » a été refusé" in page
    assert 'value="Rapport de la commission"' in page
    assert not Annex.objects.exists()

    response = client.post(url, {"file": upload("rapport.pdf", PDF), "title": "Rapport de la commission",
                                 "published": "on"})
    assert response.status_code == 302
    annex = Annex.objects.get()
    assert (annex.title, annex.published, annex.sent_to_prefecture, annex.confidential) == (
        "Rapport de la commission", True, False, False)


def test_other_types_and_mismatched_extensions_are_refused(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    url = reverse("acts:annex_add", args=[act.slug])
    page = client.post(url, {"file": upload("script.html", HTML)}).content.decode()
    assert "Le fichier « script.html » n&#x27;est pas d&#x27;un type accepté" in page
    page = client.post(url, {"file": upload("image.png", PDF)}).content.decode()
    assert "son nom annonce une image PNG, mais son contenu est un document PDF" in page
    assert not Annex.objects.exists()
