"""Rich text of the report: scripts and handlers are removed, and the user is told."""

from django.urls import reverse

from hemicycle.acts.models import Act
from hemicycle.core.roles import Role

from .helpers import edit_data, form_data, make_act

WARNING = "contenait des éléments non autorisés"


def test_script_is_removed_and_the_user_warned_on_creation(world, client):
    client.force_login(world.users[Role.DRAFTER])
    report = '<p onclick="steal()">Texte <strong>important</strong><script>alert(1)</script></p>'
    response = client.post(reverse("acts:create"), form_data(world, report=report), follow=True)
    act = Act.objects.get()
    assert "<script" not in act.report and "onclick" not in act.report and "alert(1)" not in act.report
    assert "<strong>important</strong>" in act.report
    assert WARNING in response.content.decode()


def test_clean_report_gives_no_warning(world, client):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(
        world, report="<p>Un <em>texte</em> <a href=\"https://example.org\">propre</a>.</p><ul><li>point</li></ul>"),
        follow=True)
    assert WARNING not in response.content.decode()


def test_script_removed_on_edit_too(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:edit", args=[act.slug]),
                           edit_data(act, report='<p>Motifs</p><img src=x onerror="alert(1)">'), follow=True)
    act.refresh_from_db()
    assert "onerror" not in act.report and "<img" not in act.report and "Motifs" in act.report
    assert WARNING in response.content.decode()
    assert "alert(1)" not in client.get(reverse("acts:detail", args=[act.slug])).content.decode()


def test_resaving_a_stored_report_with_a_link_gives_no_false_warning(world, client):
    act = make_act(world, report='<p>Voir <a href="https://example.org">le site</a>.</p>')
    assert 'rel="noopener noreferrer"' in act.report
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:edit", args=[act.slug]), edit_data(act, object="Objet revu"), follow=True)
    assert "Modifications enregistrées" in response.content.decode()
    assert WARNING not in response.content.decode()
