"""Who reaches the minutes pages: the secretariat of the authority; the public only public pages."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.sittings.samples_minutes import url_samples

SECRETARIAT_PAGES = ["sittings:minutes", "sittings:minutes_edit", "sittings:minutes_pdf"]
SECRETARIAT_POSTS = ["sittings:minutes_draft", "sittings:minutes_submit", "sittings:minutes_list_publish"]
PUBLIC_PAGES = ["sittings:deliberations_list", "sittings:deliberations_list_pdf", "sittings:minutes_public",
                "sittings:minutes_public_pdf"]
OTHERS = [Role.DRAFTER, Role.APPROVER, Role.MEMBER, Role.SIGNATORY, Role.ADMINISTRATOR, Role.PARTNER]


@pytest.fixture
def samples(world):
    return url_samples(world)


def _url(samples, name):
    return reverse(name, kwargs=samples[name])


def test_secretariat_reaches_its_pages(client, world, samples):
    client.force_login(world.users[Role.SECRETARIAT])
    for name in SECRETARIAT_PAGES:
        assert client.get(_url(samples, name)).status_code == 200, name
    for name in SECRETARIAT_POSTS:
        assert client.get(_url(samples, name)).status_code == 405, name
        assert client.post(_url(samples, name)).status_code == 302, name


READABLE_BY_ADMINISTRATORS = ["sittings:minutes", "sittings:minutes_pdf"]


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused(client, world, samples, role):
    client.force_login(world.users[role])
    for name in SECRETARIAT_PAGES + SECRETARIAT_POSTS:
        if role == Role.ADMINISTRATOR and name in READABLE_BY_ADMINISTRATORS:
            continue
        assert client.get(_url(samples, name)).status_code == 403, name
        assert client.post(_url(samples, name)).status_code == 403, name


def test_administrators_read_without_acting(client, world, samples):
    client.force_login(world.users[Role.ADMINISTRATOR])
    page = client.get(_url(samples, "sittings:minutes"))
    assert page.status_code == 200
    assert "Rédiger les débats" not in page.content.decode() and "Soumettre" not in page.content.decode()
    assert client.get(_url(samples, "sittings:minutes_pdf")).status_code == 200


def test_other_authority_gets_404(client, world, other_world, samples):
    outsider = make_user(other_world.authority, "secretariat-ailleurs", [Role.SECRETARIAT])
    client.force_login(outsider)
    for name in SECRETARIAT_PAGES:
        assert client.get(_url(samples, name)).status_code == 404, name
    for name in SECRETARIAT_POSTS:
        assert client.post(_url(samples, name)).status_code == 404, name


def test_anonymous(client, samples):
    for name in PUBLIC_PAGES:
        assert client.get(_url(samples, name)).status_code == 200, name
    for name in SECRETARIAT_PAGES:
        response = client.get(_url(samples, name))
        assert response.status_code == 302 and "/compte/" in response["Location"], name


def test_public_pages_of_a_draft_sitting_are_not_found(client, samples):
    for name in PUBLIC_PAGES:
        url = reverse(name, kwargs=samples["sittings:minutes"])  # draft minutes, list not published
        assert client.get(url).status_code == 404, name
