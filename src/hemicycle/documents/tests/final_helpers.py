"""Helpers of the final-document tests: a decided sitting made complete (the mayor's mandate,
a sent convocation, the adopted amendment applied to the act as during the sitting), and the
text positions of a PDF page."""

import datetime
import io

import pypdf
from django.db import transaction
from django.utils import timezone

from hemicycle.acts.actions import set_state
from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.documents.testing import build_decided_sitting
from hemicycle.organisation.models import Mandate
from hemicycle.sittings.models import AgendaItem, Amendment, Ballot, Convocation, Vote

CONVOCATION_DAY_OFFSET = 9  # the convocation left 9 days before the sitting


def decided_world(world, *, mandate=True, convocation=True, amend=True, secret_adopted=False, **kwargs):
    decided = build_decided_sitting(world, **kwargs)
    secretariat = world.users[Role.SECRETARIAT]
    sitting = decided.sitting
    if mandate:  # Anne Lefèvre presides the sitting and is the mayor
        Mandate.objects.create(member=sitting.president, function="Maire", start_date=datetime.date(2020, 7, 4),
                               is_president=True)
    if convocation:
        sent = timezone.make_aware(datetime.datetime.combine(
            sitting.date - datetime.timedelta(days=CONVOCATION_DAY_OFFSET), datetime.time(10, 0)))
        Convocation.objects.create(sitting=sitting, kind=Convocation.Kind.CONVOCATION, state=Convocation.State.SENT,
                                   sent_at=sent, letter_text="Madame, Monsieur")
    if amend:  # the amendment adopted in the sitting changed article 2 of the budget
        from hemicycle.sittings.actions.votes import apply_amendment

        with transaction.atomic():
            apply_amendment(secretariat, Amendment.objects.get(item=decided.items[0]))
    if secret_adopted:  # the sale adopted by secret ballot (votes wrongly kept must never be printed)
        sale_item, sale = decided.items[2], decided.acts[2]
        AgendaItem.objects.filter(pk=sale_item.pk).update(state=AgendaItem.State.ADOPTED)
        ballot = Ballot.objects.get(item=sale_item)
        Ballot.objects.filter(pk=ballot.pk).update(pour=4, contre=3, outcome="adopted")
        for member in decided.members[:3]:
            Vote.objects.create(ballot=ballot, member=member, cast_by=member, value="pour")
        with transaction.atomic():
            set_state(sale, ActState.ADOPTED, actor=secretariat, reason="test")
        decided.adopted.append(sale)
    return decided


def text_positions(pdf: bytes, page: int = -1) -> list[tuple[float, float, str]]:
    """(x, y, text) of each text run of a page, in PDF points from the bottom-left corner."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text))

    reader.pages[page].extract_text(visitor_text=visit)
    return found
