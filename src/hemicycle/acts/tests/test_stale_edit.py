"""Optimistic locking on the edit page: a save based on an outdated page is refused, the user's
text is kept, and only an explicit confirmation saves it over the current version."""

from django.urls import reverse

from hemicycle.acts.models import Act
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user

from .helpers import edit_data, make_act


def test_stale_edit_is_refused_with_the_text_kept(world, client):
    act = make_act(world)
    colleague = make_user(world.authority, "collegue", [Role.DRAFTER], world.departments["DAC"],
                          first="Claire", last="Collègue", role_department=world.departments["DAC"])
    url = reverse("acts:edit", args=[act.slug])
    opened = edit_data(act)  # the drafter opens the page (lock_version 1)…

    client.force_login(colleague)  # …meanwhile a colleague saves a change
    assert client.post(url, edit_data(act, articles=["Article du collègue."])).status_code == 302

    client.force_login(world.users[Role.DRAFTER])
    mine = {**opened, "articles": ["Mon article, rédigé longuement."], "visas": ["Vu mon visa"]}
    response = client.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Cet acte a été modifié par Claire Collègue le" in page
    assert "Votre texte est conservé ci-dessous ; comparez avec la version actuelle puis enregistrez à nouveau." in page
    assert "Mon article, rédigé longuement." in page and "Vu mon visa" in page
    assert reverse("acts:version", args=[act.slug, 2]) in page
    assert "<del>" in page and "<ins>" in page  # what saving would change in the current version
    act.refresh_from_db()
    assert act.articles == ["Article du collègue."]

    # Submitting again without confirming is still refused: nothing is silently overwritten.
    again = {**mine, "seen_lock_version": response.context["stale"]["seen_lock_version"]}
    assert client.post(url, again).status_code == 409
    assert Act.objects.get(pk=act.pk).articles == ["Article du collègue."]

    # Once the user confirms having read the current version, the save goes through.
    response = client.post(url, {**again, "confirm_current": "on"})
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.articles == ["Mon article, rédigé longuement."]
    assert act.versions.count() == 3


def test_confirmation_does_not_cover_a_later_change(world, client):
    act = make_act(world)
    url = reverse("acts:edit", args=[act.slug])
    client.force_login(world.users[Role.DRAFTER])
    opened = edit_data(act)
    client.post(url, edit_data(act, object="Deuxième objet"))
    response = client.post(url, {**opened, "object": "Mon objet"})
    seen = response.context["stale"]["seen_lock_version"]
    act.refresh_from_db()
    client.post(url, edit_data(act, object="Troisième objet"))  # yet another save after the conflict
    response = client.post(url, {**opened, "object": "Mon objet", "seen_lock_version": seen, "confirm_current": "on"})
    assert response.status_code == 409
    assert Act.objects.get(pk=act.pk).object == "Troisième objet"


def test_missing_lock_version_is_treated_as_stale(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    data = edit_data(act, object="Sans verrou")
    del data["lock_version"]
    assert client.post(reverse("acts:edit", args=[act.slug]), data).status_code == 409
    assert Act.objects.get(pk=act.pk).object != "Sans verrou"
