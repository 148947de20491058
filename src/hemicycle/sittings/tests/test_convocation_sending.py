"""Sending: one recipient per member of the assembly; e-mails (after commit) carry the member's
personal link; members who asked for paper get none; the sitting becomes convened and its
items are on the convocation."""

import pytest
from django.core import mail

from hemicycle.sittings.actions.convocation import personal_url
from hemicycle.sittings.models import Convocation, ConvocationRecipient, Sitting

from .convocation_helpers import convocation_world, generate, send

pytestmark = pytest.mark.django_db


def test_emails_carry_the_personal_link_and_paper_member_gets_none(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, members=6, paper=1)
    paper_member = sw.members[-1]
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    conv = send(world, conv, django_capture_on_commit_callbacks)

    assert conv.state == Convocation.State.SENT
    recipients = {r.member_id: r for r in conv.recipients.all()}
    assert set(recipients) == {m.pk for m in sw.members}
    assert recipients[paper_member.pk].channel == ConvocationRecipient.Channel.PAPER
    assert recipients[paper_member.pk].sent_at is None

    assert len(mail.outbox) == 5
    by_address = {m.to[0]: m for m in mail.outbox}
    assert paper_member.email not in by_address
    for member in sw.members[:-1]:
        r = recipients[member.pk]
        message = by_address[member.email]
        assert personal_url(r) in message.body
        assert f"/seances/convocation/{r.token}/" in message.body
        assert "Convocation" in message.subject
        assert r.channel == ConvocationRecipient.Channel.EMAIL
        assert r.sent_at is not None and r.delivered_at is not None and r.delivered_at >= r.sent_at
    # Nobody's link is in anybody else's e-mail.
    tokens = {r.token for r in recipients.values()}
    for message in mail.outbox:
        assert sum(token in message.body for token in tokens) == 1


def test_after_sending_sitting_is_convened_and_items_on_convocation(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    send(world, conv, django_capture_on_commit_callbacks)
    sw.sitting.refresh_from_db()
    assert sw.sitting.state == Sitting.State.CONVENED
    assert all(item.on_convocation for item in sw.sitting.items.all())


def test_refused_email_is_recorded_and_can_be_retried(world, django_capture_on_commit_callbacks, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from hemicycle.core.roles import Role
    from hemicycle.sittings.actions.convocation import retry_failed_emails

    sw = convocation_world(world, members=4, paper=0)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    original = EmailBackend.send_messages

    def refuse(self, messages):
        if messages[0].to[0] == sw.members[1].email:
            raise OSError("550 boîte inexistante")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    conv = send(world, conv, django_capture_on_commit_callbacks)
    failed = conv.recipients.get(member=sw.members[1])
    assert failed.delivered_at is None and "550" in failed.error
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed_emails(world.users[Role.SECRETARIAT], conv) == 1
    failed.refresh_from_db()
    assert failed.delivered_at is not None and failed.error == ""
    assert [m.to[0] for m in mail.outbox] == [sw.members[1].email]
