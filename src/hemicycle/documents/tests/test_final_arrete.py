"""An arrêté signed outside any sitting: its final document, numbered by its reference."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hemicycle.acts.actions import create_act, set_state
from hemicycle.acts.models import ActState
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.documents import final
from hemicycle.documents.models import FinalDocument
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Mandate

from .final_helpers import text_positions
from .helpers import flat, pdf_text

pytestmark = pytest.mark.django_db


def _arrete(world, *, nature="AR", state=ActState.READY, mayor=True):
    act = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], nature=nature,
                     object="Réglementation du stationnement rue des Lilas",
                     visas=["Vu le code général des collectivités territoriales, notamment ses articles L2212-1 et "
                            "L2213-1"],
                     considerants=["Considérant les travaux de voirie"],
                     articles=["Le stationnement est interdit rue des Lilas du 1er au 15 décembre.",
                               "Le présent arrêté sera affiché en mairie."])
    with transaction.atomic():
        set_state(act, state, actor=world.users[Role.SECRETARIAT], reason="test")
    if mayor:
        Mandate.objects.create(member=world.members[1], function="maire", start_date=datetime.date(2020, 7, 4),
                               is_president=True)
    return act


def test_arrete_final_document(world):
    act = _arrete(world)
    day = timezone.localdate() - datetime.timedelta(days=1)
    document = final.finalize_arrete(world.users[Role.SECRETARIAT], act, decision_date=day)
    assert document.item is None and document.number is None and document.decision_date == day
    assert document.state == FinalDocument.State.RENDERED
    act.refresh_from_db()
    assert act.state == ActState.ADOPTED
    pdf = blobs.get(document.pdf_sha256)
    text = flat(pdf_text(pdf))
    assert flat(f"Arrêté {act.reference}") in text
    assert flat("Réglementation du stationnement rue des Lilas") in text
    assert flat("ARRÊTE :") in text and flat("Le stationnement est interdit rue des Lilas") in text
    assert flat("Maire de Villeneuve-sur-Test,") in text  # the preamble: the author's capacity
    assert flat("Élue1 Conseillère1") in text
    assert flat("Séance") not in text and flat("Membres en exercice") not in text and flat("Vote") not in text
    x1, y1, x2, y2 = final.SIGNATURE_BOX
    assert not [r for r in text_positions(pdf) if y1 - 12 <= r[1] <= y2 + 4]
    assert document.signatories[0]["capacity"] == "Maire de Villeneuve-sur-Test"
    assert JournalEntry.objects.filter(action="final.arrete_finalized").count() == 1
    # Again with the same date: nothing to render.
    again = final.finalize_arrete(world.users[Role.SECRETARIAT], act, decision_date=day)
    assert again.pdf_sha256 == document.pdf_sha256
    assert JournalEntry.objects.filter(action="final.rendered").count() == 1


def test_arrete_refusals(world):
    secretariat = world.users[Role.SECRETARIAT]
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        final.finalize_arrete(world.users[Role.DRAFTER], _arrete(world), decision_date=today)
    deliberation = _arrete(world, nature="DE", mayor=False)
    with pytest.raises(ValidationError, match="Seuls les arrêtés"):
        final.finalize_arrete(secretariat, deliberation, decision_date=today)
    draft = _arrete(world, state=ActState.DRAFT, mayor=False)
    with pytest.raises(ValidationError, match="circuit de validation"):
        final.finalize_arrete(secretariat, draft, decision_date=today)
    with pytest.raises(ValidationError, match="futur"):
        final.finalize_arrete(secretariat, _arrete(world, mayor=False),
                              decision_date=today + datetime.timedelta(days=1))
    assert not FinalDocument.objects.exists()


def test_arrete_needs_the_executive(world):
    act = _arrete(world, mayor=False)
    with pytest.raises(ValidationError, match="fonction exécutive"):
        final.finalize_arrete(world.users[Role.SECRETARIAT], act, decision_date=timezone.localdate())


def test_signed_arrete_cannot_be_finalized_again(world):
    act = _arrete(world)
    secretariat = world.users[Role.SECRETARIAT]
    document = final.finalize_arrete(secretariat, act, decision_date=timezone.localdate())
    FinalDocument.objects.filter(pk=document.pk).update(state=FinalDocument.State.SIGNED,
                                                        signed_sha256=document.pdf_sha256)
    with pytest.raises(ValidationError, match="signé"):
        final.finalize_arrete(secretariat, act, decision_date=timezone.localdate() - datetime.timedelta(days=3))
    assert FinalDocument.objects.get(pk=document.pk).decision_date == timezone.localdate()
    assert JournalEntry.objects.filter(action="final.change_refused").count() == 1


def test_arrete_from_the_act_page(world, client):
    act = _arrete(world)
    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert "Établir l'arrêté définitif" in page
    response = client.post(reverse("documents:arrete_finalize", args=[act.slug]),
                           {"decision_date": timezone.localdate().isoformat()})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Arrêté établi" in page and reverse("documents:final_pdf", args=[act.slug]) in page
    assert client.get(reverse("documents:final_pdf", args=[act.slug])).status_code == 200
    bad = client.post(reverse("documents:arrete_finalize", args=[act.slug]), {"decision_date": "demain"})
    assert "Date de l&#x27;arrêté invalide" in client.get(bad["Location"]).content.decode()
