"""Who sees an act's pages: 404 for other authorities, 403 for members and partners, and
confidential acts only for those entitled."""

import pytest
from django.urls import reverse

from hemicycle.acts.actions import add_annex
from hemicycle.acts.models import Act
from hemicycle.acts.permissions import can_view, visible_acts
from hemicycle.core.roles import Role

from .helpers import PDF, make_act


def act_urls(act, annex):
    s = act.slug
    return [reverse("acts:detail", args=[s]), reverse("acts:edit", args=[s]), reverse("acts:history", args=[s]),
            reverse("acts:versions", args=[s]), reverse("acts:version", args=[s, 1]),
            reverse("acts:diff", args=[s, 1, 1]), reverse("acts:annex_download", args=[s, annex.pk]),
            reverse("acts:annex_add", args=[s]), reverse("acts:annex_flags", args=[s, annex.pk]),
            reverse("acts:annex_remove", args=[s, annex.pk]), reverse("acts:comment", args=[s])]


@pytest.fixture
def act_and_annex(world):
    act = make_act(world)
    return act, add_annex(world.users[Role.DRAFTER], act, filename="a.pdf", content=PDF)


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.APPROVER, Role.SECRETARIAT, Role.ADMINISTRATOR])
def test_other_authority_gets_404_on_every_act_page(world, other_world, act_and_annex, client, role):
    act, annex = act_and_annex
    client.force_login(other_world.users[role])
    for url in act_urls(act, annex):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "x", "published": "on"}).status_code == 404, url
    assert not act.comments.exists() and act.annexes.get().published


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PARTNER])
def test_members_and_partners_get_403(world, act_and_annex, client, role):
    act, annex = act_and_annex
    client.force_login(world.users[role])
    for url in act_urls(act, annex) + [reverse("acts:list"), reverse("acts:create")]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("acts:comment", args=[act.slug]), {"body": "x"}).status_code == 403


def test_staff_of_the_authority_can_read_but_only_editors_edit(world, act_and_annex, client):
    act, _annex = act_and_annex
    for role in (Role.APPROVER, Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR):
        client.force_login(world.users[role])
        assert client.get(reverse("acts:detail", args=[act.slug])).status_code == 200
        assert client.get(reverse("acts:edit", args=[act.slug])).status_code == 403
    client.force_login(world.users[Role.DRAFTER])
    page = client.get(reverse("acts:edit", args=[act.slug])).content.decode()
    assert reverse("documents:act_preview", args=[act.slug]) in page
    assert 'formtarget="act-preview"' in page and "Actualiser l’aperçu" in page


def test_post_by_a_viewer_who_cannot_edit_is_refused_with_the_text_kept(world, act_and_annex, client):
    act, _annex = act_and_annex
    from .helpers import edit_data

    client.force_login(world.users[Role.APPROVER])
    response = client.post(reverse("acts:edit", args=[act.slug]), edit_data(act, object="Objet de l'approbateur"))
    assert response.status_code == 403
    assert "Objet de l&#x27;approbateur" in response.content.decode()
    assert Act.objects.get(pk=act.pk).object != "Objet de l'approbateur"


def test_confidential_act_is_hidden_from_those_not_entitled(world, client):
    secret = make_act(world, object="Protocole transactionnel confidentiel", confidential=True)
    public = make_act(world, object="Convention ordinaire")
    approver = world.users[Role.APPROVER]
    assert not can_view(approver, secret)
    client.force_login(approver)
    page = client.get(reverse("acts:list")).content.decode()
    assert "Convention ordinaire" in page and "Protocole transactionnel" not in page
    assert client.get(reverse("acts:detail", args=[secret.slug])).status_code == 403
    client.force_login(world.users[Role.SECRETARIAT])
    assert "Protocole transactionnel" in client.get(reverse("acts:list")).content.decode()
    # The list's query and can_view agree for everyone.
    for user in world.users.values():
        listed = set(visible_acts(user, Act.objects.all()).values_list("pk", flat=True))
        assert listed == {a.pk for a in (secret, public) if can_view(user, a)}, user


def test_confidential_annex_is_not_downloadable_by_a_non_entitled_viewer(world, client):
    act = make_act(world)
    drafter = world.users[Role.DRAFTER]
    annex = add_annex(drafter, act, filename="donnees.pdf", content=PDF, title="Liste nominative", confidential=True)
    client.force_login(world.users[Role.APPROVER])
    assert client.get(reverse("acts:annex_download", args=[act.slug, annex.pk])).status_code == 403
    assert "Liste nominative" not in client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(reverse("acts:annex_download", args=[act.slug, annex.pk])).status_code == 200
