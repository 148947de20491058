"""Appointments of people who do not sit in the assembly (a qualified person in an outside body):
free-text candidates next to the members, counted and elected by the same rounds; the birth
date decides a tie at round 3 (rules.appointments.elect, L2121-21)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem, Ballot
from hemicycle.sittings.samples_live import live_world
from hemicycle.sittings.views.live import other_candidates


@pytest.fixture
def appointment(world):
    sw = live_world(world, members=9, present=8)
    live.take_up_item(world.users[Role.SECRETARIAT], sw.items[0])
    return sw, sw.items[0]


def test_an_outside_person_is_elected(world, appointment):
    clerk = world.users[Role.SECRETARIAT]
    sw, item = appointment
    member = sw.members[5]
    ballot = votes.open_ballot(clerk, item, method="appointment", candidates=[member],
                               other_candidates=[("  Jeanne   Lambert ", datetime.date(1961, 4, 2))])
    assert ballot.results["others"] == [{"name": "Jeanne Lambert", "birth_date": "1961-04-02"}]
    closed = votes.close_appointment_round(clerk, ballot, counts={str(member.pk): 3, "x0": 5}, blank=0)
    assert closed.outcome == "elected" and closed.elected == "Jeanne Lambert"
    assert closed.results["counts"] == {"Prénom5 Élu5": 3, "Jeanne Lambert": 5}
    assert AgendaItem.objects.get(pk=item.pk).state == AgendaItem.State.ELECTED


@pytest.mark.parametrize("others_born, elected", [
    (datetime.date(1940, 1, 1), "Paul Arnaud"),  # older than the member (1953): the outside candidate
    (datetime.date(1990, 1, 1), "Prénom3 Élu3"),  # younger: the member
    (None, ""),                                  # unknown birth date: the tie cannot be decided
])
def test_third_round_tie_with_an_outside_candidate(world, appointment, others_born, elected):
    clerk = world.users[Role.SECRETARIAT]
    sw, item = appointment
    member = sw.members[3]  # born in 1953
    for counts, blank in (({"x0": 3}, 2), ({"x0": 3}, 2), ({"x0": 4}, 0)):
        ballot = votes.open_ballot(clerk, item, method="appointment", candidates=[member],
                                   other_candidates=[("Paul Arnaud", others_born)])
        ballot = votes.close_appointment_round(clerk, ballot, counts={member.pk: counts["x0"], **counts},
                                               blank=blank)
    assert ballot.round == 3
    assert ballot.elected == elected
    if not elected:
        assert any("date de naissance inconnue pour Paul Arnaud" in e for e in ballot.results["errors"])


@pytest.mark.parametrize("others, message", [
    ([("Prénom5 Élu5", None)], "porte le nom d'un élu"),
    ([("Jean Roy", None), ("jean roy", None)], "porte le nom d'un élu de l'assemblée ou d'un autre candidat"),
    ([("x" * 201, None)], "200 caractères"),
    ([("Jean Roy", datetime.date.today() + datetime.timedelta(days=3))], "dans le futur"),
    ([("   ", None)], "au moins un candidat"),
])
def test_bad_outside_candidates_are_refused(world, appointment, others, message):
    clerk = world.users[Role.SECRETARIAT]
    sw, item = appointment
    with pytest.raises(ValidationError, match=message):
        votes.open_ballot(clerk, item, method="appointment", other_candidates=others)
    assert not Ballot.objects.exists()


def test_outside_candidates_only_for_an_appointment(world, appointment):
    sw, item = appointment
    with pytest.raises(ValidationError, match="désignation"):
        votes.open_ballot(world.users[Role.SECRETARIAT], item, method="secret", other_candidates=[("Jean Roy", None)])


@pytest.mark.parametrize("text, expected", [
    ("Jeanne Lambert", [("Jeanne Lambert", None)]),
    ("Jeanne Lambert ; 02/04/1961\n\nPaul Arnaud", [("Jeanne Lambert ", datetime.date(1961, 4, 2)),
                                                    ("Paul Arnaud", None)]),
])
def test_parsing_the_console_field(text, expected):
    assert other_candidates(text) == expected


@pytest.mark.parametrize("text, message", [("Jeanne ; 1961-04-02", "ligne 1 : date de naissance"),
                                           ("Paul\n ; 02/04/1961", "ligne 2 : indiquez le nom")])
def test_parsing_errors(text, message):
    with pytest.raises(ValidationError, match=message):
        other_candidates(text)


def test_console_and_ballot_page(client, world, appointment):
    sw, item = appointment
    client.force_login(world.users[Role.SECRETARIAT])
    item_url = reverse("sittings:live_item", kwargs={"slug": sw.sitting.slug, "pk": item.pk})
    bad = client.post(item_url, {"op": "open", "method": "appointment", "candidates": [sw.members[5].pk],
                                 "other_candidates": "Jeanne Lambert ; 31/02/1961"})
    assert bad.status_code == 400
    assert "date de naissance « 31/02/1961 » invalide" in bad.content.decode()
    assert "Jeanne Lambert ; 31/02/1961" in bad.content.decode()  # what was typed is kept
    response = client.post(item_url, {"op": "open", "method": "appointment", "candidates": [sw.members[5].pk],
                                      "other_candidates": "Jeanne Lambert ; 02/04/1961"})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'name="count_x0"' in page and f'name="count_{sw.members[5].pk}"' in page
    assert "ne siège pas dans l'assemblée" in page
    closed = client.post(response["Location"], {f"count_{sw.members[5].pk}": "2", "count_x0": "6", "blank": "0"})
    assert closed.status_code == 302
    ballot.refresh_from_db()
    assert ballot.elected == "Jeanne Lambert" and ballot.outcome == "elected"
