"""Urgency: the delay may be shortened down to one jour franc; the sitting is then flagged and
a vote on the urgency is put first on the agenda (L2121-12 al. 3)."""

import io

import pytest
from pypdf import PdfReader

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.sittings.actions.convocation import ConvocationBlocked, check_before_sending, send_convocation
from hemicycle.sittings.models import AgendaItem, Convocation

from .convocation_helpers import convocation_world, generate, pdf_text, send

pytestmark = pytest.mark.django_db


def test_urgency_allows_three_days_and_flags_the_sitting(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=3)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks, urgency=True)
    check = check_before_sending(conv)
    assert check.errors == [] and check.delay.required_days == 1 and check.delay.urgency_vote_required

    first = sw.sitting.items.order_by("position", "pk").first()
    assert first.kind == AgendaItem.Kind.URGENCY
    assert first in conv.items.all()
    letter = pdf_text(PdfReader(io.BytesIO(blobs.get(conv.letter_sha256))))
    assert "urgence" in letter

    conv = send(world, conv, django_capture_on_commit_callbacks)
    assert conv.state == Convocation.State.SENT and conv.override_reason == ""
    sw.sitting.refresh_from_db()
    assert sw.sitting.urgency is True
    first.refresh_from_db()
    assert first.on_convocation
    assert sw.sitting.items.filter(kind=AgendaItem.Kind.URGENCY).count() == 1


def test_urgency_never_below_one_jour_franc(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=1)  # sent today for tomorrow: 0 jour franc
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks, urgency=True)
    check = check_before_sending(conv)
    assert [e.code for e in check.errors] == ["convocation_too_late"]
    with pytest.raises(ConvocationBlocked):
        send_convocation(world.users[Role.SECRETARIAT], conv)


def test_unticking_urgency_removes_the_unsent_vote_item(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=20)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks, urgency=True)
    assert sw.sitting.items.filter(kind=AgendaItem.Kind.URGENCY).exists()
    generate(world, sw.sitting, django_capture_on_commit_callbacks, urgency=False, letter_text=conv.letter_text)
    assert not sw.sitting.items.filter(kind=AgendaItem.Kind.URGENCY).exists()
    sw.sitting.refresh_from_db()
    assert sw.sitting.urgency is False
