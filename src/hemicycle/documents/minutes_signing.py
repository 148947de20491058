"""Signature of the adopted minutes (procès-verbal) by the sitting's president and secretaries.

rules.md, "Minutes": the procès-verbal is signed by the president and the secretary (or
secretaries) of the sitting (L2121-15); issue 4: co-signature. Once the minutes are adopted:

- ``freeze_minutes`` renders them once more as PDF/A-2b (same template and data as
  sittings.minutes.render_minutes_pdf) and keeps that file as a blob (``SignedMinutes.pdf_sha256``),
  with the signing zones fixed under the "Signatures" section of the last page (a page is
  added when that section leaves no room);
- ``prepare_minutes_signature(user, minutes)``: the secretariat puts the adopted minutes up for
  signature (freeze + notification of the signatories);
- ``sign_minutes(user, minutes)``: the user linked (organisation ``Member.user``) to the sitting's
  president or to one of its secretaries adds his or her PAdES signature
  (documents/signing.py ``sign_pdf_detailed``) in an incremental update, so every earlier
  signature stays valid; journaled ("minutes.signed") and notified (``Notification.Kind.SIGNATURE``);
- ``signed_minutes_pdf(minutes)``: the fully signed file, served by the public portal.
"""

import io
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.services import record

from . import signing
from .models import MinutesSignature, SignedMinutes

logger = logging.getLogger(__name__)

PRESIDENT, SECRETARY = "president", "secretary"
# Page geometry of sittings/typst/minutes.typ (A4, margins 2.2 cm left and right, 2.4 cm at the
# bottom): used when the labels of the signature section cannot be found on the last page.
PAGE_MARGIN_X = 62.36
PAGE_BOTTOM = 68.0
COLUMN_GAP = 21.0
BOX_HEIGHT = 62.0
BOX_GAP = 8.0
GAP_BELOW_TEXT = 10.0


# --- Who signs ---------------------------------------------------------------------------------

def _president_capacity(member) -> str:
    return _("Présidente de séance") if member.civility == "Mme" else _("Président de séance")


def signatories_of(sitting) -> list[dict]:
    """The sitting's president (or, when none was recorded, the member holding the presiding
    mandate on that day) then its secretaries, each once: [{"role", "member", "name", "capacity"}]."""
    from .final import executive_member, member_name

    president = sitting.president
    if president is None:
        president, _mandate = executive_member(sitting.authority, sitting.date)
    people = []
    if president is not None:
        people.append({"role": PRESIDENT, "member": president.pk, "name": member_name(president),
                       "capacity": _president_capacity(president)})
    for member in sitting.secretaries.order_by("last_name", "first_name", "pk"):
        if any(p["member"] == member.pk for p in people):
            continue
        people.append({"role": SECRETARY, "member": member.pk, "name": member_name(member),
                       "capacity": _("Secrétaire de séance")})
    return people


# --- The frozen PDF and its signing zones ---------------------------------------------------------

def render_adopted_pdf(minutes) -> bytes:
    """The adopted minutes as PDF/A-2b: sittings.minutes.render_minutes_pdf's data and template,
    compiled with the PDF/A-2b standard."""
    import json

    import typst

    from hemicycle.sittings import minutes as sittings_minutes

    from .render import RenderError, french_date

    item = minutes.adopted_at_item
    data = {**(minutes.body or {}), "adopted": True,
            "adopted_on": french_date(item.sitting.date) if item is not None else "",
            "labels": sittings_minutes.minutes_labels()}
    data.setdefault("sitting", {})
    data.setdefault("items", [])
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        return sittings_minutes._compiler("minutes.typ").compile(format="pdf", sys_inputs={"data": payload},
                                                                  pdf_standards=["a-2b"])
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc


def _last_page_text(pdf: bytes) -> tuple[tuple[float, float], list[tuple[float, float, str]]]:
    """(page width, height) and the (x, y, text) runs of the last page, in PDF points."""
    import pypdf

    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[-1]
    runs = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            runs.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    box = page.mediabox
    return (float(box.width), float(box.height)), runs


def signature_zones(pdf: bytes, people: list[dict]) -> tuple[list[dict], bool]:
    """Where each signatory signs: the president under "Le président de séance", the
    secretaries stacked under "Le(s) secrétaire(s) de séance" (the two columns of the
    template's Signatures section), below the last line of text of the last page. Returns
    ([{"field_name", "page", "box"}], needs_new_page) — a new last page when they do not fit."""
    from hemicycle.sittings.minutes import minutes_labels

    labels = minutes_labels()
    (width, height), runs = _last_page_text(pdf)
    body = [r for r in runs if r[1] > PAGE_BOTTOM]
    column = (width - 2 * PAGE_MARGIN_X - COLUMN_GAP) / 2
    left, right = PAGE_MARGIN_X, PAGE_MARGIN_X + column + COLUMN_GAP
    for x, _y, text in body:
        if text.startswith(labels["sign_president"]):
            left = x
        elif text.startswith(labels["sign_secretary"]):
            right = x
    top = (min(y for _x, y, _t in body) - GAP_BELOW_TEXT) if body else height - PAGE_BOTTOM
    secretaries = [p for p in people if p["role"] == SECRETARY]
    presidents = [p for p in people if p["role"] == PRESIDENT]
    rows = max(len(secretaries), len(presidents), 1)
    needed = rows * BOX_HEIGHT + (rows - 1) * BOX_GAP
    new_page = top - needed < PAGE_BOTTOM
    if new_page:
        top = height - PAGE_BOTTOM
    zones = []
    counters = {PRESIDENT: 0, SECRETARY: 0}
    for person in people:
        row = counters[person["role"]]
        counters[person["role"]] += 1
        x1 = left if person["role"] == PRESIDENT else right
        y2 = top - row * (BOX_HEIGHT + BOX_GAP)
        field = "PV-President" if person["role"] == PRESIDENT else f"PV-Secretaire{row + 1}"
        zones.append({"field_name": field, "page": -1,
                      "box": [round(x1, 2), round(y2 - BOX_HEIGHT, 2), round(x1 + column, 2), round(y2, 2)]})
    return zones, new_page


def _with_signature_page(pdf: bytes) -> bytes:
    """The PDF with one more (empty) page of the same size, added in an incremental update
    (the rendered bytes stay the prefix of the file)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    last = writer.find_page_for_modification(-1)[0].get_object()
    media_box = last.get("/MediaBox") or generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)])
    page = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Page"),
        generic.NameObject("/MediaBox"): generic.ArrayObject(list(media_box)),
        generic.NameObject("/Resources"): generic.DictionaryObject(),
        generic.NameObject("/Contents"): writer.add_object(generic.StreamObject(stream_data=b"")),
    })
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- State ------------------------------------------------------------------------------------

def _adopted(minutes) -> bool:
    from hemicycle.sittings.models import Minutes

    return minutes.current_state == Minutes.State.ADOPTED


def signed_record(minutes) -> SignedMinutes | None:
    return SignedMinutes.objects.filter(minutes=minutes).prefetch_related("signatures").first()


def signed_minutes_pdf(minutes) -> bytes | None:
    """The minutes signed by everyone who must sign them, or None (not yet, or not signed)."""
    record_ = SignedMinutes.objects.filter(minutes=minutes, state=SignedMinutes.State.SIGNED).first()
    if record_ is None or not record_.signed_sha256:
        return None
    return blobs.get(record_.signed_sha256)


def _users_by_member(member_ids) -> dict:
    from hemicycle.organisation.models import Member

    return {m.pk: m.user for m in Member.objects.filter(pk__in=list(member_ids)).select_related("user")}


def _eligible_user(user, member_user, authority_id) -> bool:
    return (member_user is not None and user is not None and user.is_authenticated and member_user.pk == user.pk
            and user.is_active and user.authority_id == authority_id)


def signatory_rows(minutes, signed: SignedMinutes | None = None) -> list[dict]:
    """For the pages: every signatory with their state ("signed", "pending", "no_account")."""
    people = signed.signatories if signed is not None else signatories_of(minutes.sitting)
    done = {s.member_id: s for s in (signed.signatures.all() if signed is not None else [])}
    users = _users_by_member(p["member"] for p in people)
    rows = []
    for person in people:
        user = users.get(person["member"])
        signature = done.get(person["member"])
        state = "signed" if signature else ("pending" if user is not None and user.is_active else "no_account")
        rows.append({**person, "user": user, "signature": signature, "state": state})
    return rows


def pending_slot(user, minutes, signed: SignedMinutes | None) -> dict | None:
    """The signing zone waiting for ``user``'s signature on these minutes, if any."""
    if user is None or not user.is_authenticated or user.authority_id != minutes.sitting.authority_id:
        return None
    people = signed.signatories if signed is not None else signatories_of(minutes.sitting)
    done = set(signed.signatures.values_list("member_id", flat=True)) if signed is not None else set()
    users = _users_by_member(p["member"] for p in people if p["member"] not in done)
    for person in people:
        if person["member"] not in done and _eligible_user(user, users.get(person["member"]),
                                                           minutes.sitting.authority_id):
            return person
    return None


def can_sign_minutes(user, minutes) -> bool:
    if not _adopted(minutes):
        return False
    signed = signed_record(minutes)
    if signed is not None and signed.is_signed:
        return False
    return pending_slot(user, minutes, signed) is not None


def awaiting_minutes(user) -> list:
    """Adopted minutes of the user's authority waiting for this user's signature (the member
    linked to the user presided the sitting or was one of its secretaries)."""
    from hemicycle.organisation.models import Member
    from hemicycle.sittings.models import Minutes

    member = Member.objects.filter(user=user).first() if user.is_authenticated else None
    if member is None:
        return []
    candidates = (Minutes.objects.filter(sitting__authority_id=user.authority_id)
                  .filter(Q(sitting__president=member) | Q(sitting__secretaries=member))
                  .exclude(signed__state=SignedMinutes.State.SIGNED)
                  .select_related("sitting__assembly", "adopted_at_item__sitting").distinct())
    return [m for m in candidates.order_by("sitting__date") if can_sign_minutes(user, m)]


# --- Actions ----------------------------------------------------------------------------------

def can_prepare(user, minutes) -> bool:
    return (user is not None and user.is_authenticated and user.authority_id == minutes.sitting.authority_id
            and user.has_role(Role.SECRETARIAT))


def _signatory_users(signed: SignedMinutes) -> list:
    users = _users_by_member(p["member"] for p in signed.signatories)
    done = set(signed.signatures.values_list("member_id", flat=True))
    return [u for m, u in users.items() if u is not None and m not in done]


def _secretariat(authority) -> list:
    from hemicycle.accounts.models import User

    return list(User.objects.filter(authority=authority, is_active=True,
                                    role_assignments__role=Role.SECRETARIAT).distinct())


def _page_url(minutes) -> str:
    from django.urls import reverse

    return reverse("documents:minutes_signatures", kwargs={"slug": minutes.sitting.slug})


def freeze_minutes(minutes, *, actor=None, notify_signatories: bool = True) -> SignedMinutes:
    """The adopted minutes, rendered once as PDF/A-2b and kept (blob) with their signing zones;
    returns the existing record when already frozen. Refused when not adopted or when the
    sitting has no president and no secretary."""
    from hemicycle.notifications.models import Notification
    from hemicycle.notifications.services import notify
    from hemicycle.sittings.actions.minutes import sync_state
    from hemicycle.sittings.models import Minutes

    minutes = sync_state(minutes)
    existing = SignedMinutes.objects.filter(minutes=minutes).first()
    if existing is not None:
        return existing
    if not _adopted(minutes):
        raise ValidationError(_("Le procès-verbal n'est pas encore adopté : il sera signé après son adoption."))
    sitting = minutes.sitting
    people = signatories_of(sitting)
    if not people:
        raise ValidationError(_("La séance n'a ni président ni secrétaire enregistrés : indiquez-les avant de "
                                "faire signer le procès-verbal."))
    pdf = render_adopted_pdf(minutes)  # outside the transaction: Typst takes a moment
    zones, new_page = signature_zones(pdf, people)
    if new_page:
        pdf = _with_signature_page(pdf)
    signatories = [{**person, **zone} for person, zone in zip(people, zones)]
    with transaction.atomic():
        Minutes.objects.select_for_update().filter(pk=minutes.pk).first()
        existing = SignedMinutes.objects.filter(minutes=minutes).first()
        if existing is not None:  # another request froze them meanwhile
            return existing
        sha = blobs.put(pdf)
        signed = SignedMinutes.objects.create(authority=sitting.authority, minutes=minutes, pdf_sha256=sha,
                                              signatories=signatories, frozen_at=timezone.now())
        record("minutes.frozen", actor=actor, obj=sitting,
               data={"minutes": minutes.pk, "pdf_sha256": sha, "pages_added": int(new_page),
                     "signatories": [{k: p[k] for k in ("role", "member", "name", "capacity", "field_name")}
                                     for p in signatories]})
        if notify_signatories:
            notify(_signatory_users(signed), Notification.Kind.SIGNATURE,
                   _("Le procès-verbal de la séance du %(date)s est adopté : il attend votre signature.")
                   % {"date": sitting.date.strftime("%d/%m/%Y")}, url=_page_url(minutes), exclude=actor)
    return signed


def prepare_minutes_signature(user, minutes) -> SignedMinutes:
    """"Mettre en signature": the secretariat freezes the adopted minutes and the president
    and the secretaries are notified."""
    if not can_prepare(user, minutes):
        raise PermissionDenied(_("Seul le secrétariat des assemblées met le procès-verbal en signature."))
    return freeze_minutes(minutes, actor=user)


def sign_minutes(user, minutes) -> MinutesSignature:
    """``user`` — the account of the sitting's president or of one of its secretaries — signs
    the adopted minutes (frozen first if needed). Every signature is a PAdES signature in an
    incremental update of the previous file: all of them stay valid. Returns the signature."""
    from hemicycle.notifications.models import Notification
    from hemicycle.notifications.services import notify

    sitting = minutes.sitting
    if user is None or not user.is_authenticated or user.authority_id != sitting.authority_id:
        raise PermissionDenied(_("Seuls le président et les secrétaires de la séance signent son procès-verbal."))
    if signed_record(minutes) is None:
        if not _adopted(minutes):
            raise ValidationError(_("Le procès-verbal n'est pas encore adopté : il sera signé après son adoption."))
        if pending_slot(user, minutes, None) is None:
            raise PermissionDenied(_("Seuls le président et les secrétaires de la séance signent son procès-verbal."))
        freeze_minutes(minutes, actor=user)
    with transaction.atomic():
        signed = SignedMinutes.objects.select_for_update().get(minutes=minutes)
        if signed.is_signed:
            raise ValidationError(_("Le procès-verbal est déjà signé par le président et les secrétaires."))
        slot = pending_slot(user, minutes, signed)
        if slot is None:
            if signed.signatures.filter(signer=user).exists():
                raise ValidationError(_("Vous avez déjà signé ce procès-verbal."))
            raise PermissionDenied(_("Seuls le président et les secrétaires de la séance signent son procès-verbal."))
        source = signed.current_sha256
        position = signed.signatures.count() + 1
        result = signing.sign_pdf_detailed(
            blobs.get(source), user, capacity=slot["capacity"], field_name=slot["field_name"],
            page=int(slot.get("page", -1)), box=tuple(slot["box"]),
            reason=_("Signature du procès-verbal de la séance du %(date)s")
            % {"date": sitting.date.strftime("%d/%m/%Y")})
        output = blobs.put(result.pdf)
        signature = MinutesSignature.objects.create(
            minutes=signed, position=position, role=slot["role"], member_id=slot["member"], signer=user,
            signer_name=result.kit.name, capacity=slot["capacity"], field_name=slot["field_name"],
            signed_at=result.signed_at, timestamped=result.timestamped,
            certificate_subject=result.kit.subject[:500], certificate_sha256=result.kit.certificate_sha256,
            input_sha256=source, output_sha256=output)
        complete = position >= len(signed.signatories)
        signed.signed_sha256 = output
        signed.state = SignedMinutes.State.SIGNED if complete else SignedMinutes.State.PARTIALLY_SIGNED
        if complete:
            signed.signed_at = result.signed_at
        signed.save(update_fields=["signed_sha256", "state", "signed_at"])
        record("minutes.signed", actor=user, obj=sitting,
               data={"minutes": minutes.pk, "position": position, "role": slot["role"], "signer": result.kit.name,
                     "capacity": slot["capacity"], "field": slot["field_name"], "timestamped": result.timestamped,
                     "signed_at": result.signed_at.isoformat(), "certificate_sha256": signature.certificate_sha256,
                     "input_sha256": source, "output_sha256": output, "complete": complete})
        date = sitting.date.strftime("%d/%m/%Y")
        if complete:
            message = _("Le procès-verbal de la séance du %(date)s est signé par le président et les secrétaires.") % {
                "date": date}
            recipients = _secretariat(sitting.authority)
        else:
            message = _("%(who)s a signé le procès-verbal de la séance du %(date)s (%(n)d signature(s) sur "
                        "%(total)d).") % {"who": result.kit.name, "date": date, "n": position,
                                          "total": len(signed.signatories)}
            recipients = _secretariat(sitting.authority) + _signatory_users(signed)
        notify(recipients, Notification.Kind.SIGNATURE, message, url=_page_url(minutes), exclude=user)
    return signature
