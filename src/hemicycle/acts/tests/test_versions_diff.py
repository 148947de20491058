"""Every saved change is a version; the diff page shows what changed between any two."""

from django.urls import reverse

from hemicycle.acts.actions import update_act
from hemicycle.acts.diff import content_lines
from hemicycle.core.roles import Role

from .helpers import edit_data, make_act


def test_edit_through_the_page_makes_a_version_with_its_summary(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    client.post(reverse("acts:edit", args=[act.slug]),
                edit_data(act, articles=["La convention est approuvée pour trois ans."], summary="Durée"))
    page = client.get(reverse("acts:versions", args=[act.slug])).content.decode()
    assert "Version 2" in page and "Durée" in page and world.users[Role.DRAFTER].display_name in page


def test_diff_shows_insertions_and_deletions(world, client):
    act = make_act(world, report="<p>Premier paragraphe.</p>")
    drafter = world.users[Role.DRAFTER]
    act = update_act(drafter, act, lock_version=1, visas=["Vu le CGCT", "Vu l'avis de la commission"],
                     articles=["La convention est approuvée pour trois ans."], report="<p>Premier paragraphe.</p>")
    act = update_act(drafter, act, lock_version=2, considerants=[])
    response = client.get(reverse("acts:diff", args=[act.slug, 1, 2]))
    assert response.status_code == 302  # login first
    client.force_login(world.users[Role.APPROVER])
    page = client.get(reverse("acts:diff", args=[act.slug, 1, 2])).content.decode()
    assert "<ins>Vu l&#x27;avis de la commission</ins>" in page
    assert "<ins> pour trois ans</ins>" in page
    assert 'class="hc-diff' in page
    page = client.get(reverse("acts:diff", args=[act.slug, 2, 3])).content.decode()
    assert "<del>Considérant l&#x27;intérêt local</del>" in page
    # Choosing two versions on the list leads to the diff.
    response = client.get(reverse("acts:versions", args=[act.slug]), {"a": "3", "b": "1"})
    assert response["Location"] == reverse("acts:diff", args=[act.slug, 1, 3])


def test_text_rendering_covers_the_whole_content(world):
    act = make_act(world, report="<p>Motifs <strong>forts</strong></p><ul><li>un</li></ul>")
    lines = content_lines(act.content_snapshot())
    assert "Objet : Convention avec le théâtre municipal" in lines
    assert "Motifs forts" in lines and "• un" in lines
    assert "Vu le CGCT" in lines and "Article 1 : La convention est approuvée." in lines


def test_unknown_version_is_404(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("acts:diff", args=[act.slug, 1, 9])).status_code == 404
    assert client.get(reverse("acts:version", args=[act.slug, 1])).status_code == 200
