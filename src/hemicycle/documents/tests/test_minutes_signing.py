"""Co-signature of the adopted minutes by the sitting's president and secretaries (L2121-15):
frozen PDF/A-2b, signing zones under the Signatures section, PAdES signatures checked by
poppler's pdfsig, rights, journal, notifications, pages and the public portal."""

import io

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.documents import keys, minutes_signing, signing
from hemicycle.documents.models import MinutesSignature, SignedMinutes
from hemicycle.documents.samples_minutes_signing import adopted_minutes
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification
from hemicycle.organisation.models import Member
from hemicycle.sittings.actions.minutes import generate
from hemicycle.sittings.samples_minutes import build_held_sitting

from .test_signing import pdfa_identification, pdfsig, signature_blocks


def _link(world, member, username):
    user = make_user(world.authority, username, [Role.MEMBER], first=member.first_name, last=member.last_name)
    member.user = user
    member.save(update_fields=["user"])
    return user


@pytest.fixture
def adopted(world):
    return adopted_minutes(world)


@pytest.fixture
def president(world, adopted):
    held, _ = adopted
    return _link(world, held.sitting.president, "pv-presidente")


@pytest.fixture
def secretary(world, adopted):
    held, _ = adopted
    return _link(world, held.sitting.secretaries.get(), "pv-secretaire")


def _text_runs(pdf: bytes, page: int = -1):
    runs = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            runs.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    pypdf.PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return runs


# --- freezing ------------------------------------------------------------------------------------

def test_adopted_minutes_are_frozen_as_pdfa_with_zones_under_the_signature_section(world, adopted):
    held, minutes = adopted
    signed = minutes_signing.freeze_minutes(minutes, actor=world.users[Role.SECRETARIAT])

    pdf = blobs.get(signed.pdf_sha256)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert pdfa_identification(pdf) == ("2", "B") and signing.unembedded_fonts(pdf)[0] == []
    assert signed.state == SignedMinutes.State.AWAITING and signed.current_sha256 == signed.pdf_sha256
    assert [(s["role"], s["name"], s["capacity"]) for s in signed.signatories] == [
        ("president", "Mme Anne Lefèvre", "Présidente de séance"),
        ("secretary", "M. Bruno Garnier", "Secrétaire de séance"),
    ]
    runs = _text_runs(pdf)
    label_president = next(r for r in runs if r[2].startswith("Le président de séance"))
    label_secretary = next(r for r in runs if r[2].startswith("Le(s) secrétaire(s) de séance"))
    lowest_body_text = min(y for _x, y, _t in runs if y > minutes_signing.PAGE_BOTTOM)
    president_box, secretary_box = (s["box"] for s in signed.signatories)
    assert abs(president_box[0] - label_president[0]) < 1 and abs(secretary_box[0] - label_secretary[0]) < 1
    for box in (president_box, secretary_box):
        assert box[3] < lowest_body_text and box[1] >= minutes_signing.PAGE_BOTTOM  # under the names, above the footer
    assert president_box[2] < secretary_box[0]  # side by side, as the two columns of the section
    assert len(reader.pages) == len(pypdf.PdfReader(io.BytesIO(minutes_signing.render_adopted_pdf(minutes))).pages)

    entry = JournalEntry.objects.get(action="minutes.frozen")
    assert entry.data["pdf_sha256"] == signed.pdf_sha256 and entry.object_id == str(held.sitting.pk)
    assert minutes_signing.freeze_minutes(minutes) == signed  # once
    assert SignedMinutes.objects.count() == 1


def test_draft_minutes_cannot_be_frozen_nor_signed(world):
    held = build_held_sitting(world, slug="pv-projet")
    minutes = generate(held.sitting, actor=world.users[Role.SECRETARIAT])
    president = _link(world, held.sitting.president, "pv-presidente-projet")
    with pytest.raises(ValidationError, match="pas encore adopté"):
        minutes_signing.freeze_minutes(minutes)
    with pytest.raises(ValidationError, match="pas encore adopté"):
        minutes_signing.sign_minutes(president, minutes)
    assert not SignedMinutes.objects.exists()


def test_a_page_is_added_when_the_signatures_do_not_fit(world):
    """Six secretaries: their zones, stacked, need more than what is left on the last page."""
    held, minutes = adopted_minutes(world, slug="pv-six-secretaires")
    held.sitting.secretaries.set(held.members[1:7])
    rendered_pages = len(pypdf.PdfReader(io.BytesIO(minutes_signing.render_adopted_pdf(minutes))).pages)
    signed = minutes_signing.freeze_minutes(minutes)
    pdf = blobs.get(signed.pdf_sha256)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == rendered_pages + 1
    assert JournalEntry.objects.get(action="minutes.frozen").data["pages_added"] == 1
    boxes = [s["box"] for s in signed.signatories]
    assert len(boxes) == 7 and all(b[1] >= minutes_signing.PAGE_BOTTOM for b in boxes)
    secretaries = [b for s, b in zip(signed.signatories, boxes) if s["role"] == "secretary"]
    assert all(upper[1] > lower[3] for upper, lower in zip(secretaries, secretaries[1:]))  # stacked, no overlap

    # A secretary signs on the added page; pdfsig accepts it.
    member = Member.objects.get(pk=signed.signatories[3]["member"])
    user = _link(world, member, "pv-secretaire-4")
    minutes_signing.sign_minutes(user, minutes)
    signed.refresh_from_db()
    out = blobs.get(signed.signed_sha256)
    assert out.startswith(pdf)


# --- co-signature -------------------------------------------------------------------------------

def test_president_and_secretary_cosign(world, adopted, president, secretary, tmp_path):
    held, minutes = adopted
    secretariat = world.users[Role.SECRETARIAT]
    minutes_signing.prepare_minutes_signature(secretariat, minutes)
    assert set(Notification.objects.filter(kind=Notification.Kind.SIGNATURE).values_list("user", flat=True)) == {
        president.pk, secretary.pk}
    signed = SignedMinutes.objects.get(minutes=minutes)
    frozen = blobs.get(signed.pdf_sha256)

    first = minutes_signing.sign_minutes(secretary, minutes)  # any order
    signed.refresh_from_db()
    assert signed.state == SignedMinutes.State.PARTIALLY_SIGNED and signed.signed_at is None
    assert first.position == 1 and first.role == "secretary" and first.field_name == "PV-Secretaire1"
    assert minutes_signing.signed_minutes_pdf(minutes) is None  # not complete yet
    assert Notification.objects.filter(user=president, kind=Notification.Kind.SIGNATURE,
                                       message__contains="1 signature(s) sur 2").exists()

    second = minutes_signing.sign_minutes(president, minutes)
    signed.refresh_from_db()
    assert signed.state == SignedMinutes.State.SIGNED and signed.signed_at == second.signed_at
    assert second.input_sha256 == first.output_sha256 and second.capacity == "Présidente de séance"

    pdf = blobs.get(signed.signed_sha256)
    assert pdf.startswith(frozen)  # incremental updates of the frozen file
    assert pdfa_identification(pdf) == ("2", "B") and signing.unembedded_fonts(pdf)[0] == []
    assert minutes_signing.signed_minutes_pdf(minutes) == pdf
    blocks = signature_blocks(pdfsig(pdf, tmp_path))
    assert len(blocks) == 2 and all("Signature Validation: Signature is Valid." in b for b in blocks)
    assert "Signature Field Name: PV-Secretaire1" in blocks[0] and "Signature Field Name: PV-President" in blocks[1]
    reports = signing.verify_pdf(pdf)
    assert [(r.signer_name, r.capacity) for r in reports] == [
        (keys.signer_name(secretary), "Secrétaire de séance"), (keys.signer_name(president), "Présidente de séance")]
    assert all(r.ok for r in reports) and reports[0].later_changes == "signatures" and reports[1].covers_whole_file

    entries = list(JournalEntry.objects.filter(action="minutes.signed").order_by("seq"))
    assert [e.data["role"] for e in entries] == ["secretary", "president"]
    assert entries[-1].data["complete"] is True and entries[-1].data["output_sha256"] == signed.signed_sha256
    assert Notification.objects.filter(user=secretariat, kind=Notification.Kind.SIGNATURE,
                                       message__contains="est signé par le président et les secrétaires").exists()
    with pytest.raises(ValidationError, match="déjà signé"):
        minutes_signing.sign_minutes(president, minutes)


def test_only_the_president_and_the_secretaries_sign(world, other_world, adopted, president, secretary):
    held, minutes = adopted
    outsider_member = held.members[4]
    others = [world.users[Role.SECRETARIAT], world.users[Role.SIGNATORY], world.users[Role.ADMINISTRATOR],
              _link(world, outsider_member, "pv-autre-elu"), other_world.users[Role.MEMBER]]
    for user in others:
        with pytest.raises(PermissionDenied):
            minutes_signing.sign_minutes(user, minutes)
    assert not MinutesSignature.objects.exists()
    minutes_signing.sign_minutes(president, minutes)  # frozen on the first signature
    with pytest.raises(ValidationError, match="déjà signé"):
        minutes_signing.sign_minutes(president, minutes)
    with pytest.raises(PermissionDenied):
        minutes_signing.prepare_minutes_signature(president, minutes)  # the secretariat's action
    # An account switched off cannot sign any more.
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        minutes_signing.sign_minutes(secretary, minutes)
    assert MinutesSignature.objects.count() == 1


def test_signatory_without_account_is_shown(world, adopted, president):
    held, minutes = adopted
    rows = minutes_signing.signatory_rows(minutes)
    assert [(r["role"], r["state"]) for r in rows] == [("president", "pending"), ("secretary", "no_account")]


def test_president_falls_back_to_the_presiding_mandate(world):
    """No president recorded: the member holding the presiding mandate (the mayor) signs."""
    import datetime

    from hemicycle.organisation.models import Mandate

    held, minutes = adopted_minutes(world, slug="pv-sans-president")
    mayor = held.members[2]
    Mandate.objects.create(member=mayor, function="maire", start_date=datetime.date(2020, 7, 1), is_president=True)
    held.sitting.president = None
    held.sitting.save(update_fields=["president"])
    people = minutes_signing.signatories_of(held.sitting)
    assert [(p["role"], p["member"]) for p in people] == [("president", mayor.pk), ("secretary", held.members[1].pk)]


# --- pages ---------------------------------------------------------------------------------------

def test_the_parapheur_lists_the_minutes_to_sign(client, world, adopted, president):
    from hemicycle.accounts.models import RoleAssignment

    held, minutes = adopted
    RoleAssignment.objects.create(user=president, role=Role.SIGNATORY)  # the mayor presided
    client.force_login(president)
    page = client.get(reverse("documents:sign_queue")).content.decode()
    assert f'id="minutes-to-sign-{minutes.pk}"' in page
    assert reverse("documents:minutes_signatures", kwargs={"slug": held.sitting.slug}) in page
    minutes_signing.sign_minutes(president, minutes)
    assert f'id="minutes-to-sign-{minutes.pk}"' not in client.get(reverse("documents:sign_queue")).content.decode()


def test_signing_from_the_page(client, world, adopted, president, secretary):
    held, minutes = adopted
    url = reverse("documents:minutes_signatures", kwargs={"slug": held.sitting.slug})
    sign_url = reverse("documents:minutes_sign", kwargs={"slug": held.sitting.slug})

    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(url).content.decode()
    assert "Mettre en signature" in page and "Signer le procès-verbal" not in page
    response = client.post(reverse("documents:minutes_prepare", kwargs={"slug": held.sitting.slug}), follow=True)
    assert "est mis en signature" in response.content.decode()
    # The minutes page of the secretariat shows the state.
    page = client.get(reverse("sittings:minutes", kwargs={"slug": held.sitting.slug})).content.decode()
    assert "Signature du procès-verbal" in page and "Adopté, à signer" in page
    response = client.post(sign_url, follow=True)
    assert "Seuls le président et les secrétaires" in response.content.decode().replace("&#x27;", "'")

    client.force_login(president)
    page = client.get(url).content.decode()
    assert 'id="sign-minutes"' in page
    response = client.post(sign_url, follow=True)
    assert "attend les autres signatures" in response.content.decode()
    client.force_login(secretary)
    response = client.post(sign_url, follow=True)
    page = response.content.decode()
    assert "signé par tous" in page and "Procès-verbal signé" in page
    assert "Signature 1 : valide" in page and "Signature 2 : valide" in page
    assert 'id="sign-minutes"' not in page
    pdf = client.get(reverse("documents:minutes_signed_pdf", kwargs={"slug": held.sitting.slug}))
    assert pdf.status_code == 200 and pdf.content == blobs.get(SignedMinutes.objects.get().signed_sha256)
    assert client.get(sign_url).status_code == 405


def test_the_public_portal_serves_the_signed_minutes(client, world, adopted, president, secretary):
    held, minutes = adopted
    url = reverse("publication:minutes_pdf", kwargs={"authority": world.authority.slug, "slug": held.sitting.slug})
    before = client.get(url)
    assert before.status_code == 200 and b"/ByteRange" not in before.content  # rendered on request
    minutes_signing.sign_minutes(president, minutes)
    assert b"/ByteRange" not in client.get(url).content  # half signed: not yet the legal file
    minutes_signing.sign_minutes(secretary, minutes)
    after = client.get(url)
    assert after.status_code == 200
    assert after.content == blobs.get(SignedMinutes.objects.get(minutes=minutes).signed_sha256)
    assert len(signing.verify_pdf(after.content)) == 2
