import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hemicycle.accounts.models import User
from hemicycle.acts.models import Act, Annex, Comment
from hemicycle.circuits.models import CircuitTemplate, StepRun
from hemicycle.journal.models import JournalEntry
from hemicycle.journal.services import verify
from hemicycle.organisation.models import Authority, Department, Member, PoliticalGroup
from hemicycle.sittings.actions.convocation import verify_proof
from hemicycle.sittings.models import (
    AgendaItem, Amendment, Assembly, Attendance, AttendanceEvent, Ballot, CommitteeOpinion, Convocation,
    ConvocationRecipient, Interest, Motion, Proxy, Sitting, Vote, Withdrawal,
)


@pytest.mark.django_db
def test_demo_commune_has_every_state_sittings_and_a_valid_journal(settings, client, monkeypatch, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fresh prefecture simulator state (the real one lives in $HEMICYCLE_DATA, shared by test runs).
    monkeypatch.setattr("hemicycle.demo.after_vote.simulator_dir", lambda: tmp_path / "prefecture-simulator")
    call_command("load_demo")
    authority = Authority.objects.get(slug="belval")
    assert authority.population == 52_340
    assert Member.objects.filter(authority=authority).count() == 49
    assert PoliticalGroup.objects.filter(authority=authority).count() == 5
    assert Department.objects.filter(authority=authority).count() == 10
    assert CircuitTemplate.objects.filter(authority=authority).count() == 3
    states = Counter(Act.objects.filter(authority=authority).values_list("state", flat=True))
    assert sum(states.values()) == 61  # 60 deliberations and an individual arrêté
    assert {"draft", "in_circuit", "sent_back", "ready", "on_agenda", "adopted", "rejected"} == set(states)
    assert states["adopted"] == 7 and states["rejected"] == 1 and states["on_agenda"] == 13
    assert Annex.objects.filter(act__authority=authority).count() >= 30
    assert Comment.objects.filter(act__authority=authority).exists()
    assert StepRun.objects.filter(run__act__authority=authority, state="active").exists()
    assert not Member.objects.filter(authority=authority, user__isnull=True).exists()  # every member can vote

    # The journal verifies and is in chronological order, the past replayed at its dates.
    assert verify().ok
    moments = list(JournalEntry.objects.order_by("seq").values_list("at", flat=True))
    assert moments == sorted(moments)
    assert moments[0] < timezone.now() - datetime.timedelta(days=70)

    council = Assembly.objects.get(authority=authority, kind=Assembly.Kind.COUNCIL)
    assert council.name == "Conseil municipal" and council.seat_count == 49
    assert Assembly.objects.filter(authority=authority, kind=Assembly.Kind.COMMITTEE).count() == 2
    sittings = {s.state: s for s in Sitting.objects.filter(authority=authority)}
    assert set(sittings) == {Sitting.State.CLOSED, Sitting.State.CONVENED, Sitting.State.PLANNED}
    past, upcoming, planned = sittings["closed"], sittings["convened"], sittings["planned"]
    today = timezone.localdate()
    assert today - datetime.timedelta(days=49) < past.date < today - datetime.timedelta(days=40)
    assert today + datetime.timedelta(days=18) < upcoming.date < today + datetime.timedelta(days=27)
    assert planned.date > upcoming.date

    _check_past(past)
    _check_upcoming(upcoming, past)
    assert planned.items.filter(kind=AgendaItem.Kind.ACT).count() == 3
    assert not planned.convocations.exists()
    assert Act.objects.filter(authority=authority, state="ready").exists()  # still some to put on an agenda

    _check_pages(client, past, upcoming, planned)
    _check_after_vote(client, authority, past)

    out = io.StringIO()
    call_command("demo_accounts", "--url", "http://demo.test/", stdout=out)
    printed = out.getvalue()
    assert "http://demo.test/elu/" in printed and "« elu »" in printed and "« maire »" in printed
    assert f"http://demo.test/seances/{past.slug}/ecran/" in printed
    assert f"http://demo.test/seances/{past.slug}/liste-des-deliberations/" in printed
    assert f"http://demo.test/seances/{upcoming.slug}/" in printed

    assert "\n  maire " in printed  # the signatory (the mayor) is a listed demo account
    assert f"http://demo.test/seances/{past.slug}/actes-definitifs/" in printed
    assert "http://demo.test/publications/belval/" in printed

    call_command("load_demo", "--if-empty")  # second run: nothing, no error
    assert Act.objects.filter(authority=authority).count() == 61


def _check_past(past):
    items = list(past.items.order_by("position"))
    assert Counter(i.state for i in items) == {"adopted": 7, "rejected": 1, "postponed": 1}
    assert [i.number for i in items if i.number] == list(range(1, 9))
    assert past.opened_at.date() == past.date and past.president is not None and past.secretaries.exists()

    convocation = past.convocations.get()
    assert convocation.state == Convocation.State.SENT and convocation.legal_errors == []
    assert (past.date - timezone.localdate(convocation.sent_at)).days == 14
    assert verify_proof(convocation).valid
    assert convocation.recipients.filter(channel=ConvocationRecipient.Channel.PAPER).exists()
    assert convocation.recipients.filter(opened_at__isnull=False).count() >= 40

    attendance = Counter(Attendance.objects.filter(sitting=past).values_list("status", flat=True))
    assert attendance["excused"] == 2 and attendance["absent"] == 2 and attendance["left"] == 1
    assert AttendanceEvent.objects.filter(sitting=past, kind="leave", during_item__isnull=False).exists()
    proxy = Proxy.objects.get(sittings=past)
    assert Attendance.objects.get(sitting=past, member=proxy.mandator).status == "excused"

    ballots = Ballot.objects.filter(item__sitting=past)
    assert {b.method for b in ballots} == {"by_group", "show_of_hands", "secret", "electronic", "roll_call"}
    assert ballots.filter(casting_vote_used=True, outcome="adopted").count() == 1
    secret = ballots.get(method="secret")
    assert secret.outcome == "rejected" and not secret.votes.exists() and secret.secret_requests >= 15
    electronic = ballots.get(method="electronic")
    assert electronic.votes.filter(cast_by=proxy.holder, member=proxy.mandator).exists()
    assert len(electronic.results["non_voters"]) == 1
    roll_call = ballots.get(method="roll_call")
    assert roll_call.public_requests >= 11 and roll_call.votes.count() == roll_call.pour + roll_call.contre + \
        roll_call.abstention + roll_call.nppv
    withdrawal = Withdrawal.objects.get(item__sitting=past)
    assert withdrawal.item == roll_call.item
    assert Interest.objects.filter(member=withdrawal.member, organisation__in=withdrawal.item.concerns.values(
        "organisation")).exists()
    assert not Vote.objects.filter(ballot__item=withdrawal.item, member=withdrawal.member).exists()
    amendment = Amendment.objects.get(item__sitting=past)
    assert amendment.state == Amendment.State.ADOPTED
    assert amendment.item.act.versions.filter(summary="Amendement n° 1 adopté").exists()
    motion = Motion.objects.get(agenda_items__sitting=past)
    assert motion.state == Motion.State.ADOPTED and motion.number == f"{past.date.year} V. 1"
    assert CommitteeOpinion.objects.filter(item__sitting=past).count() == 8

    minutes = past.minutes
    assert minutes.list_published_at is not None and minutes.current_state == "submitted"
    assert all(i.get("debate_summary") for i in minutes.body["items"])
    assert minutes.body["texts"]["introduction"]


def _check_upcoming(upcoming, past):
    items = list(upcoming.items.order_by("position"))
    assert items[0].kind == AgendaItem.Kind.MINUTES and past.minutes.adopted_at_item == items[0]
    assert sum(1 for i in items if i.kind == AgendaItem.Kind.ACT) == 10
    assert any(i.kind == AgendaItem.Kind.QUESTION for i in items)
    assert all(i.on_convocation for i in items)
    assert len({i.section for i in items if i.kind == AgendaItem.Kind.ACT}) == 3
    assert CommitteeOpinion.objects.filter(item__sitting=upcoming).count() == 10
    postponed = past.items.get(state=AgendaItem.State.POSTPONED)
    assert upcoming.items.filter(act=postponed.act).exists()  # put back on the next agenda
    convocation = upcoming.convocations.get()
    assert convocation.state == Convocation.State.SENT and convocation.legal_errors == [] and convocation.pack_pages
    assert convocation.recipients.filter(channel=ConvocationRecipient.Channel.PAPER).count() >= 1
    elu = User.objects.get(username="elu").member
    recipient = convocation.recipients.get(member=elu)
    assert recipient.opened_at is not None and recipient.consultations.exists()
    proxy = Proxy.objects.get(sittings=upcoming, mandator=elu, revoked_at__isnull=True)
    assert proxy.given_by.username == "elu"
    interest = Interest.objects.get(member=elu)
    assert upcoming.items.filter(concerns__organisation=interest.organisation).exists()


def _check_pages(client, past, upcoming, planned):
    secretariat = User.objects.get(username="secretariat")
    assert secretariat.check_password("demo-hemicycle")
    client.force_login(secretariat)
    conv = past.convocations.get()
    for url in [reverse("sittings:detail", args=[past.slug]), reverse("sittings:live_console", args=[past.slug]),
                reverse("sittings:minutes", args=[past.slug]),
                reverse("sittings:convocation_proof", args=[past.slug, conv.pk]),
                reverse("sittings:detail", args=[upcoming.slug]), reverse("sittings:agenda", args=[planned.slug])]:
        assert client.get(url).status_code == 200, url
    client.logout()
    elu = User.objects.get(username="elu")
    assert elu.check_password("demo-hemicycle")
    client.force_login(elu)
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert Interest.objects.get(member=elu.member).organisation in home.content.decode()  # must withdraw
    response = client.get(reverse("portal:sitting", args=[upcoming.slug]))
    assert response.status_code == 200 and "dossier" in response.content.decode().lower()
    client.logout()
    for url in [reverse("sittings:live_screen", args=[past.slug]),
                reverse("sittings:deliberations_list", args=[past.slug])]:
        assert client.get(url).status_code == 200, url


def _check_after_vote(client, authority, past):
    """The past sitting's acts went the whole way: signed, transmitted, acknowledged (one after an
    anomaly and a resend), a prefecture request answered, published (one masked), in the signed
    register, in a SEDA package and in the SCDL file; an individual arrêté notified."""
    from hemicycle.archives.models import ArchiveTransfer, RegisterVolume
    from hemicycle.core import blobs
    from hemicycle.documents.models import FinalDocument
    from hemicycle.documents.signing import verify_pdf
    from hemicycle.legality.models import PrefectureMessage, Transmission
    from hemicycle.opendata.scdl import export
    from hemicycle.publication.models import Masking, PartnerNotification, Publication

    adopted = list(past.items.filter(state="adopted", act__isnull=False).order_by("number"))
    finals = list(FinalDocument.objects.filter(item__sitting=past).order_by("number"))
    assert len(finals) == len(adopted) == 6
    assert [f.number for f in finals] == [i.number for i in adopted]
    maire = User.objects.get(username="maire")
    for final in finals:
        assert final.state == FinalDocument.State.SIGNED and final.decision_date == past.date
        assert timezone.localdate(final.rendered_at) == past.date + datetime.timedelta(days=1)
        assert list(final.signatures.values_list("signer", flat=True)) == [maire.pk]
    reports = verify_pdf(blobs.get(finals[0].signed_sha256))
    assert len(reports) == 1 and reports[0].ok

    # The legality control: every act acknowledged; the first went through an anomaly and a resend.
    for final in finals:
        current = final.act.transmissions.order_by("-attempt").first()
        assert current.state == Transmission.State.ACKNOWLEDGED, final.act.reference
        assert current.id_acte.startswith(f"045-{authority.siren}-{past.date:%Y%m%d}-")
        assert current.received_on is not None
    attempts = Transmission.objects.filter(authority=authority).values_list("act", flat=True)
    resent = [act for act, n in Counter(attempts).items() if n > 1]
    assert len(resent) == 1
    first, second = Transmission.objects.filter(act_id=resent[0]).order_by("attempt")
    assert first.state == Transmission.State.ANOMALY and "ODT-VERIF-01" in first.anomaly_reason
    assert first.messages.filter(kind="AnomalieActe").exists()
    assert second.state == Transmission.State.ACKNOWLEDGED and second.messages.filter(kind="ARActe").exists()
    assert second.classification_version.version_date > first.classification_version.version_date
    request = PrefectureMessage.objects.get(transmission__authority=authority, kind="DemandePieceComplementaire")
    assert request.answered_by is not None and request.answered_by.kind == "PieceComplementaire"
    assert len(request.answered_by.files) == 3  # the covering letter and the two pieces asked for
    assert request.transmission.state == Transmission.State.ACKNOWLEDGED

    # Publication: the deliberations on the public portal, one with a name masked.
    publications = Publication.objects.filter(act__in=[f.act for f in finals], withdrawn_at__isnull=True)
    assert publications.count() == 6
    masked = publications.get(masked=True)
    assert Masking.objects.filter(act=masked.act, text="Mme Odile Carpentier").exists()
    assert masked.pdf_sha256 != masked.source_sha256
    client.logout()
    for publication in (masked, publications.exclude(pk=masked.pk).first()):
        page = client.get(reverse("publication:act", kwargs={"authority": authority.slug,
                                                             "slug": publication.act.slug}))
        assert page.status_code == 200
        assert executory_id(publication.act) in page.content.decode()
        pdf = client.get(reverse("publication:act_pdf", kwargs={"authority": authority.slug,
                                                                "slug": publication.act.slug}))
        assert pdf.status_code == 200 and b"".join(pdf).startswith(b"%PDF")
    assert client.get(reverse("publication:home", kwargs={"authority": authority.slug})).status_code == 200

    # The individual arrêté: signed outside a sitting, not published, notified to the partner.
    arrete = Act.objects.get(authority=authority, nature="AI")
    assert arrete.state == "adopted" and arrete.final.state == FinalDocument.State.SIGNED
    assert not Publication.objects.filter(act=arrete).exists()
    notification = PartnerNotification.objects.get(act=arrete)
    assert notification.email == User.objects.get(username="partenaire").email

    # The register of the year, co-signed; the SEDA package of the sitting.
    volume = RegisterVolume.objects.get(authority=authority, year=past.date.year)
    assert volume.state == RegisterVolume.State.SIGNED and not volume.missing
    assert [s["role"] for s in volume.signatures] == ["president", "secretary"]
    assert len(verify_pdf(blobs.get(volume.signed_sha256))) == 2
    transfer = ArchiveTransfer.objects.get(authority=authority, sitting=past)
    assert transfer.acts_count == 6 and blobs.exists(transfer.zip_sha256)

    # The staff's pages show the chain.
    client.force_login(User.objects.get(username="secretariat"))
    for url in [reverse("documents:sitting_finals", kwargs={"slug": past.slug}),
                reverse("documents:final_signatures", kwargs={"slug": finals[0].act.slug}),
                reverse("legality:dashboard"), reverse("legality:act", kwargs={"slug": first.act.slug}),
                reverse("legality:act", kwargs={"slug": request.transmission.act.slug}),
                reverse("acts:detail", kwargs={"slug": masked.act.slug}),
                reverse("archives:register", kwargs={"year": volume.year}), reverse("archives:transfers")]:
        assert client.get(url).status_code == 200, url
    client.logout()

    # Open data: the SCDL file (validated by frictionless inside export) has the acknowledgements.
    rows = list(csv.DictReader(io.StringIO(export(authority=authority).data.decode("utf-8"))))
    acknowledged = [r for r in rows if r["PREF_ID"]]
    assert len(acknowledged) == 6 and all(r["PREF_DATE"] for r in acknowledged)
    assert acknowledged[0]["PREF_ID"] == "PREF045"


def executory_id(act) -> str:
    from hemicycle.legality.actions import executory_info

    return executory_info(act)["id_acte"]


@pytest.mark.django_db
def test_demo_clock_only_goes_forward_and_restores_the_real_time():
    from hemicycle.demo.sittings import Calendar, DemoClock

    cal = Calendar.around(timezone.localdate())
    assert cal.past.weekday() == cal.upcoming.weekday() == cal.planned.weekday() == 3  # Thursdays
    real = timezone.now
    with DemoClock() as clock:
        clock.set(cal.at(cal.past, 18, 30))
        assert timezone.localtime(timezone.now()).time() == datetime.time(18, 30)
        assert timezone.localdate() == cal.past
        with pytest.raises(ValueError):
            clock.set(cal.at(cal.past, 18, 0))
        with pytest.raises(ValueError):
            clock.set(timezone.make_aware(datetime.datetime.combine(cal.upcoming, datetime.time(9))))
        clock.set(cal.at(cal.past, 18, 55))
        clock.advance_office(hours=1)  # 19 h 55 on a Thursday: next morning, 8 h 30
        assert timezone.localtime(timezone.now()) == cal.at(cal.past + datetime.timedelta(days=1), 8, 30)
        clock.stop()
        assert abs(timezone.now() - real()) < datetime.timedelta(seconds=5)
    assert timezone.now is real


@pytest.mark.django_db
def test_paris_preset_small(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", "--preset", "paris", "--acts", "5")
    authority = Authority.objects.get(slug="paris")
    assert Member.objects.filter(authority=authority).count() == 163
    assert PoliticalGroup.objects.filter(authority=authority).count() == 8
    assert Department.objects.filter(authority=authority).count() == 25
    assert Act.objects.filter(authority=authority, state="ready").count() == 5
    assert Annex.objects.filter(act__authority=authority).count() == 5
    assert User.objects.get(username="paris-secretariat").check_password("demo-hemicycle")
    from hemicycle.documents.models import FinalDocument

    assert not FinalDocument.objects.filter(authority=authority).exists()  # Paris: no after-vote chain
