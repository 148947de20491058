"""Search inside a sitting pack: text extracted once per pack, accent- and case-insensitive,
hits with their page number linking to the page."""

import pytest
from django.urls import reverse

from hemicycle.core import blobs
from hemicycle.portal import packs
from hemicycle.portal.models import PackPage, PackText

from .helpers import convene, pdf_pages

PACK = pdf_pages(
    "Ordre du jour de la séance du conseil municipal",
    "Subvention à l'association Les Amis du Théâtre pour la saison 2027",
    "Travaux de l'ÉCOLE maternelle Jean-Jaurès et de la crèche",
    "Convention avec l'association sportive ; rénovation de l'école élémentaire",
    bookmarks=True,
)


def test_fold_ignores_case_accents_apostrophes_and_spaces():
    assert packs.fold("  École   MATERNELLE\nl’Île ") == "ecole maternelle l'ile"
    assert packs.fold("ﬁnances Œuvre") == "finances œuvre"
    assert packs.terms_of('ecole "Amis du  THEATRE" école') == ["ecole", "amis du theatre"]
    assert packs.terms_of("   ") == []


@pytest.mark.django_db
def test_index_once_per_pack_with_pages_and_outline():
    sha = blobs.put(PACK)
    index = packs.index_pack(sha)
    assert index.state == PackText.State.DONE
    assert index.pages == 4
    assert [(e["title"], e["page"]) for e in index.outline] == [("Point 1", 1), ("Point 2", 2), ("Point 3", 3),
                                                                ("Point 4", 4)]
    assert PackPage.objects.filter(sha256=sha).count() == 4
    assert "theatre" in PackPage.objects.get(sha256=sha, page=2).folded
    # Asking again does not index again.
    assert packs.ensure_indexed(sha).state == PackText.State.DONE
    assert PackPage.objects.filter(sha256=sha).count() == 4


@pytest.mark.django_db
def test_search_is_accent_insensitive_and_gives_pages():
    sha = blobs.put(PACK)
    packs.index_pack(sha)
    hits, truncated = packs.search(sha, "ecole")
    assert [h.page for h in hits] == [3, 4]
    assert not truncated
    # The excerpt shows the original text, with the hit marked.
    marked = [text for text, is_hit in hits[0].excerpts[0] if is_hit]
    assert marked == ["ÉCOLE"]
    assert [h.page for h in packs.search(sha, "THÉÂTRE")[0]] == [2]
    assert [h.page for h in packs.search(sha, "association ecole")[0]] == [4]  # every word on the page
    assert [h.page for h in packs.search(sha, '"amis du theatre"')[0]] == [2]
    assert packs.search(sha, "piscine")[0] == []


@pytest.mark.django_db
def test_a_damaged_pack_is_reported_not_raised():
    sha = blobs.put(b"%PDF-1.4 ceci n'est pas un PDF")
    index = packs.index_pack(sha)
    assert index.state == PackText.State.FAILED
    assert packs.search(sha, "ecole") == ([], False)


@pytest.mark.django_db
def test_search_page_links_hits_to_their_page(client, sw, colleague):
    conv = convene(sw.sitting, pack=PACK)
    client.force_login(colleague)
    response = client.get(reverse("portal:search", args=[sw.sitting.slug]), {"q": "Ecole"})
    assert response.status_code == 200
    html = response.content.decode()
    viewer = reverse("portal:document", args=[sw.sitting.slug, f"dossier-{conv.pk}"])
    pdf = reverse("portal:document_file", args=[sw.sitting.slug, f"dossier-{conv.pk}"])
    assert f"{viewer}?page=3" in html and f"{viewer}?page=4" in html
    assert f"{pdf}#page=3" in html
    assert f"{viewer}?page=2" not in html
    assert "2 pages contiennent" in html
    assert "<mark>ÉCOLE</mark>" in html
    # Indexed once: a second search reads the stored pages.
    assert PackText.objects.filter(sha256=conv.pack_sha256).count() == 1


@pytest.mark.django_db
def test_search_only_in_packs_the_member_may_open(client, world, sw, colleague):
    act = sw.acts[0]
    act.confidential = True
    act.save()
    act.committees.add(world.committee)
    convene(sw.sitting, pack=PACK)
    client.force_login(colleague)
    html = client.get(reverse("portal:search", args=[sw.sitting.slug]), {"q": "ecole"}).content.decode()
    assert "Aucun dossier de séance ne peut être consulté" in html
    assert "<mark>" not in html
