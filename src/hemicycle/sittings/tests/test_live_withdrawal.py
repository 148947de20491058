"""Conflicts of interest (L2131-11): interested members are flagged from their declared
interests; once withdrawn they neither vote nor use a proxy, and do not count for the item's
quorum."""

import pytest
from django.core.exceptions import ValidationError

from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import Attendance, Interest, ItemConcern, Proxy, Vote, Withdrawal
from hemicycle.sittings.samples_live import live_world


def member_user(world, member, name):
    user = make_user(world.authority, name, [Role.MEMBER])
    member.user = user
    member.save()
    return user


@pytest.fixture
def subsidy(world):
    """9 members, 8 present; member 8 absent gave his proxy to member 3; member 3 sits on the
    board of the association the item subsidises."""
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=8, open_it=False)
    m = sw.members
    proxy = Proxy.objects.create(authority=world.authority, mandator=m[8], holder=m[3], given_by=clerk)
    proxy.sittings.add(sw.sitting)
    Interest.objects.create(member=m[3], organisation="Association Les Amis du Théâtre", role="Trésorier")
    item = sw.items[0]
    ItemConcern.objects.create(item=item, organisation="association les amis du theatre")
    live.open_sitting(clerk, sw.sitting)
    return sw, item


def test_interested_member_is_flagged_and_vote_blocked_until_withdrawal(world, subsidy):
    sw, item = subsidy
    clerk = world.users[Role.SECRETARIAT]
    flags = live.conflicts(item)
    assert [f.member.pk for f in flags] == [sw.members[3].pk]
    assert flags[0].organisations == ("association les amis du theatre",)
    live.take_up_item(clerk, item)
    with pytest.raises(ValidationError, match="intéressés"):
        votes.open_ballot(clerk, item, method="electronic")
    live.record_withdrawal(clerk, item, sw.members[3], kind=Withdrawal.Kind.LEFT_ROOM, reason="Trésorier")
    assert live.conflicts(item)[0].withdrawn is not None
    assert votes.open_ballot(clerk, item, method="electronic").state == "open"


def test_withdrawn_member_is_not_counted_for_the_quorum(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=5)
    item = sw.items[0]
    live.record_withdrawal(clerk, item, sw.members[2])
    state = live.quorum(sw.sitting, item)
    assert (state.present, state.required, state.met, state.withdrawn) == (4, 5, False, 1)
    assert live.quorum(sw.sitting).met  # the sitting itself keeps its quorum
    live.take_up_item(clerk, item)
    with pytest.raises(ValidationError, match="Quorum non atteint"):
        votes.open_ballot(clerk, item, method="show_of_hands")


def test_withdrawn_member_cannot_vote_nor_use_a_proxy(world, client, subsidy):
    sw, item = subsidy
    clerk = world.users[Role.SECRETARIAT]
    live.record_withdrawal(clerk, item, sw.members[3])
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method="electronic")
    interested = member_user(world, sw.members[3], "elu-interesse")

    with pytest.raises(ValidationError, match="retiré"):
        votes.cast_vote(interested, ballot, value="pour")
    with pytest.raises(ValidationError, match="ne pouvez pas utiliser le pouvoir"):
        votes.cast_vote(interested, ballot, value="pour", for_member=sw.members[8])

    # The electronic vote page refuses too, and shows why.
    client.force_login(interested)
    page = client.get(f"/seances/{sw.sitting.slug}/voter/").content.decode()
    assert "Vous vous êtes retiré(e) de ce point" in page
    assert "vous ne pouvez pas utiliser le pouvoir" in page
    response = client.post(f"/seances/{sw.sitting.slug}/voter/", {"ballot": ballot.pk, "value": "pour"}, follow=True)
    assert "retiré(e) de ce point" in response.content.decode()
    response = client.post(f"/seances/{sw.sitting.slug}/voter/",
                           {"ballot": ballot.pk, "value": "pour", "for_member": sw.members[8].pk}, follow=True)
    assert not Vote.objects.filter(ballot=ballot).exists()

    # The withdrawn member is not among the voters, nor is his mandator.
    voters = {v.owner.pk for v in live.voters(sw.sitting, item)}
    assert sw.members[3].pk not in voters and sw.members[8].pk not in voters


def test_holder_cannot_vote_for_a_withdrawn_mandator(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=8, open_it=False)
    m = sw.members
    proxy = Proxy.objects.create(authority=world.authority, mandator=m[8], holder=m[2], given_by=clerk)
    proxy.sittings.add(sw.sitting)
    live.open_sitting(clerk, sw.sitting)
    item = sw.items[0]
    live.record_withdrawal(clerk, item, m[8], kind=Withdrawal.Kind.NOT_TAKING_PART)
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method="roll_call")
    holder = member_user(world, m[2], "porteur")
    entries = {v.owner.pk: "pour" for v in live.voters(sw.sitting, item)}
    assert m[8].pk not in entries
    with pytest.raises(ValidationError, match="retiré"):
        votes.close_roll_call(clerk, ballot, votes={**entries, m[8].pk: "pour"})
    assert not Vote.objects.filter(ballot=ballot).exists()
    ballot = votes.close_roll_call(clerk, ballot, votes=entries)
    assert ballot.pour == 8 and not Vote.objects.filter(ballot=ballot, member=m[8]).exists()
    assert holder.member == m[2]


def test_withdrawal_cannot_change_during_an_open_vote(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    votes.open_ballot(clerk, item, method="show_of_hands")
    with pytest.raises(ValidationError, match="vote est ouvert"):
        live.record_withdrawal(clerk, item, sw.members[2])
    assert Attendance.objects.filter(sitting=sw.sitting).count() == 9
