"""Sittings: creation (slug = ISO date, suffixed on a shared day), second convocation, the
sitting page with its legal summary, list and calendar."""

import datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.rules.delays import latest_send_date
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.models import Assembly, Convocation, Sitting


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def council(world):
    return Assembly.objects.create(authority=world.authority, name="Conseil municipal", kind="council")


def post_sitting(client, assembly, day, **extra):
    data = {"assembly": assembly.pk, "date": day.isoformat(), "start_time": "18:30", "place": "Salle du conseil",
            "publicity": "public", **extra}
    return client.post(reverse("sittings:create"), data)


def test_create_a_sitting(world, council, client):
    client.force_login(world.users[Role.SECRETARIAT])
    day = datetime.date(2026, 11, 14)
    response = post_sitting(client, council, day, urgency="on")
    assert response.status_code == 302 and response["Location"] == "/seances/2026-11-14/"
    sitting = Sitting.objects.get()
    assert (sitting.slug, sitting.date, sitting.start_time) == ("2026-11-14", day, datetime.time(18, 30))
    assert sitting.public and sitting.urgency and sitting.state == Sitting.State.PLANNED
    entry = JournalEntry.objects.get(action="sitting.created")
    assert entry.object_id == str(sitting.pk) and entry.data["slug"] == "2026-11-14"


def test_a_second_sitting_on_the_same_day_gets_the_assembly_kind(world, council, client):
    standing = Assembly.objects.create(authority=world.authority, name="Commission permanente",
                                       kind="standing_committee")
    committee = Assembly.objects.create(authority=world.authority, name="Commission culture", kind="committee",
                                        committee=world.committee)
    client.force_login(world.users[Role.SECRETARIAT])
    day = datetime.date(2026, 11, 14)
    post_sitting(client, council, day)
    post_sitting(client, standing, day, publicity="closed")
    post_sitting(client, committee, day)
    slugs = list(Sitting.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs == ["2026-11-14", "2026-11-14-commission-permanente", "2026-11-14-commission-cult"]
    assert not Sitting.objects.get(slug="2026-11-14-commission-permanente").public
    for slug in slugs:
        assert client.get(reverse("sittings:detail", args=[slug])).status_code == 200


def test_the_sitting_page_gives_the_legal_summary(world, council, client):
    client.force_login(world.users[Role.SECRETARIAT])
    day = timezone.localdate() + datetime.timedelta(days=30)
    post_sitting(client, council, day)
    sitting = Sitting.objects.get()
    page = text(client.get(reverse("sittings:detail", args=[sitting.slug])))
    # 52,000 inhabitants: 5 jours francs, latest sending date = date − 6 days (rules.delays).
    assert "la convocation doit partir 5 jours francs avant la séance" in page
    latest = latest_send_date(day, 5)
    summary = actions.legal_summary(sitting)
    assert summary.latest_send_date == latest and summary.passed is False
    assert f"{latest.day} " in page and "Envoi au plus tard le" in page
    assert "dépassée" not in page
    assert "note explicative de synthèse" in page
    assert '<h2 id="agenda-title">Ordre du jour</h2>' in page
    # The other parts' panels come after the agenda, in this order.
    names = [t.name for t in client.get(reverse("sittings:detail", args=[sitting.slug])).templates]
    panels = [names.index(f"sittings/{n}.html") for n in ("agenda_list", "convocation_panel", "live_panel",
                                                          "minutes_panel")]
    assert panels == sorted(panels)


def test_a_passed_sending_date_is_said(world, council, client):
    client.force_login(world.users[Role.SECRETARIAT])
    post_sitting(client, council, timezone.localdate() + datetime.timedelta(days=3))
    page = text(client.get(reverse("sittings:detail", args=[Sitting.objects.get().slug])))
    assert "La date limite d'envoi de la convocation est dépassée" in page


def test_urgency_and_stricter_rules_change_the_delay(world, council):
    sitting = actions.save_sitting(world.users[Role.SECRETARIAT], world.authority, assembly=council,
                                   date=datetime.date(2026, 11, 14), urgency=True)
    assert actions.legal_summary(sitting).required_days == 1
    council.regime_overrides = {"convocation_days": 8}
    council.save()
    sitting.urgency = False
    sitting.save()
    summary = actions.legal_summary(Sitting.objects.get(pk=sitting.pk))
    assert summary.required_days == 8 and summary.latest_send_date == datetime.date(2026, 11, 5)


def test_second_convocation_needs_the_failed_sitting(world, council, client):
    user = world.users[Role.SECRETARIAT]
    failed = actions.save_sitting(user, world.authority, assembly=council, date=datetime.date(2026, 11, 14))
    client.force_login(user)
    response = post_sitting(client, council, datetime.date(2026, 11, 20), second_convocation="on")
    assert response.status_code == 400 and "doit indiquer la séance qui n'a pas atteint le quorum" in text(response)
    assert 'value="Salle du conseil"' in text(response)  # input kept
    with pytest.raises(ValidationError, match="n'a pas été constatée sans quorum"):
        actions.save_sitting(user, world.authority, assembly=council, date=datetime.date(2026, 11, 20),
                             second_convocation=True, failed_sitting=failed)
    failed.state = Sitting.State.NO_QUORUM
    failed.save()
    response = post_sitting(client, council, datetime.date(2026, 11, 20), second_convocation="on",
                            failed_sitting=failed.pk)
    assert response.status_code == 302
    second = Sitting.objects.get(slug="2026-11-20")
    assert second.second_convocation and second.failed_sitting == failed
    assert actions.legal_summary(second).required_days == 3
    page = text(client.get(reverse("sittings:detail", args=[second.slug])))
    assert "aucun quorum n'est exigé" in page


def test_after_the_convocation_the_date_is_fixed(world, council, client):
    user = world.users[Role.SECRETARIAT]
    sitting = actions.save_sitting(user, world.authority, assembly=council, date=datetime.date(2026, 11, 14))
    Convocation.objects.create(sitting=sitting, state=Convocation.State.SENT, sent_at=timezone.now())
    client.force_login(user)
    url = reverse("sittings:edit", args=[sitting.slug])
    response = client.post(url, {"assembly": council.pk, "date": "2026-11-21", "publicity": "public"})
    assert response.status_code == 400 and "La convocation a été envoyée" in text(response)
    assert Sitting.objects.get(pk=sitting.pk).date == datetime.date(2026, 11, 14)
    response = client.post(url, {"assembly": council.pk, "date": "2026-11-14", "place": "Salle des fêtes",
                                 "publicity": "public"})
    assert response.status_code == 302
    assert Sitting.objects.get(pk=sitting.pk).place == "Salle des fêtes"
    assert JournalEntry.objects.get(action="sitting.updated").data["changes"]["place"][1] == "Salle des fêtes"


def test_changing_the_date_before_the_convocation_changes_the_slug(world, council, client):
    user = world.users[Role.SECRETARIAT]
    sitting = actions.save_sitting(user, world.authority, assembly=council, date=datetime.date(2026, 11, 14))
    client.force_login(user)
    response = client.post(reverse("sittings:edit", args=[sitting.slug]),
                           {"assembly": council.pk, "date": "2026-11-21", "publicity": "closed"})
    assert response["Location"] == "/seances/2026-11-21/"
    sitting.refresh_from_db()
    assert sitting.slug == "2026-11-21" and not sitting.public


def test_list_and_calendar(world, council, client):
    user = world.users[Role.SECRETARIAT]
    today = timezone.localdate()
    future = actions.save_sitting(user, world.authority, assembly=council, date=today + datetime.timedelta(days=10))
    past = actions.save_sitting(user, world.authority, assembly=council, date=today - datetime.timedelta(days=10))
    client.force_login(user)
    page = client.get(reverse("sittings:list")).content.decode()
    upcoming_part, past_part = page.split("Séances passées", 1)
    assert reverse("sittings:detail", args=[future.slug]) in upcoming_part
    assert reverse("sittings:detail", args=[past.slug]) in past_part
    month = future.date.strftime("%Y-%m")
    calendar = client.get(reverse("sittings:calendar"), {"mois": month}).content.decode()
    assert reverse("sittings:detail", args=[future.slug]) in calendar
    other = Assembly.objects.create(authority=world.authority, name="Commission permanente", kind="standing_committee")
    filtered = client.get(reverse("sittings:calendar"), {"mois": month, "assemblee": other.pk}).content.decode()
    assert reverse("sittings:detail", args=[future.slug]) not in filtered
    assert client.get(reverse("sittings:calendar"), {"mois": "n'importe"}).status_code == 200
