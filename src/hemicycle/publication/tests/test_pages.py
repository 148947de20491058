"""Secretariat pages: the act page's Publication section, the pending list and « Publier la
sélection », the masking page with suggestions, the notification form; rights."""

import pytest
from django.core import mail
from django.urls import reverse

from hemicycle.acts.actions import create_act
from hemicycle.core.roles import Role
from hemicycle.publication.models import Masking, PartnerNotification, Publication
from hemicycle.publication.testing import make_signed_final


def test_act_page_has_a_publication_section_with_actions_for_the_secretariat(portal, client):
    detail = reverse("acts:detail", kwargs={"slug": portal.budget.slug})
    client.force_login(portal.secretariat)
    html = client.get(detail).content.decode()
    assert 'id="publication"' in html
    assert reverse("publication:publish", kwargs={"slug": portal.budget.slug}) in html
    assert reverse("publication:masking", kwargs={"slug": portal.budget.slug}) in html
    assert reverse("publication:notify", kwargs={"slug": portal.budget.slug}) in html

    response = client.post(reverse("publication:publish", kwargs={"slug": portal.budget.slug}))
    assert response.status_code == 302 and response["Location"] == detail
    html = client.get(detail).content.decode()
    assert "Publié" in html
    assert reverse("publication:act", kwargs={"authority": portal.world.authority.slug,
                                              "slug": portal.budget.slug}) in html

    client.force_login(portal.world.users[Role.DRAFTER])
    html = client.get(detail).content.decode()
    assert 'id="publication"' in html and "Publié" in html
    assert reverse("publication:masking", kwargs={"slug": portal.budget.slug}) not in html


def test_publish_view_is_post_only_and_secretariat_only(portal, client):
    publish = reverse("publication:publish", kwargs={"slug": portal.budget.slug})
    client.force_login(portal.world.users[Role.DRAFTER])
    assert client.post(publish).status_code == 403
    client.force_login(portal.secretariat)
    assert client.get(publish).status_code == 405
    assert not Publication.objects.exists()


def test_pending_page_and_publish_selection(portal, client):
    world = portal.world
    individual = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], nature="AI",
                            object="Arrêté individuel portant autorisation", articles=["X"])
    make_signed_final(individual)
    client.force_login(portal.secretariat)
    page = client.get(reverse("publication:pending"))
    assert page.status_code == 200
    html = page.content.decode()
    assert portal.budget.reference in html and portal.subsidy.reference in html
    assert "Actes individuels à notifier" in html and individual.reference in html
    assert f'value="{individual.pk}"' not in html  # not selectable for publication

    response = client.post(reverse("publication:pending"), {"acts": [portal.budget.pk, portal.subsidy.pk]},
                           follow=True)
    assert "2 acte(s) publié(s)" in response.content.decode()
    assert Publication.objects.count() == 2
    html = client.get(reverse("publication:pending")).content.decode()
    assert f'value="{portal.budget.pk}"' not in html

    empty = client.post(reverse("publication:pending"), {}, follow=True)
    assert "Cochez au moins un acte" in empty.content.decode()

    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("publication:pending")).status_code == 403


def test_nav_has_publication_for_the_secretariat_only(portal, client):
    client.force_login(portal.secretariat)
    assert reverse("publication:pending") in client.get(reverse("core:home")).content.decode()
    client.force_login(portal.world.users[Role.DRAFTER])
    assert reverse("publication:pending") not in client.get(reverse("core:home")).content.decode()


def test_masking_page_suggests_and_marks(portal, client):
    page = reverse("publication:masking", kwargs={"slug": portal.subsidy.slug})
    client.force_login(portal.secretariat)
    html = client.get(page).content.decode()
    assert "M. Jean Dupont" in html and "12 rue des Lilas, 75011 Paris" in html
    assert "Mme Anne Lefèvre" not in html.split('id="suggestions"')[1].split("</table>")[0]

    response = client.post(page, {"text": "M. Jean Dupont", "field": "", "kind": "person"})
    assert response.status_code == 302
    mask = Masking.objects.get()
    assert (mask.text, mask.kind, mask.created_by) == ("M. Jean Dupont", "person", portal.secretariat)

    bad = client.post(page, {"text": "Quelqu'un d'autre", "field": "visas"})
    assert bad.status_code == 400 and "ne figure pas tel quel" in bad.content.decode()
    assert Masking.objects.count() == 1

    preview = client.get(reverse("publication:masking_preview", kwargs={"slug": portal.subsidy.slug}))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    from .conftest import pdf_text
    assert "Dupont" not in pdf_text(preview.content)

    remove = reverse("publication:masking_remove", kwargs={"slug": portal.subsidy.slug, "pk": mask.pk})
    assert client.post(remove).status_code == 302
    assert not Masking.objects.exists()


def test_notify_page_sends_and_shows_openings(portal, client, django_capture_on_commit_callbacks):
    page = reverse("publication:notify", kwargs={"slug": portal.subsidy.slug})
    client.force_login(portal.secretariat)
    assert client.get(page).status_code == 200
    bad = client.post(page, {"name": "", "email": "pas-une-adresse"})
    assert bad.status_code == 400 and "Adresse électronique invalide" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"name": "Association Les Amis du Moulin", "email": "amis@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    notification = PartnerNotification.objects.get()
    html = client.get(page).content.decode()
    assert "Non ouvert" in html

    client.logout()
    client.get(reverse("publication:notified", kwargs={"token": notification.token}))
    client.force_login(portal.secretariat)
    html = client.get(page).content.decode()
    assert "Non ouvert" not in html and "Association Les Amis du Moulin" in html
    detail = client.get(reverse("acts:detail", kwargs={"slug": portal.subsidy.slug})).content.decode()
    assert "ouvert le" in detail


@pytest.mark.parametrize("name", ["publication:masking", "publication:notify"])
def test_secretariat_pages_refuse_other_roles_and_authorities(portal, client, other_world, name):
    page = reverse(name, kwargs={"slug": portal.subsidy.slug})
    client.force_login(portal.world.users[Role.SIGNATORY])
    assert client.get(page).status_code == 403
    client.force_login(other_world.users[Role.SECRETARIAT])
    assert client.get(page).status_code == 404
