"""Issue 3's members' portal on a phone (390×844): a member logs in, opens the sitting the
convocation was sent for, reads the sitting pack in the browser, writes a private note (synced
to the server), searches the pack, reads it again offline (service worker), and gives a proxy
to a colleague. Screenshots in test-artifacts/test_member_reads_and_gives_a_proxy_on_a_phone/."""

import re

from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD
from hemicycle.portal.models import Annotation
from hemicycle.portal.tests.helpers import convene, pdf_pages
from hemicycle.sittings.models import Proxy
from hemicycle.sittings.testing import build_sitting_world

from .conftest import login

PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_member_reads_and_gives_a_proxy_on_a_phone(world, new_page, shots):
    sw = build_sitting_world(world, members=9, acts=4)
    pack = pdf_pages("Ordre du jour du conseil municipal",
                     "Subvention à l'association Les Amis du Théâtre",
                     "Travaux de l'école maternelle", bookmarks=True)
    conv = convene(sw.sitting, pack=pack)
    member = world.users[Role.MEMBER]
    colleague = sw.members[3]

    page = new_page(viewport=PHONE)
    login(page, member.username, PASSWORD)
    page.locator("#button-menu").click()
    page.get_by_role("link", name="Espace élu").click()
    page.wait_for_url("**/elu/")
    assert page.get_by_role("heading", name="Espace élu").is_visible()
    assert _fits_the_screen(page)
    shots(page, "espace-elu")

    # The sitting the convocation was sent for: its agenda and documents.
    page.get_by_role("link", name=re.compile("Conseil municipal")).first.click()
    page.wait_for_url(f"**/elu/seances/{sw.sitting.slug}/")
    assert page.get_by_text(sw.items[0].title).first.is_visible()
    assert page.get_by_role("link", name="Dossier de séance", exact=True).is_visible()
    assert _fits_the_screen(page)
    shots(page, "seance")

    # The sitting pack in the browser's own PDF viewer, with a download link.
    page.get_by_role("link", name="Dossier de séance", exact=True).click()
    page.wait_for_url(f"**/documents/dossier-{conv.pk}/")
    frame = page.locator("#pdf-frame")
    file_url = frame.get_attribute("src")
    assert file_url.endswith(f"/documents/dossier-{conv.pk}/pdf/")
    pdf = page.request.get(file_url)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body() == pack
    assert page.get_by_role("link", name=re.compile("Télécharger")).is_visible()
    assert _fits_the_screen(page)

    # A private note on page 2, kept in the browser and synced to the server.
    page.locator("#note-page").fill("2")
    page.locator("#note-text").fill("Demander le budget détaillé de l'association")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.get_by_text(re.compile("Notes synchronisées")).wait_for()
    note = Annotation.objects.get(member=sw.members[0])
    assert (note.page, note.text) == (2, "Demander le budget détaillé de l'association")
    assert page.locator("#notes-list").get_by_text("Demander le budget détaillé").is_visible()
    shots(page, "document-et-note")

    # Offline: the page and the pack opened are kept by the service worker.
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/elu/")
    page.reload()  # now under the service worker's control
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate(f"fetch('{file_url}').then(r => r.ok)")
    page.context.set_offline(True)
    page.reload()
    assert page.get_by_role("heading", name="Dossier de séance").is_visible()
    assert page.evaluate(f"caches.match('{file_url}', {{ignoreVary: true}}).then(r => !!r)")
    assert page.evaluate(f"fetch('{file_url}').then(r => r.arrayBuffer()).then(b => b.byteLength)") == len(pack)
    shots(page, "hors-ligne")
    page.context.set_offline(False)

    # Search inside the pack: accent-insensitive, hits give their page.
    page.goto(f"/elu/seances/{sw.sitting.slug}/")
    page.locator("#pack-search-input").fill("theatre")
    page.locator("#pack-search").get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/recherche/?q=theatre")
    assert page.get_by_role("link", name="Page 2", exact=True).get_attribute("href").endswith(f"/dossier-{conv.pk}/?page=2")
    assert page.locator("mark").first.inner_text() == "Théâtre"
    shots(page, "recherche")

    # A proxy to a colleague for this sitting.
    page.goto(f"/elu/seances/{sw.sitting.slug}/")
    page.get_by_role("link", name="Donner pouvoir pour cette séance").click()
    page.wait_for_url("**/elu/pouvoirs/?seance=*")
    page.get_by_label("Collègue qui votera en votre nom").select_option(str(colleague.pk))
    assert page.locator(f"input[name='sittings'][value='{sw.sitting.pk}']").is_checked()
    assert _fits_the_screen(page)
    shots(page, "pouvoir-formulaire")
    page.get_by_role("button", name="Donner pouvoir").click()
    page.wait_for_url("**/elu/pouvoirs/")
    assert page.get_by_text(re.compile(f"Pouvoir donné à {colleague}")).is_visible()
    proxy = Proxy.objects.get(mandator=sw.members[0])
    assert proxy.holder == colleague and list(proxy.sittings.all()) == [sw.sitting]
    assert page.get_by_role("button", name=re.compile("Révoquer")).is_visible()
    assert _fits_the_screen(page)
    shots(page, "pouvoir-donne")
