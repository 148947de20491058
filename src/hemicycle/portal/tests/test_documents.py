"""Reading documents in the portal: the viewer page (browser's PDF viewer in an iframe, with a
download link), the act rendered to PDF, the proof of consultation."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hemicycle.sittings.models import ConvocationRecipient, DocumentConsultation

from .helpers import convene, pdf_pages

PACK = pdf_pages("Ordre du jour de la séance", "Projet n° 1 : subvention", "Projet n° 2 : école", bookmarks=True)


@pytest.mark.django_db
def test_viewer_page_shows_the_pdf_inline_with_a_download_link(client, sw, colleague):
    conv = convene(sw.sitting, pack=PACK)
    client.force_login(colleague)
    key = f"dossier-{conv.pk}"
    page = client.get(reverse("portal:document", args=[sw.sitting.slug, key]) + "?page=3")
    assert page.status_code == 200
    html = page.content.decode()
    file_url = reverse("portal:document_file", args=[sw.sitting.slug, key])
    assert f'<iframe class="hc-pdf" id="pdf-frame" src="{file_url}#page=3"' in html
    assert reverse("portal:document_download", args=[sw.sitting.slug, key]) in html

    inline = client.get(file_url)
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Content-Type-Options"] == "nosniff"
    download = client.get(reverse("portal:document_download", args=[sw.sitting.slug, key]))
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content == PACK


@pytest.mark.django_db
def test_act_document_is_rendered_to_pdf(client, sw, colleague):
    convene(sw.sitting, pack=PACK)
    item = sw.items[1]
    client.force_login(colleague)
    response = client.get(reverse("portal:document_file", args=[sw.sitting.slug, f"acte-{item.pk}"]))
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Projet de délibération n° 2" in text
    # Rendered once per version of the act: the same bytes the second time.
    again = client.get(reverse("portal:document_file", args=[sw.sitting.slug, f"acte-{item.pk}"]))
    assert again.content == response.content


@pytest.mark.django_db
def test_consulting_a_document_is_recorded_as_proof(client, sw, colleague):
    conv = convene(sw.sitting, pack=PACK)
    recipient = ConvocationRecipient.objects.get(convocation=conv, member=sw.members[1])
    assert recipient.opened_at is None
    client.force_login(colleague)
    client.get(reverse("portal:document_file", args=[sw.sitting.slug, f"dossier-{conv.pk}"]))
    client.get(reverse("portal:document_download", args=[sw.sitting.slug, f"acte-{sw.items[0].pk}"]))
    recipient.refresh_from_db()
    assert recipient.opened_at is not None
    assert list(DocumentConsultation.objects.filter(recipient=recipient).values_list("document", flat=True)
                .order_by("pk")) == ["pack", f"item:{sw.items[0].pk}"]


@pytest.mark.django_db
def test_sitting_page_lists_agenda_documents_and_pack_outline(client, sw, colleague):
    from hemicycle.portal.packs import index_pack

    conv = convene(sw.sitting, pack=PACK)
    index_pack(conv.pack_sha256)
    client.force_login(colleague)
    html = client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
    for item in sw.items:
        assert item.title in html
        assert reverse("portal:document", args=[sw.sitting.slug, f"acte-{item.pk}"]) in html
    assert "Dossier de séance" in html
    assert "Sommaire du dossier" in html
    assert reverse("portal:document", args=[sw.sitting.slug, f"dossier-{conv.pk}"]) + "?page=2" in html


@pytest.mark.django_db
def test_letter_agenda_and_synthesis_note_are_listed(client, sw, colleague):
    from hemicycle.core import blobs
    from hemicycle.sittings.models import Convocation

    conv = convene(sw.sitting, pack=PACK)
    conv.letter_sha256 = blobs.put(pdf_pages("Lettre de convocation"))
    conv.synthesis_sha256 = blobs.put(pdf_pages("Note explicative de synthèse"))
    keys = ["dossier", "lettre", "note"]
    if hasattr(Convocation, "agenda_sha256"):  # added by the convocation work
        conv.agenda_sha256 = blobs.put(pdf_pages("Ordre du jour"))
        keys.append("odj")
    conv.save()
    client.force_login(colleague)
    html = client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
    for key in keys:
        url = reverse("portal:document", args=[sw.sitting.slug, f"{key}-{conv.pk}"])
        assert url in html
        assert client.get(reverse("portal:document_file", args=[sw.sitting.slug, f"{key}-{conv.pk}"])).status_code == 200
    assert "Lettre de convocation" in html and "Note explicative de synthèse" in html
