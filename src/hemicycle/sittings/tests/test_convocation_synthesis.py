"""The note explicative de synthèse: required for communes of 3,500 inhabitants and more
(L2121-12), one text per item pre-filled from the act's report (as text), editable."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.sittings.actions.convocation import check_before_sending

from .convocation_helpers import convocation_world, generate

pytestmark = pytest.mark.django_db


def test_form_is_prefilled_with_the_report_as_text(world, client):
    sw = convocation_world(world)
    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("sittings:convocation", args=[sw.sitting.slug]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial[f"synthesis_{sw.items[0].pk}"] == "Exposé des motifs de l'affaire 1 : présentation du projet."
    assert "J'ai l'honneur de vous convoquer à la séance du conseil municipal qui se tiendra le" in \
        form.initial["letter_text"]


def test_missing_text_breaks_the_rule_where_required(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks,
                    synthesis_texts={str(sw.items[1].pk): ""})
    errors = check_before_sending(conv).errors
    assert [(e.code, e.article) for e in errors] == [("synthesis_note_missing", "L2121-12")]
    assert "n° 2" in errors[0].message


def test_small_commune_does_not_require_the_note(world, django_capture_on_commit_callbacks):
    world.authority.population = 1200
    world.authority.save(update_fields=["population"])
    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks,
                    synthesis_texts={str(item.pk): "" for item in sw.items})
    check = check_before_sending(conv)
    assert check.errors == []
    assert check.delay.required_days == 3


def test_edited_texts_are_saved_and_make_documents_stale(world, client, django_capture_on_commit_callbacks):
    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    client.force_login(world.users[Role.SECRETARIAT])
    data = {"letter_text": conv.letter_text, "synthesis_note": "Introduction.",
            **{f"synthesis_{item.pk}": f"Texte revu {item.pk}" for item in sw.items}}
    response = client.post(reverse("sittings:convocation", args=[sw.sitting.slug]), data)
    assert response.status_code == 302
    conv.refresh_from_db()
    assert conv.synthesis_texts[str(sw.items[0].pk)] == f"Texte revu {sw.items[0].pk}"
    assert conv.state == "draft"
    assert check_before_sending(conv).blockers  # documents must be generated again


def test_empty_letter_is_refused_and_input_kept(world, client):
    sw = convocation_world(world)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:convocation", args=[sw.sitting.slug]),
                           {"letter_text": "  ", f"synthesis_{sw.items[0].pk}": "Mon texte à garder"})
    assert response.status_code == 400
    assert "Mon texte à garder" in response.content.decode()
    assert not sw.sitting.convocations.exists()
