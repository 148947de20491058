"""The final documents of a sitting: what they say (text extracted from the PDF), PDF/A-2b,
the zone reserved for the visible signature, numbering, and content addressing."""

import datetime
import io

import pypdf
import pytest

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.documents import final
from hemicycle.documents.models import FinalDocument
from hemicycle.journal.models import JournalEntry

from .final_helpers import CONVOCATION_DAY_OFFSET, decided_world, text_positions
from .helpers import flat, pdf_text

pytestmark = pytest.mark.django_db


def _render_all(world, decided):
    documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    return [final.render_final(d) for d in documents]


def _by_act(documents):
    return {d.act_id: d for d in documents}


def _text(document) -> str:
    return pdf_text(blobs.get(document.pdf_sha256))


def test_one_document_per_adopted_act_numbered_in_the_sitting(world):
    decided = decided_world(world)
    documents = _render_all(world, decided)
    assert sorted(d.act_id for d in documents) == sorted(a.pk for a in decided.adopted)
    for document in documents:
        assert document.number == document.item.number
        assert document.decision_date == decided.sitting.date
        assert document.state == FinalDocument.State.RENDERED and document.pages >= 1
        assert document.signatories[0]["field_name"] == final.SIGNATURE_FIELD
        assert document.signatories[0]["box"] == list(final.SIGNATURE_BOX)
    rejected, postponed = decided.acts[2], decided.acts[3]
    assert not FinalDocument.objects.filter(act__in=[rejected, postponed]).exists()


def test_deliberation_holds_sitting_text_attendance_vote_and_signatory(world):
    decided = decided_world(world)
    docs = _by_act(_render_all(world, decided))
    budget, subsidy = decided.adopted[0], decided.adopted[1]
    sitting = decided.sitting

    text = flat(_text(docs[budget.pk]))
    assert flat("Délibération n° 1") in text and flat(budget.reference) in text
    assert flat("Budget supplémentaire 2026") in text
    assert flat("COMMUNE DE VILLENEUVE-SUR-TEST") in text
    # The sitting: date, place, convocation date.
    from hemicycle.documents.render import french_date

    assert flat(f"Séance publique du {french_date(sitting.date)}") in text
    assert flat("Salle du conseil") in text
    convocation_day = sitting.date - datetime.timedelta(days=CONVOCATION_DAY_OFFSET)
    assert flat(f"Date de la convocation : {french_date(convocation_day)}") in text
    # Articles as amended: the adopted amendment replaced article 2.
    assert flat("Le crédit est porté à 12 000 euros.") in text
    assert flat("10 000 euros") not in text
    assert flat("Vu le budget primitif 2026") in text and flat("Considérant l'intérêt local") in text
    # Attendance: 9 in office, 7 present, 1 represented (proxy), 1 absent (excused), with names.
    assert flat("Membres en exercice : 9") in text and flat("Présents : 7") in text
    assert flat("Représentés : 1") in text and flat("Absents : 1") in text
    assert flat("Mme Élue0 Conseillère0 (pouvoir à M. Bruno Garnier)") in text
    assert flat("Mme Élue1 Conseillère1 (excusé(e))") in text
    assert flat("M. François Girard") in text
    # Show of hands: totals, no names; the outcome.
    assert flat("Pour 7 · Contre 0 · Abstentions 1") in text and flat("Ont voté pour") not in text
    assert flat("Résultat : Adopté") in text
    # Signatory: first name, name and capacity.
    assert flat("Anne Lefèvre") in text and flat("Maire de Villeneuve-sur-Test") in text

    text = flat(_text(docs[subsidy.pk]))
    assert flat("Délibération n° 2") in text
    # Roll call: names and votes, the proxy vote, the withdrawn member, the casting vote.
    assert flat("Ont voté pour (3) : Mme Élise Fontaine, M. Bruno Garnier, Mme Anne Lefèvre") in text
    assert flat("Ont voté contre (3) : Mme Élue0 Conseillère0 (par M. Bruno Garnier), M. François Girard, "
                "Mme Chantal Roux") in text
    assert flat("Se sont abstenus (1) : Mme Élue2 Conseillère2") in text
    assert flat("M. David Mercier (A quitté la salle)") in text
    assert flat("N'ont pas pris part au débat ni au vote") in text
    assert flat("voix du président de séance a été prépondérante") in text


def test_secret_ballot_gives_totals_only(world):
    decided = decided_world(world, secret_adopted=True)
    docs = _by_act(_render_all(world, decided))
    text = flat(_text(docs[decided.acts[2].pk]))
    assert flat("Délibération n° 3") in text and flat("Cession de la parcelle AB 112") in text
    assert flat("Au scrutin secret") in text
    assert flat("Pour 4 · Contre 3") in text
    assert flat("seuls les totaux sont consignés") in text
    assert flat("Ont voté") not in text  # the votes stored by mistake are not printed


def test_pdfa_2b_declared(world):
    decided = decided_world(world)
    document = _render_all(world, decided)[0]
    reader = pypdf.PdfReader(io.BytesIO(blobs.get(document.pdf_sha256)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert reader.metadata.title.startswith("Délibération n° 1")


def _assert_signature_zone_free(pdf: bytes):
    x1, y1, x2, y2 = final.SIGNATURE_BOX
    runs = text_positions(pdf, page=-1)
    intruders = [r for r in runs if y1 - 12 <= r[1] <= y2 + 4]
    assert not intruders, intruders
    # The signatory's name just above the box, aligned with it.
    assert [r for r in runs if r[2].strip() == "Anne Lefèvre" and r[0] >= x1 - 0.5 and y2 < r[1] < y2 + 60]


def test_signature_zone_is_reserved_on_the_last_page(world):
    decided = decided_world(world)
    document = _render_all(world, decided)[0]
    _assert_signature_zone_free(blobs.get(document.pdf_sha256))


def test_signature_zone_stays_free_when_the_text_fills_the_page(world):
    decided = decided_world(world)
    budget = decided.adopted[0]
    for extra in (14, 17, 20, 23, 26):  # the text ends at several heights, one of them near the bottom
        budget.articles = [f"Article de remplissage numéro {i} : " + "texte " * 30 for i in range(extra)]
        budget.save(update_fields=["articles"])
        documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
        document = final.render_final(next(d for d in documents if d.act_id == budget.pk))
        assert document.pages >= 2
        _assert_signature_zone_free(blobs.get(document.pdf_sha256))


def test_capacity_without_presiding_mandate(world):
    decided = decided_world(world, mandate=False)
    text = flat(_text(_render_all(world, decided)[0]))
    assert flat("Présidente de séance") in text and flat("Anne Lefèvre") in text


def test_unchanged_inputs_are_not_rendered_again(world, monkeypatch):
    decided = decided_world(world)
    document = _render_all(world, decided)[0]
    before = (document.pdf_sha256, document.source_sha256, document.rendered_at)
    rendered = JournalEntry.objects.filter(action="final.rendered").count()

    def must_not_render(data):
        raise AssertionError("rendered again")

    monkeypatch.setattr(final, "render_final_pdf", must_not_render)
    again = final.render_final(document)
    assert (again.pdf_sha256, again.source_sha256, again.rendered_at) == before
    documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    assert all(d.state == FinalDocument.State.RENDERED for d in documents)
    assert JournalEntry.objects.filter(action="final.rendered").count() == rendered
    assert JournalEntry.objects.filter(action="final.prepared").last().data["to_render"] == 0


def test_changed_act_is_rendered_again(world):
    decided = decided_world(world)
    document = _render_all(world, decided)[0]
    act = document.act
    act.articles = [*act.articles, "Article ajouté après coup."]
    act.save(update_fields=["articles"])
    documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    changed = next(d for d in documents if d.pk == document.pk)
    assert changed.state == FinalDocument.State.PENDING and changed.source_sha256 != document.source_sha256
    again = final.render_final(changed)
    assert again.pdf_sha256 != document.pdf_sha256
    assert flat("Article ajouté après coup.") in flat(_text(again))


def test_source_hash_is_canonical():
    data = {"b": [1, 2], "a": "é"}
    assert final.source_hash(data) == final.source_hash({"a": "é", "b": [1, 2]})
    assert final.source_hash(data) != final.source_hash({**data, "a": "e"})


def _sign(document):
    """What the signing step leaves on a document (documents/signing.py)."""
    FinalDocument.objects.filter(pk=document.pk).update(state=FinalDocument.State.SIGNED,
                                                        signed_sha256=document.pdf_sha256)
    return FinalDocument.objects.get(pk=document.pk)


def test_signed_document_is_never_rendered_again(world):
    from django.core.exceptions import ValidationError

    decided = decided_world(world)
    document = _sign(_render_all(world, decided)[0])
    with pytest.raises(ValidationError):
        final.render_final(document)
    entry = JournalEntry.objects.filter(action="final.change_refused").get()
    assert entry.object_id == str(document.pk) and entry.data["reason"] == "render_signed"

    act = document.act  # the act changes after the signature: the document stays as signed
    act.articles = ["Texte modifié après signature."]
    act.save(update_fields=["articles"])
    final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    after = FinalDocument.objects.get(pk=document.pk)
    assert (after.state, after.source_sha256, after.pdf_sha256) == (
        FinalDocument.State.SIGNED, document.source_sha256, document.pdf_sha256)
    assert JournalEntry.objects.filter(action="final.change_refused", data__reason="inputs_changed").count() == 1


def test_sitting_must_be_closed(world):
    from django.core.exceptions import ValidationError

    from hemicycle.sittings.models import Sitting

    decided = decided_world(world)
    Sitting.objects.filter(pk=decided.sitting.pk).update(state=Sitting.State.OPEN)
    decided.sitting.refresh_from_db()
    with pytest.raises(ValidationError):
        final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    assert not FinalDocument.objects.exists()


def test_user_text_is_never_typst_markup(world):
    decided = decided_world(world)
    act = decided.adopted[0]
    act.articles = ['#panic("x") ] [ $x^2$ */ "quote" \\ @ref']
    act.save(update_fields=["articles"])
    text = flat(_text(_render_all(world, decided)[0]))
    assert flat('#panic("x") ] [ $x^2$ */ "quote" \\ @ref') in text
