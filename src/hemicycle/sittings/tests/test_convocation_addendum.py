"""Late additions: an addendum carries only the items added after the convocation was sent,
with its own documents, checks (delay counted from its own sending date), proof and timestamp."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.sittings.actions.agenda import add_acts
from hemicycle.sittings.actions.convocation import check_before_sending, create_addendum, verify_proof
from hemicycle.sittings.models import Convocation
from hemicycle.sittings.testing import ready_act

from .convocation_helpers import convocation_world, generate, pdf_text, send

pytestmark = pytest.mark.django_db


def test_addendum_carries_only_new_items(world, client, django_capture_on_commit_callbacks):
    sw = convocation_world(world, members=4, acts=3, paper=1)
    first = send(world, generate(world, sw.sitting, django_capture_on_commit_callbacks),
                 django_capture_on_commit_callbacks)
    late = ready_act(world, "Subvention exceptionnelle au club de rugby")
    late.report = "<p>Le club a subi une inondation.</p>"
    late.save(update_fields=["report"])
    [new_item] = add_acts(world.users[Role.SECRETARIAT], sw.sitting, [late])
    assert not new_item.on_convocation

    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("sittings:convocation", args=[sw.sitting.slug]))
    assert "Préparer un additif" in page.content.decode()
    response = client.post(reverse("sittings:convocation_addendum", args=[sw.sitting.slug]))
    assert response.status_code == 302
    addendum = sw.sitting.convocations.get(kind=Convocation.Kind.ADDENDUM)
    assert "additif à l'ordre du jour" in addendum.letter_text
    assert addendum.synthesis_texts[str(new_item.pk)] == "Le club a subi une inondation."

    addendum = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    assert list(addendum.items.all()) == [new_item]
    pack = PdfReader(io.BytesIO(blobs.get(addendum.pack_sha256)))
    titles = [entry.title for entry in pack.outline if not isinstance(entry, list)]
    assert titles == ["Additif à l'ordre du jour", "Note explicative de synthèse",
                      "4. Subvention exceptionnelle au club de rugby"]
    assert "Projet de délibération n° 1" not in pdf_text(PdfReader(io.BytesIO(blobs.get(addendum.agenda_sha256))))

    check = check_before_sending(addendum)
    assert check.errors == [] and check.delay.sent == check.sent_on  # counted from the addendum's own date

    mail.outbox.clear()
    addendum = send(world, addendum, django_capture_on_commit_callbacks)
    assert addendum.state == Convocation.State.SENT
    assert len(mail.outbox) == 3 and "Additif" in mail.outbox[0].subject
    assert [i["title"] for i in addendum.manifest["items"]] == ["Subvention exceptionnelle au club de rugby"]
    assert verify_proof(addendum).valid
    new_item.refresh_from_db()
    assert new_item.on_convocation
    assert first.recipients.count() == addendum.recipients.count() == 4
    assert set(first.items.all()) == set(sw.items)  # the first convocation is unchanged


def test_no_addendum_without_new_items(world, django_capture_on_commit_callbacks):
    from hemicycle.sittings.actions.convocation import ConvocationError

    sw = convocation_world(world)
    send(world, generate(world, sw.sitting, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    with pytest.raises(ConvocationError):
        create_addendum(world.users[Role.SECRETARIAT], sw.sitting)


def test_item_added_after_generation_makes_documents_stale(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    add_acts(world.users[Role.SECRETARIAT], sw.sitting, [ready_act(world, "Affaire tardive")])
    check = check_before_sending(conv)
    assert [e.code for e in check.errors] == ["item_not_on_convocation"]
    assert check.errors[0].article == "L2121-10"
    assert any("générez-les à nouveau" in b for b in check.blockers)
