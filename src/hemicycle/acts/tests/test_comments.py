"""Comments: threaded replies, @mentions notify the mentioned user, the drafter is told."""

from django.urls import reverse

from hemicycle.acts.models import Comment
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification

from .helpers import make_act


def test_mention_notifies_and_drafter_gets_a_comment_notification(world, client):
    act = make_act(world)
    approver, approver2 = world.users[Role.APPROVER], world.users["approver2"]
    client.force_login(approver)
    response = client.post(reverse("acts:comment", args=[act.slug]),
                           {"body": f"@{approver2.username}, pouvez-vous relire l'article 2 ?"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert list(comment.mentions.all()) == [approver2]

    mention = Notification.objects.get(user=approver2)
    assert mention.kind == "mention" and mention.act == act
    assert mention.url.endswith(f"#commentaire-{comment.pk}")
    assert Notification.objects.get(user=world.users[Role.DRAFTER]).kind == "comment"
    assert not Notification.objects.filter(user=approver).exists()
    entry = JournalEntry.objects.get(action="act.comment_added")
    assert entry.object_id == str(act.pk) and entry.data["mentions"] == [approver2.username]


def test_reply_is_threaded_and_notifies_the_parent_author(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.APPROVER])
    client.post(reverse("acts:comment", args=[act.slug]), {"body": "Le montant est-il juste ?"})
    parent = Comment.objects.get()
    client.force_login(world.users[Role.DRAFTER])
    client.post(reverse("acts:comment", args=[act.slug]), {"body": "Oui, vérifié.", "parent": parent.pk})
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent
    assert Notification.objects.filter(user=world.users[Role.APPROVER], kind="comment").count() == 1
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert page.index("Le montant est-il juste ?") < page.index("Oui, vérifié.")
    assert f'id="commentaire-{reply.pk}"' in page


def test_mention_of_someone_without_access_does_not_notify_and_is_reported(world, client, other_world):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    outsider = other_world.users[Role.APPROVER]
    response = client.post(reverse("acts:comment", args=[act.slug]),
                           {"body": f"Voir avec @{world.users[Role.MEMBER].username} et @{outsider.username}."},
                           follow=True)
    assert not Notification.objects.exists()
    assert "Non notifié(s)" in response.content.decode()


def test_empty_comment_is_refused(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:comment", args=[act.slug]), {"body": "   "})
    assert response.status_code == 400
    assert not Comment.objects.exists()
