"""Per-annex flags and removal: editable, journaled, removal is soft."""

from django.urls import reverse

from hemicycle.acts.actions import add_annex
from hemicycle.acts.models import ActState, Annex
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

from .helpers import PDF, make_act


def test_flags_change_is_saved_and_journaled(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="plan.pdf", content=PDF)
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:annex_flags", args=[act.slug, annex.pk]), {"confidential": "on"})
    assert response.status_code == 302
    annex.refresh_from_db()
    assert (annex.sent_to_prefecture, annex.published, annex.confidential) == (False, False, True)
    entry = JournalEntry.objects.get(action="act.annex_flags_changed")
    assert entry.object_id == str(act.pk)
    assert entry.data["changes"] == {"sent_to_prefecture": [True, False], "published": [True, False],
                                     "confidential": [False, True]}


def test_secretariat_may_set_flags_but_not_remove(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="plan.pdf", content=PDF)
    client.force_login(world.users[Role.SECRETARIAT])
    client.post(reverse("acts:annex_flags", args=[act.slug, annex.pk]), {"sent_to_prefecture": "on"})
    assert Annex.objects.get().published is False
    assert client.post(reverse("acts:annex_remove", args=[act.slug, annex.pk])).status_code == 403
    client.force_login(world.users[Role.APPROVER])
    assert client.post(reverse("acts:annex_flags", args=[act.slug, annex.pk]), {}).status_code == 403
    assert Annex.objects.get().sent_to_prefecture is True


def test_removal_is_soft_and_journaled(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="plan.pdf", content=PDF, title="Plan du site")
    client.force_login(world.users[Role.DRAFTER])
    assert client.post(reverse("acts:annex_remove", args=[act.slug, annex.pk])).status_code == 302
    annex.refresh_from_db()
    assert annex.removed_at is not None
    assert JournalEntry.objects.filter(action="act.annex_removed", object_id=str(act.pk)).count() == 1
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert "Annexes retirées" in page
    # A second removal is refused with a message, not an error page.
    response = client.post(reverse("acts:annex_remove", args=[act.slug, annex.pk]), follow=True)
    assert "déjà été retirée" in response.content.decode()


def test_annexes_are_frozen_once_the_act_left_drafting(world, client):
    act = make_act(world)
    annex = add_annex(world.users[Role.DRAFTER], act, filename="plan.pdf", content=PDF)
    act.__class__.objects.filter(pk=act.pk).update(state=ActState.READY)
    client.force_login(world.users[Role.DRAFTER])
    assert client.post(reverse("acts:annex_remove", args=[act.slug, annex.pk])).status_code == 403
    assert Annex.objects.get().removed_at is None


def test_post_only_pages_answer_405_to_get(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("acts:annex_add", args=[act.slug])).status_code == 405
    assert client.get(reverse("acts:comment", args=[act.slug])).status_code == 405
