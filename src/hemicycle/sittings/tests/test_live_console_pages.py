"""The console as the clerk uses it: forms post to the pages, refusals re-render the page with
the message and what was typed (never a 500)."""

import html

import pytest

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem, Amendment, Attendance, Ballot, Sitting, Vote
from hemicycle.sittings.samples_live import live_world


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def clerk(world, client):
    client.force_login(world.users[Role.SECRETARIAT])
    return world.users[Role.SECRETARIAT]


def test_roll_call_and_opening_from_the_console(world, client, clerk):
    sw = live_world(world, members=9, present=0, open_it=False)
    url = f"/seances/{sw.sitting.slug}/console/"
    page = text(client.get(url))
    assert "Appel nominal" in page and "Quorum non atteint : 0 présent(s)" in page
    response = client.post(url, {"op": "open"})
    assert response.status_code == 400 and "Quorum non atteint" in text(response)
    for member in sw.members[:5]:
        assert client.post(url, {"op": "attendance", "member": member.pk, "status": "present"}).status_code == 302
    client.post(url, {"op": "attendance", "member": sw.members[6].pk, "status": "excused"})
    assert Attendance.objects.filter(sitting=sw.sitting, status="present").count() == 5
    assert client.post(url, {"op": "open"}).status_code == 302
    assert Sitting.objects.get(pk=sw.sitting.pk).state == "open"
    assert JournalEntry.objects.filter(action="sitting.opened", object_id=str(sw.sitting.pk)).exists()
    # Bad input: unknown member, unknown operation — a message, no 500.
    assert client.post(url, {"op": "attendance", "member": "abc", "status": "present"}).status_code == 400
    assert client.post(url, {"op": "attendance", "member": 999999, "status": "present"}).status_code == 400
    assert client.post(url, {"op": "nope"}).status_code == 400
    # Speaker text too long is refused and kept in the field.
    response = client.post(url, {"op": "speaker", "speaker_text": "x" * 250})
    assert response.status_code == 400 and "x" * 250 in text(response)


def test_item_page_flow_with_amendment_and_roll_call(world, client, clerk):
    sw = live_world(world, members=9, present=8)
    item = sw.items[0]
    url = f"/seances/{sw.sitting.slug}/console/point/{item.pk}/"
    assert client.post(f"/seances/{sw.sitting.slug}/console/", {"op": "take_up", "item": item.pk}).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).state == "in_debate"

    # An amendment form with a bad target keeps what was typed.
    response = client.post(url, {"op": "amendment", "part": "articles", "operation": "replace", "index": "7",
                                 "new_text": "Texte soigneusement rédigé", "explanation": "Parce que"})
    assert response.status_code == 400
    page = text(response)
    assert "n'existe pas" in page and "Texte soigneusement rédigé" in page and "Parce que" in page
    assert client.post(url, {"op": "amendment", "part": "articles", "operation": "replace", "index": "1",
                             "new_text": "Article amendé."}).status_code == 302
    amendment = Amendment.objects.get(item=item)

    # Requests computed: two public requests out of 8 impose a public ballot.
    publics = [sw.members[1].pk, sw.members[2].pk]
    response = client.post(url, {"op": "compute", "subject": amendment.pk, "public": publics, "method": ""})
    assert response.status_code == 200 and 'value="roll_call" selected' in text(response)
    # The act cannot be voted before its amendment.
    response = client.post(url, {"op": "open", "subject": "item", "method": "show_of_hands"})
    assert response.status_code == 400 and "avant le projet" in text(response)
    response = client.post(url, {"op": "open", "subject": amendment.pk, "public": publics, "method": "roll_call"})
    assert response.status_code == 302
    ballot = Ballot.objects.get(item=item, amendment=amendment)
    ballot_url = f"/seances/{sw.sitting.slug}/vote/{ballot.pk}/"
    assert response["Location"] == ballot_url
    page = text(client.get(ballot_url))
    assert "Appel nominal" in page
    # A missing answer is refused and the answers already chosen are kept.
    data = {f"vote_{m.pk}": "pour" for m in sw.members[:7]}
    response = client.post(ballot_url, {"op": "close", **data})
    assert response.status_code == 400 and "Vote non saisi pour : Prénom7 Élu7" in text(response)
    assert text(response).count('value="pour" selected') == 7
    data[f"vote_{sw.members[7].pk}"] = "contre"
    assert client.post(ballot_url, {"op": "close", **data}).status_code == 302
    assert Vote.objects.filter(ballot=ballot).count() == 8
    item.act.refresh_from_db()
    assert item.act.articles == ["Article amendé."]

    # Then the act itself, by show of hands with a tie: the president's vote is asked.
    response = client.post(url, {"op": "open", "subject": "item", "method": "show_of_hands"})
    ballot_url = response["Location"]
    response = client.post(ballot_url, {"op": "close", "pour": "4", "contre": "4", "abstention": "0", "nppv": ""})
    assert response.status_code == 400 and "prépondérante" in text(response)
    assert 'value="4"' in text(response)
    response = client.post(ballot_url, {"op": "close", "pour": "4", "contre": "4", "abstention": "0",
                                        "president_vote": "pour"}, follow=True)
    assert "Adopté" in text(response)
    assert AgendaItem.objects.get(pk=item.pk).state == "adopted"


def test_vote_by_group_with_exceptions(world, client, clerk):
    sw = live_world(world, members=9, present=9)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method="by_group")
    url = f"/seances/{sw.sitting.slug}/vote/{ballot.pk}/"
    page = text(client.get(url))
    assert "Position de chaque groupe" in page
    group = sw.members[0].group
    response = client.post(url, {"op": "close", f"group_{group.pk}": "pour",
                                 f"except_{sw.members[4].pk}": "contre"})
    assert response.status_code == 302, text(response)
    ballot.refresh_from_db()
    assert (ballot.pour, ballot.contre) == (8, 1) and ballot.results["exceptions"] == {"Prénom4 Élu4": "contre"}
    assert Vote.objects.get(ballot=ballot, member=sw.members[4]).value == "contre"


def test_electronic_ballot_page_and_tally_fragment(world, client, clerk):
    sw = live_world(world, members=9)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method="electronic")
    url = f"/seances/{sw.sitting.slug}/vote/{ballot.pk}/"
    assert "Clore le vote" in text(client.get(url))
    fragment = text(client.get(url + "?fragment=tally"))
    assert "0</strong> / 9" in fragment
    # Cancel a vote opened by mistake, reopen it, then close it.
    assert client.post(url, {"op": "cancel"}).status_code == 302
    assert not Ballot.objects.filter(pk=ballot.pk).exists()
    assert AgendaItem.objects.get(pk=item.pk).state == "in_debate"


def test_appointment_page(world, client, clerk):
    sw = live_world(world, members=9)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    url = f"/seances/{sw.sitting.slug}/console/point/{item.pk}/"
    response = client.post(url, {"op": "open", "subject": "item", "method": "appointment",
                                 "candidates": [sw.members[3].pk, sw.members[4].pk]})
    assert response.status_code == 302
    ballot_url = response["Location"]
    response = client.post(ballot_url, {"op": "close", f"count_{sw.members[3].pk}": "7",
                                        f"count_{sw.members[4].pk}": "2", "blank": "0"}, follow=True)
    assert "Prénom3 Élu3" in text(response)
    assert AgendaItem.objects.get(pk=item.pk).state == "elected"


def test_pages_render_after_the_sitting(world, client, clerk):
    sw = live_world(world, members=9)
    live.close_sitting(clerk, sw.sitting, postpone_remaining=True)
    assert client.get(f"/seances/{sw.sitting.slug}/console/").status_code == 200
    assert client.get(f"/seances/{sw.sitting.slug}/console/point/{sw.items[0].pk}/").status_code == 200
    response = client.post(f"/seances/{sw.sitting.slug}/console/point/{sw.items[0].pk}/", {"op": "take_up"})
    assert response.status_code == 400
