"""A large sitting's acts are rendered by worker processes while the pack is assembled
(convocation_documents.rendered_acts): same pack as when rendered in-process — every act in
agenda order under its bookmark."""

import io

import pytest
from django.db import transaction
from pypdf import PdfReader

from hemicycle.acts.actions import add_annex, set_state
from hemicycle.acts.models import ActState
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.sittings import convocation_documents
from hemicycle.sittings.actions.convocation import save_convocation, start_generation
from hemicycle.sittings.convocation_documents import default_letter_text, rendered_acts
from hemicycle.sittings.models import Convocation
from hemicycle.sittings.testing import build_sitting_world

from .convocation_helpers import annex_pdf, pdf_text

pytestmark = pytest.mark.django_db


def test_rendered_acts_in_processes_are_the_acts_in_order():
    datas = [{"object": f"Objet numéro {n}", "nature": "DE", "reference": f"2026 DAC {n}",
              "articles": [f"Article du projet {n}."]} for n in range(1, 4)]
    with rendered_acts(datas, processes=1) as here:
        local = list(here)
    convocation_documents.PARALLEL_FROM, saved = 1, convocation_documents.PARALLEL_FROM
    try:
        with rendered_acts(datas, processes=2) as there:
            remote = list(there)
    finally:
        convocation_documents.PARALLEL_FROM = saved
    assert len(remote) == 3
    for n, (a, b) in enumerate(zip(local, remote, strict=True), 1):
        text = pdf_text(PdfReader(io.BytesIO(b)))
        assert f"Objet numéro {n}" in text and f"2026 DAC {n}" in text
        assert len(PdfReader(io.BytesIO(a)).pages) == len(PdfReader(io.BytesIO(b)).pages)


def test_pack_built_with_worker_processes(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(convocation_documents, "PARALLEL_FROM", 2)
    monkeypatch.setenv("HEMICYCLE_RENDER_PROCESSES", "2")
    sw = build_sitting_world(world, members=3, acts=3)
    act = sw.acts[2]
    with transaction.atomic():
        set_state(act, ActState.DRAFT, actor=world.users[Role.SECRETARIAT], reason="annexe")
    add_annex(world.users[Role.DRAFTER], act, filename="plan.pdf", content=annex_pdf("Plan de financement"),
              title="Plan")
    with transaction.atomic():
        set_state(act, ActState.ON_AGENDA, actor=world.users[Role.SECRETARIAT], reason="retour")
    user = world.users[Role.SECRETARIAT]
    conv = save_convocation(user, sw.sitting, letter_text=default_letter_text(sw.sitting))
    with django_capture_on_commit_callbacks(execute=True):
        start_generation(user, conv)
    conv.refresh_from_db()
    assert conv.state == Convocation.State.READY, conv.error
    pack = PdfReader(io.BytesIO(blobs.get(conv.pack_sha256)))
    top = [entry for entry in pack.outline if not isinstance(entry, list)]
    assert [e.title for e in top][2:] == [f"{n}. {item.title}" for n, item in enumerate(sw.items, 1)]
    for n, entry in enumerate(top[2:], 1):  # each act's first page is its own
        page = pack.pages[pack.get_destination_page_number(entry)].extract_text()
        assert f"n° {n}" in page
    children = pack.outline[pack.outline.index(top[4]) + 1]
    assert [c.title for c in children] == [f"Projet {act.reference}", "Annexe : Plan"]
    assert "Plan de financement" in pdf_text(pack)
