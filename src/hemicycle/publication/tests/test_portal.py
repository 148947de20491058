"""The public portal, without login: published acts only, R2131-1 mentions, the published PDF,
sittings (list of deliberations, adopted minutes), search and filters, the Atom feed."""

import datetime
import hashlib

import lxml.etree
import pytest
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.publication import actions, views
from hemicycle.publication.masking import MASK

ATOM = "{http://www.w3.org/2005/Atom}"


def url(name, portal, **kwargs):
    return reverse(f"publication:{name}", kwargs={"authority": portal.world.authority.slug, **kwargs})


@pytest.fixture
def published(portal):
    actions.add_masking(portal.secretariat, portal.subsidy, text="M. Jean Dupont")
    actions.publish(portal.secretariat, portal.budget)
    actions.publish(portal.secretariat, portal.subsidy)
    return portal


def test_home_lists_published_acts_and_sittings(published, client):
    response = client.get(url("home", published))
    assert response.status_code == 200
    html = response.content.decode()
    assert published.budget.reference in html and published.subsidy.reference in html
    assert published.rejected.reference not in html
    assert url("sitting", published, slug=published.decided.sitting.slug) in html


def test_act_page_shows_the_r2131_1_mentions(published, client):
    response = client.get(url("act", published, slug=published.budget.slug))
    assert response.status_code == 200
    html = response.content.decode()
    publication = published.budget.publication
    assert publication.author_name in html and publication.author_capacity in html
    assert "Mis en ligne le" in html
    from hemicycle.documents.render import french_date
    assert french_date(timezone.localdate()) in html
    assert published.budget.object in html
    assert url("act_pdf", published, slug=published.budget.slug) in html
    assert "Exécutoire" not in html  # not acknowledged yet


def test_executory_mention_once_acknowledged(published, client):
    from hemicycle.legality.models import Transmission

    Transmission.objects.create(authority=published.world.authority, act=published.budget, attempt=1,
                                state=Transmission.State.ACKNOWLEDGED, idempotency_key="k-1",
                                id_acte="075-217500016-20260101-2026_DAC_1-DE",
                                received_on=timezone.localdate(), created_by=published.secretariat)
    html = client.get(url("act", published, slug=published.budget.slug)).content.decode()
    from hemicycle.documents.render import french_date
    day = french_date(timezone.localdate())
    assert f"Exécutoire : publié le {day} et reçu en préfecture le {day} (IDActe 075-217500016-20260101-2026_DAC_1-DE)" \
        in html


def test_pdf_served_is_the_signed_original_or_the_masked_copy(published, client):
    response = client.get(url("act_pdf", published, slug=published.budget.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert hashlib.sha256(response.content).hexdigest() == published.budget_doc.signed_sha256

    masked = client.get(url("act_pdf", published, slug=published.subsidy.slug))
    digest = hashlib.sha256(masked.content).hexdigest()
    assert digest == published.subsidy.publication.pdf_sha256 != published.subsidy_doc.signed_sha256
    from .conftest import pdf_text
    assert "Dupont" not in pdf_text(masked.content) and MASK in pdf_text(masked.content)


def test_unpublished_confidential_withdrawn_and_other_authority_answer_404(published, client, other_world):
    # never published (rejected act; and an adopted act before publication)
    assert client.get(url("act", published, slug=published.rejected.slug)).status_code == 404
    # another authority's portal does not show this authority's acts
    other = reverse("publication:act", kwargs={"authority": other_world.authority.slug,
                                               "slug": published.budget.slug})
    assert client.get(other).status_code == 404
    assert client.get(reverse("publication:home", kwargs={"authority": "inconnue"})).status_code == 404
    # confidential (even if it was published)
    published.budget.confidential = True
    published.budget.save(update_fields=["confidential"])
    assert client.get(url("act", published, slug=published.budget.slug)).status_code == 404
    assert client.get(url("act_pdf", published, slug=published.budget.slug)).status_code == 404
    # withdrawn
    actions.withdraw(published.secretariat, published.subsidy, reason="Annulé")
    assert client.get(url("act", published, slug=published.subsidy.slug)).status_code == 404
    assert client.get(url("act_pdf", published, slug=published.subsidy.slug)).status_code == 404
    feed = client.get(url("feed", published)).content.decode()
    assert published.subsidy.reference not in feed and published.budget.reference not in feed


def test_sitting_page_lists_every_item_and_minutes_once_adopted(published, client):
    from hemicycle.sittings.actions.minutes import generate, on_item_decided, publish_list, submit_minutes
    from hemicycle.sittings.models import AgendaItem

    sitting = published.decided.sitting
    page = url("sitting", published, slug=sitting.slug)
    response = client.get(page)
    assert response.status_code == 200  # published acts: the sitting is online
    assert "pas encore en ligne" in response.content.decode()
    assert client.get(url("minutes_pdf", published, slug=sitting.slug)).status_code == 404

    generate(sitting, actor=published.secretariat)
    publish_list(published.secretariat, sitting)
    html = client.get(page).content.decode()
    assert "Cession de la parcelle AB 112" in html and "Rejeté" in html  # rejected items too
    assert "Budget supplémentaire 2026" in html
    assert url("act", published, slug=published.budget.slug) in html
    assert "M. Jean Dupont" not in html

    item = submit_minutes(published.secretariat, sitting.minutes)
    item.state = AgendaItem.State.ADOPTED
    item.save(update_fields=["state"])
    on_item_decided(item, actor=published.secretariat)
    assert url("minutes_pdf", published, slug=sitting.slug) in client.get(page).content.decode()
    pdf = client.get(url("minutes_pdf", published, slug=sitting.slug))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_closed_door_or_empty_sitting_is_not_on_the_portal(portal, client):
    sitting = portal.decided.sitting
    assert client.get(url("sitting", portal, slug=sitting.slug)).status_code == 404  # nothing online yet
    actions.publish(portal.secretariat, portal.budget)
    assert client.get(url("sitting", portal, slug=sitting.slug)).status_code == 200
    sitting.public = False
    sitting.save(update_fields=["public"])
    assert client.get(url("sitting", portal, slug=sitting.slug)).status_code == 404
    # the act itself stays published, without a link to the sitting
    html = client.get(url("act", portal, slug=portal.budget.slug)).content.decode()
    assert url("sitting", portal, slug=sitting.slug) not in html


def _refs(response) -> set:
    return {p.act.reference for p in response.context["page"].object_list}


def test_search_and_filters(published, client):
    search = url("search", published)
    budget, subsidy = published.budget.reference, published.subsidy.reference
    assert _refs(client.get(search)) == {budget, subsidy}
    assert _refs(client.get(search, {"q": "moulin"})) == {subsidy}
    assert _refs(client.get(search, {"q": "SUBVENTION amis"})) == {subsidy}
    assert _refs(client.get(search, {"q": "supplementaire"})) == {budget}  # accents ignored
    assert _refs(client.get(search, {"q": budget})) == {budget}  # by reference
    assert _refs(client.get(search, {"q": "Subventions"})) == {subsidy}  # matière 7.5 label
    assert _refs(client.get(search, {"q": "Dupont"})) == set()  # not in the object
    assert _refs(client.get(search, {"q": "inexistant"})) == set()
    day = published.decided.sitting.date
    assert _refs(client.get(search, {"date_from": day.isoformat(), "date_to": day.isoformat()})) == {budget, subsidy}
    assert _refs(client.get(search, {"date_from": (day + datetime.timedelta(days=1)).isoformat()})) == set()
    assert _refs(client.get(search, {"date_to": (day - datetime.timedelta(days=1)).isoformat()})) == set()
    assert _refs(client.get(search, {"nature": "DE"})) == {budget, subsidy}
    assert _refs(client.get(search, {"nature": "AR"})) == set()
    assert _refs(client.get(search, {"matiere": "7"})) == {budget, subsidy}
    assert _refs(client.get(search, {"matiere": "3"})) == set()
    assert _refs(client.get(search, {"sitting": published.decided.sitting.slug})) == {budget, subsidy}
    bad = client.get(search, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.status_code == 200 and "précède" in bad.content.decode()


def test_search_words_use_the_full_text_index(published, client):
    """Words go through the French full-text index: plural and missing accents still match,
    results come highlighted."""
    search = url("search", published)
    response = client.get(search, {"q": "subventions associations"})
    assert _refs(response) == {published.subsidy.reference}
    assert "<mark>" in response.content.decode()
    assert _refs(client.get(search, {"q": "deliberation"})) == {published.budget.reference,
                                                               published.subsidy.reference}


def test_search_is_paginated(published, client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = client.get(url("search", published))
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(url("search", published), {"page": 2})
    assert _refs(first) | _refs(second) == {published.budget.reference, published.subsidy.reference}
    assert "page=2" in first.content.decode()


def test_atom_feed_parses_and_lists_entries(published, client):
    response = client.get(url("feed", published))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = lxml.etree.fromstring(response.content, parser=lxml.etree.XMLParser(resolve_entities=False,
                                                                                no_network=True))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert len(entries) == 2
    assert any(published.budget.reference in t for t in titles)
    assert any(f"{published.subsidy.reference} — Subvention" in t for t in titles)
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.startswith("http") for link in links)
    assert any(link.endswith(url("act", published, slug=published.budget.slug)) for link in links)
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}id")


def test_portal_needs_no_login_and_ignores_the_visitors_authority(published, client, other_world):
    client.force_login(other_world.users[Role.SECRETARIAT])
    assert client.get(url("act", published, slug=published.budget.slug)).status_code == 200
