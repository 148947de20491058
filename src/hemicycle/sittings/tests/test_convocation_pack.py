"""Generating a convocation's documents: the task renders the letter, the agenda and the note
explicative de synthèse with Typst and assembles the sitting pack (one PDF, one bookmark per
item with the act and its annexes under it); progress reaches 100."""

import io

import pytest
from django.db import transaction
from pypdf import PdfReader

from hemicycle.acts.actions import add_annex, set_state
from hemicycle.acts.models import ActState
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.sittings.actions.convocation import save_convocation, start_generation
from hemicycle.sittings.convocation_documents import default_letter_text
from hemicycle.sittings.models import Convocation
from hemicycle.sittings.testing import build_sitting_world

from .convocation_helpers import annex_pdf, pdf_text, png_bytes

pytestmark = pytest.mark.django_db


def _generate(world, sw, django_capture_on_commit_callbacks, **extra):
    user = world.users[Role.SECRETARIAT]
    extra.setdefault("letter_text", default_letter_text(sw.sitting))
    conv = save_convocation(user, sw.sitting, **extra)
    with django_capture_on_commit_callbacks(execute=True):
        start_generation(user, conv)
    conv.refresh_from_db()
    return conv


def test_pack_has_one_bookmark_per_item_with_act_and_annexes(world, django_capture_on_commit_callbacks):
    sw = build_sitting_world(world, members=5, acts=4)
    act = sw.acts[1]
    act.report = "<p>Exposé : subvention à l'association <strong>Les Amis du Théâtre</strong>.</p>"
    act.save(update_fields=["report"])
    with transaction.atomic():
        set_state(act, ActState.DRAFT, actor=world.users[Role.SECRETARIAT], reason="annexe de test")
    add_annex(world.users[Role.DRAFTER], act, filename="budget.pdf", content=annex_pdf("Budget prévisionnel 2027"),
              title="Budget prévisionnel")
    add_annex(world.users[Role.DRAFTER], act, filename="plan.png", content=png_bytes(), title="Plan du site")
    with transaction.atomic():
        set_state(act, ActState.ON_AGENDA, actor=world.users[Role.SECRETARIAT], reason="retour")

    conv = _generate(world, sw, django_capture_on_commit_callbacks)

    assert conv.state == Convocation.State.READY, conv.error
    assert conv.progress == 100
    assert set(conv.items.all()) == set(sw.items)
    pack = PdfReader(io.BytesIO(blobs.get(conv.pack_sha256)))
    assert len(pack.pages) == conv.pack_pages
    top = [entry for entry in pack.outline if not isinstance(entry, list)]
    titles = [entry.title for entry in top]
    assert titles[:2] == ["Ordre du jour", "Note explicative de synthèse"]
    assert titles[2:] == [f"{n}. {item.title}" for n, item in enumerate(sw.items, 1)]
    # Under item 2: the act, its PDF annex, and the page listing the non-PDF annex.
    children = pack.outline[pack.outline.index(top[3]) + 1]
    assert [c.title for c in children] == [f"Projet {act.reference}", "Annexe : Budget prévisionnel",
                                           "Autres annexes"]
    text = pdf_text(pack)
    assert "Projet de délibération n° 2" in text
    assert "La proposition est adoptée." in text
    assert "Budget prévisionnel 2027" in text  # the annex's own page
    assert "plan.png" in text  # listed on the separator page
    # The note carries the act's report, as text.
    note = pdf_text(PdfReader(io.BytesIO(blobs.get(conv.synthesis_sha256))))
    assert "Les Amis du Théâtre" in note
    letter = pdf_text(PdfReader(io.BytesIO(blobs.get(conv.letter_sha256))))
    assert "J'ai l'honneur de vous convoquer" in letter.replace("’", "'")
    assert "Projet de délibération n° 4" in letter  # the agenda inside the letter


def test_typst_markup_in_texts_is_printed_not_run(world, django_capture_on_commit_callbacks):
    sw = build_sitting_world(world, members=3, acts=1)
    conv = _generate(world, sw, django_capture_on_commit_callbacks,
                     synthesis_texts={str(sw.items[0].pk): '#panic("boum") ] $x$'},
                     letter_text="Madame, Monsieur,\n\n#panic(\"non\")\n[ordre du jour]")
    assert conv.state == Convocation.State.READY, conv.error
    note = pdf_text(PdfReader(io.BytesIO(blobs.get(conv.synthesis_sha256))))
    assert '#panic("boum")' in note.replace("“", '"').replace("”", '"')
