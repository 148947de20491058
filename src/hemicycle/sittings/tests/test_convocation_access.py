"""Access to the convocation pages: the secretariat only (others 403, anonymous to the login
page), another authority's user gets 404 on every page; the personal link is public."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from hemicycle.accounts.models import RoleAssignment
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.sittings.samples_convocation import url_samples

pytestmark = pytest.mark.django_db

PUBLIC = {"sittings:convocation_link", "sittings:convocation_link_document"}
OTHERS = [Role.DRAFTER, Role.APPROVER, Role.MEMBER, Role.SIGNATORY, Role.ADMINISTRATOR, Role.PARTNER]


@pytest.fixture
def urls(world):
    return {name: reverse(name, kwargs=kwargs) for name, kwargs in url_samples(world).items()}


def test_secretariat_gets_every_page(world, client, urls):
    client.force_login(world.users[Role.SECRETARIAT])
    for name, url in urls.items():
        assert client.get(url).status_code in (200, 302, 405), name


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused(world, client, urls, role):
    client.force_login(world.users[role])
    for name, url in urls.items():
        expected = 200 if name in PUBLIC else 403
        assert client.get(url).status_code == expected, (name, role)


def test_anonymous_goes_to_login_except_personal_link(client, urls):
    for name, url in urls.items():
        response = client.get(url)
        if name in PUBLIC:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302 and urlparse(response["Location"]).path == reverse("accounts:login")


def test_other_authority_gets_404(world, other_world, client, urls):
    outsider = make_user(other_world.authority, "outsider-convocation", [])
    for role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
        RoleAssignment.objects.create(user=outsider, role=role)
    client.force_login(outsider)
    for name, url in urls.items():
        if name not in PUBLIC:
            assert client.get(url).status_code == 404, name


def test_posting_is_refused_to_other_roles(world, client, urls):
    client.force_login(world.users[Role.ADMINISTRATOR])
    assert client.post(urls["sittings:convocation_send"], {"override": "on", "override_reason": "x"}).status_code == 403
    assert client.post(urls["sittings:convocation_addendum"]).status_code == 403
