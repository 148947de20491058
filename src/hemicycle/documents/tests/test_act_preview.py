"""The PDF preview of an act: saved (GET) or being edited (POST), for those entitled only."""

import pytest
from django.urls import reverse

from hemicycle.acts.actions import create_act
from hemicycle.acts.models import Act
from hemicycle.core.roles import Role

from .helpers import flat, pdf_text


@pytest.fixture
def act(world):
    return create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], year=2026,
                      object="Subvention au Théâtre de l'Est", visas=["Vu le CGCT ;"],
                      considerants=["Considérant l'intérêt local ;"], articles=["La subvention est attribuée."])


def url(act):
    return reverse("documents:act_preview", args=[act.slug])


def test_url_is_the_act_page_plus_apercu(act):
    assert url(act) == f"/actes/{act.slug}/apercu.pdf"


def test_drafter_gets_the_saved_act_inline(client, world, act):
    client.force_login(world.users[Role.DRAFTER])
    response = client.get(url(act))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.get("X-Frame-Options", "SAMEORIGIN") == "SAMEORIGIN"
    text = flat(pdf_text(response.content))
    assert flat("Subvention au Théâtre de l'Est") in text and "Article1" in text


def test_post_renders_unsaved_form_content_without_saving(client, world, act):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(url(act), {
        "object": "Objet modifié # ] $", "nature": "AR",
        "report": "<p>Exposé <strong>gras</strong></p><script>alert(1)</script>",
        "visas": ["Vu la loi nouvelle ;", "  "], "considerants": ["Considérant le changement ;"],
        "articles": ["Premier article.", "Second article."],
    })
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    for expected in ("Objet modifié # ] $", "Vu la loi nouvelle", "Article 2", "ARRÊTE", "Exposé gras"):
        assert flat(expected) in text, expected
    assert "alert" not in text
    act.refresh_from_db()
    assert act.object == "Subvention au Théâtre de l'Est" and act.articles == ["La subvention est attribuée."]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PARTNER])
def test_members_and_partners_are_refused(client, world, act, role):
    client.force_login(world.users[role])
    assert client.get(url(act)).status_code == 403
    assert client.post(url(act), {"object": "x"}).status_code == 403


def test_viewer_who_cannot_edit_may_not_post(client, world, act):
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(url(act)).status_code == 200
    assert client.post(url(act), {"object": "x"}).status_code == 403


def test_other_authority_gets_404(client, world, other_world, act):
    client.force_login(other_world.users[Role.DRAFTER])
    assert client.get(url(act)).status_code == 404
    assert client.post(url(act), {"object": "x"}).status_code == 404


def test_anonymous_is_sent_to_login(client, act):
    response = client.get(url(act))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_render_failure_is_a_french_page_not_a_500(client, world, act, monkeypatch):
    from hemicycle.documents import views

    def broken(data, **kwargs):
        raise RuntimeError("typst en panne")

    monkeypatch.setattr(views, "render_act_pdf", broken)
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(url(act), {"object": "x"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "L'aperçu PDF n'a pas pu être produit" in response.content.decode()
    assert Act.objects.get(pk=act.pk).object == "Subvention au Théâtre de l'Est"
