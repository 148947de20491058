"""Helpers for the portal tests: PDFs with known text, a sent convocation, member accounts."""

import typst
from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.sittings.models import Convocation, ConvocationRecipient


def pdf_pages(*texts: str, bookmarks: bool = False) -> bytes:
    """A PDF whose page N holds texts[N-1] (a heading per page when ``bookmarks``: PDF outline)."""
    parts = ['#set page(width: 12cm, height: 12cm)\n#set heading(outlined: true, bookmarked: true)\n']
    for index, text in enumerate(texts):
        if index:
            parts.append("#pagebreak()\n")
        literal = text.replace("\\", "\\\\").replace('"', '\\"')
        if bookmarks:
            parts.append(f"= Point {index + 1}\n")
        parts.append(f'#"{literal}"\n')
    return typst.compile("".join(parts).encode("utf-8"), format="pdf")


def convene(sitting, *, items=None, pack: bytes | None = None, kind=Convocation.Kind.CONVOCATION,
            state=Convocation.State.SENT, members=None) -> Convocation:
    """A convocation of ``sitting`` listing ``items`` (all the sitting's items by default), in
    ``state`` (sent by default), with ``pack`` as its sitting pack and a recipient per member."""
    items = list(sitting.items.all()) if items is None else list(items)
    convocation = Convocation.objects.create(
        sitting=sitting, kind=kind, state=state, pack_sha256=blobs.put(pack) if pack else "",
        sent_at=timezone.now() if state == Convocation.State.SENT else None)
    convocation.items.set(items)
    if state == Convocation.State.SENT:
        for item in items:
            item.on_convocation = True
            item.save(update_fields=["on_convocation"])
        for member in members if members is not None else sitting.assembly.members():
            ConvocationRecipient.objects.create(convocation=convocation, member=member,
                                                channel=ConvocationRecipient.Channel.EMAIL, sent_at=timezone.now())
    return convocation


def member_user(world, member, username: str):
    """A user account with the member role, linked to ``member``."""
    user = make_user(world.authority, username, [Role.MEMBER])
    member.user = user
    member.save(update_fields=["user"])
    return user
