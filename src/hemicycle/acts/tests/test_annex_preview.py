"""Annex previews: PDF in a frame with its page count, images inline, ODT/DOCX as a text
rendition extracted safely (zip bombs, malformed XML, DOCTYPE/entities refused), same access
rules as the download."""

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfWriter

from hemicycle.acts import previews
from hemicycle.acts.actions import add_annex
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user

from .helpers import PDF, PNG, make_act

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
              'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCX_STYLES = (f'<w:styles xmlns:w="{W}">'
               '<w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/></w:style>'
               '<w:style w:type="paragraph" w:styleId="Titre2"><w:name w:val="heading 2"/>'
               '<w:basedOn w:val="Titre1"/></w:style>'
               '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>')
DOCX_BODY = (
    '<w:p><w:pPr><w:pStyle w:val="Titre1"/></w:pPr><w:r><w:t>Convention de partenariat</w:t></w:r></w:p>'
    '<w:p><w:r><w:t xml:space="preserve">Entre la commune </w:t></w:r><w:del><w:r><w:delText>SUPPRIMÉ</w:delText>'
    '</w:r></w:del><w:ins><w:r><w:t>et le théâtre</w:t></w:r></w:ins><w:r><w:t>.</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:pStyle w:val="Titre2"/></w:pPr><w:r><w:t>Article 1</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    '<w:r><w:t>Premier engagement</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    '<w:r><w:t>Sous-engagement</w:t></w:r></w:p>'
    '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Année</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Montant</w:t></w:r></w:p>'
    '</w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>2026</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>5 000 €</w:t>'
    '</w:r></w:p></w:tc></w:tr></w:tbl>'
    '<w:p><w:r><w:t>&lt;script&gt;alert(1)&lt;/script&gt; fin du texte</w:t></w:r></w:p>'
)


def docx_file(document: str | bytes, styles: str | None = DOCX_STYLES) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("word/document.xml", document)
        if styles:
            z.writestr("word/styles.xml", styles)
    return buf.getvalue()


def docx_document(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'


ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
ODT_BODY = (
    '<text:sequence-decls><text:sequence-decl text:name="Illustration"/></text:sequence-decls>'
    '<text:h text:outline-level="1">Rapport de la commission</text:h>'
    '<text:p>La commission  s’est\n   réunie<text:s text:c="3"/>le <text:span>4 mars</text:span>.'
    '<text:note><text:note-body><text:p>NOTE CACHÉE</text:p></text:note-body></text:note></text:p>'
    '<text:list><text:list-item><text:p>Avis favorable</text:p><text:list><text:list-item>'
    '<text:p>Sous réserve</text:p></text:list-item></text:list></text:list-item></text:list>'
    '<table:table><table:table-column/><table:table-header-rows><table:table-row><table:table-cell>'
    '<text:p>Vote</text:p></table:table-cell><table:table-cell><text:p>Voix</text:p></table:table-cell>'
    '</table:table-row></table:table-header-rows><table:table-row><table:table-cell><text:p>Pour</text:p>'
    '</table:table-cell><table:table-cell><text:p>12</text:p></table:table-cell></table:table-row></table:table>'
    '<text:section><text:p>Fin du rapport</text:p></text:section>'
)


def odt_file(content: str | bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
    return buf.getvalue()


def odt_content(body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}><office:body>'
            f'<office:text>{body}</office:text></office:body></office:document-content>')


def pdf_file(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _preview(client, act, annex):
    return client.get(reverse("acts:annex_preview", args=[act.slug, annex.pk]))


def test_pdf_preview_shows_the_pdf_in_a_frame_with_its_page_count(world, client):
    act = make_act(world)
    data = pdf_file(3)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="budget.pdf", content=data, title="Budget annexe")
    client.force_login(world.users[Role.SECRETARIAT])
    response = _preview(client, act, annex)
    assert response.status_code == 200
    page = response.content.decode()
    inline = reverse("acts:annex_inline", args=[act.slug, annex.pk])
    assert f'<iframe class="hc-annex-frame" src="{inline}"' in page
    assert '<span id="annex-pages">3 pages</span>' in page
    assert "<h1 class=\"fr-h2 fr-mb-1w\">Budget annexe</h1>" in page
    assert reverse("acts:annex_download", args=[act.slug, annex.pk]) in page
    assert "Transmise en préfecture" in page and "Publiée" in page

    response = client.get(inline)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" not in response["Content-Security-Policy"]  # browsers' PDF viewers refuse it
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response.content == data


def test_the_act_page_links_each_annex_to_its_preview(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="budget.pdf", content=pdf_file(1))
    client.force_login(world.users[Role.DRAFTER])
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert f'href="{reverse("acts:annex_preview", args=[act.slug, annex.pk])}">Aperçu' in page


def test_one_page_pdf_and_a_damaged_pdf(world, client):
    act = make_act(world)
    one = add_annex(world.users[Role.DRAFTER], act, filename="une.pdf", content=pdf_file(1))
    broken = add_annex(world.users[Role.DRAFTER], act, filename="abime.pdf", content=PDF)
    client.force_login(world.users[Role.DRAFTER])
    assert '<span id="annex-pages">1 page</span>' in _preview(client, act, one).content.decode()
    response = _preview(client, act, broken)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le nombre de pages de ce PDF n&#x27;a pas pu être lu" in page
    assert 'id="annex-pages"' not in page


def test_image_preview_shows_the_image_with_its_title_as_alt_text(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="plan.png", content=PNG, title="Plan du site")
    client.force_login(world.users[Role.APPROVER])
    page = _preview(client, act, annex).content.decode()
    inline = reverse("acts:annex_inline", args=[act.slug, annex.pk])
    assert f'<img class="fr-responsive-img" src="{inline}" alt="Plan du site">' in page
    assert "<iframe" not in page
    response = client.get(inline)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == PNG


def test_docx_text_is_extracted_in_order_and_escaped(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="convention.docx",
                      content=docx_file(docx_document(DOCX_BODY)), title="Convention")
    rendition = previews.text_rendition(annex)
    assert rendition == {"truncated": False, "blocks": [
        {"kind": "heading", "level": 1, "text": "Convention de partenariat"},
        {"kind": "paragraph", "text": "Entre la commune et le théâtre."},
        {"kind": "heading", "level": 2, "text": "Article 1"},
        {"kind": "list", "items": [{"level": 0, "text": "Premier engagement"},
                                   {"level": 1, "text": "Sous-engagement"}]},
        {"kind": "table", "rows": [["Année", "Montant"], ["2026", "5 000 €"]]},
        {"kind": "paragraph", "text": "<script>alert(1)</script> fin du texte"},
    ]}
    client.force_login(world.users[Role.DRAFTER])
    response = _preview(client, act, annex)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aperçu du texte — la mise en page d’origine n’est pas reproduite." in page
    assert '<h3 class="hc-rendition-heading">Convention de partenariat</h3>' in page
    assert '<h4 class="hc-rendition-heading">Article 1</h4>' in page
    assert '<li class="hc-rendition-level-1">Sous-engagement</li>' in page
    assert "<td>5 000 €</td>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fin du texte" in page
    assert "<script>alert(1)" not in page and "SUPPRIMÉ" not in page
    order = [page.index(t) for t in ("Convention de partenariat", "Entre la commune", "Article 1",
                                     "Premier engagement", "Sous-engagement", "Montant", "fin du texte")]
    assert order == sorted(order)
    # A text annex is not shown by the browser itself.
    assert client.get(reverse("acts:annex_inline", args=[act.slug, annex.pk])).status_code == 404


def test_docx_headings_are_found_without_styles_part(world):
    act = make_act(world)
    body = ('<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Titre</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>Texte</w:t><w:tab/><w:t>suite</w:t><w:br/><w:t>ligne</w:t></w:r></w:p>')
    annex = add_annex(world.users[Role.DRAFTER], act, filename="note.docx",
                      content=docx_file(docx_document(body), styles=None))
    assert previews.text_rendition(annex)["blocks"] == [
        {"kind": "heading", "level": 2, "text": "Titre"}, {"kind": "paragraph", "text": "Texte\tsuite\nligne"}]


def test_odt_text_is_extracted_in_order(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="rapport.odt", content=odt_file(odt_content(ODT_BODY)))
    assert previews.text_rendition(annex)["blocks"] == [
        {"kind": "heading", "level": 1, "text": "Rapport de la commission"},
        {"kind": "paragraph", "text": "La commission s’est réunie   le 4 mars."},
        {"kind": "list", "items": [{"level": 0, "text": "Avis favorable"}, {"level": 1, "text": "Sous réserve"}]},
        {"kind": "table", "rows": [["Vote", "Voix"], ["Pour", "12"]]},
        {"kind": "paragraph", "text": "Fin du rapport"},
    ]
    client.force_login(world.users[Role.DRAFTER])
    page = _preview(client, act, annex).content.decode()
    assert '<h3 class="hc-rendition-heading">Rapport de la commission</h3>' in page
    assert "NOTE CACHÉE" not in page
    assert page.index("Avis favorable") < page.index("Sous réserve") < page.index("Fin du rapport")


def test_rendition_is_cached_by_content(world, client, monkeypatch):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="rapport.odt", content=odt_file(odt_content(ODT_BODY)))
    client.force_login(world.users[Role.DRAFTER])
    assert "Fin du rapport" in _preview(client, act, annex).content.decode()
    reads = []
    real_get = blobs.get
    monkeypatch.setattr(blobs, "get", lambda sha: reads.append(sha) or real_get(sha))
    assert "Fin du rapport" in _preview(client, act, annex).content.decode()
    assert reads == []


def _zip_bomb() -> bytes:
    body = '<w:p><w:r><w:t>contenu-piege</w:t></w:r></w:p>' + " " * (previews.MAX_PART_BYTES + 10)
    data = docx_file(docx_document(body))
    assert len(data) < 200_000  # tiny on disk, over 20 Mo once decompressed
    return data


ENTITIES = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "hahahahahahahahaha">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;&xxe;</w:t></w:r></w:p></w:body></w:document>')


@pytest.mark.parametrize("name, content, message", [
    ("bombe.docx", _zip_bomb(), "trop volumineux pour être affiché en aperçu"),
    ("casse.docx", docx_file(f'<w:document xmlns:w="{W}"><w:body><w:p>'), "n&#x27;a pas pu être lu"),
    ("entites.docx", docx_file(ENTITIES), "déclarations XML non autorisées (DOCTYPE)"),
    ("casse.odt", odt_file("<office:document-content><pas fermé"), "n&#x27;a pas pu être lu"),
    ("vide.odt", odt_file('<?xml version="1.0"?><x/>'), "ne contient pas le texte du document"),
])
def test_dangerous_or_damaged_text_files_give_a_french_message(world, client, name, content, message):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename=name, content=content)
    client.force_login(world.users[Role.DRAFTER])
    response = _preview(client, act, annex)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="preview-error"' in page and message in page
    assert "hahaha" not in page and "root:" not in page and "contenu-piege" not in page
    assert "Aperçu du texte" not in page


def test_missing_file_gives_a_french_message(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="plan.png", content=PNG + b"unique-manquant")
    default_storage.delete(blobs.blob_path(annex.sha256))
    client.force_login(world.users[Role.DRAFTER])
    response = _preview(client, act, annex)
    assert response.status_code == 200
    assert "introuvable sur le stockage" in response.content.decode()
    assert client.get(reverse("acts:annex_inline", args=[act.slug, annex.pk])).status_code == 404


def test_confidential_annex_preview_is_refused_to_users_not_entitled(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="rapport.odt", confidential=True,
                      content=odt_file(odt_content(ODT_BODY)))
    image = add_annex(world.users[Role.DRAFTER], act, filename="plan.png", content=PNG, confidential=True)
    client.force_login(world.users[Role.APPROVER])  # sees the act, not its confidential material
    assert client.get(reverse("acts:detail", args=[act.slug])).status_code == 200
    assert _preview(client, act, annex).status_code == 403
    assert client.get(reverse("acts:annex_inline", args=[act.slug, image.pk])).status_code == 403
    client.force_login(world.users[Role.SECRETARIAT])
    assert "Rapport de la commission" in _preview(client, act, annex).content.decode()
    assert client.get(reverse("acts:annex_inline", args=[act.slug, image.pk])).status_code == 200


def test_other_authority_gets_404(world, other_world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="budget.pdf", content=pdf_file(1))
    outsider = make_user(other_world.authority, "autre-secretariat", [Role.SECRETARIAT, Role.ADMINISTRATOR])
    client.force_login(outsider)
    assert _preview(client, act, annex).status_code == 404
    assert client.get(reverse("acts:annex_inline", args=[act.slug, annex.pk])).status_code == 404
    # And an annex of another act of the same authority is not reachable through this act.
    other_act = make_act(world, object="Autre acte")
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("acts:annex_preview", args=[other_act.slug, annex.pk])).status_code == 404
