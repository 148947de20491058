"""Every URL × every role: each view declares an access rule, and the rule holds.

For every named URL of the project (Django's admin aside, which has its own staff check):
- the view carries an ``access_rule`` (core/access.py);
- anonymous visitors are sent to the login page unless the rule is public;
- each role gets 403 where the rule refuses it, and a page (200/302/405) where it allows it,
  except the object-level refusals listed in OBJECT_LEVEL_DENIED;
- a user of another authority, holding every role, gets 404 on any URL naming an object.

A new URL with parameters must add how to build them to SAMPLES, or this test fails.
"""

from urllib.parse import urlparse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hemicycle.accounts.models import RoleAssignment
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user

ROLES = [Role.DRAFTER, Role.APPROVER, Role.SECRETARIAT, Role.MEMBER, Role.SIGNATORY, Role.ADMINISTRATOR, Role.PARTNER]
SKIP_NAMESPACES = {"admin"}


def all_named_urls():
    found = []

    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append((name, p.callback, list(p.pattern.converters), prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return [u for u in found if u[0].split(":")[0] not in SKIP_NAMESPACES]


def build_samples(world):
    """Objects of `world` that URL parameters point to, by URL name."""
    from hemicycle.core.samples import url_samples

    return url_samples(world)


def _object_level_denied():
    """url name → roles refused by object-level checks although the view's rule admits them."""
    from hemicycle.core.samples import object_level_denied

    return object_level_denied()


OBJECT_LEVEL_DENIED = _object_level_denied()


@pytest.fixture
def matrix(world, other_world):
    samples = build_samples(world)
    outsider = make_user(other_world.authority, "outsider-all-roles", [])
    for role in ROLES:
        RoleAssignment.objects.create(user=outsider, role=role)
    return samples, outsider


def test_every_view_declares_an_access_rule():
    missing = [name for name, callback, _, _ in all_named_urls() if not hasattr(callback, "access_rule")]
    assert not missing, f"Vues sans règle d'accès : {missing}"


def _url(name, converters, samples):
    if not converters:
        return reverse(name)
    assert name in samples, f"{name} a des paramètres : ajoutez un exemple dans core/samples.py"
    return reverse(name, kwargs=samples[name])


def test_anonymous_is_sent_to_login_unless_public(matrix, client):
    samples, _ = matrix
    for name, callback, converters, _ in all_named_urls():
        response = client.get(_url(name, converters, samples))
        if callback.access_rule.public:
            assert response.status_code in (200, 302, 405), (name, response.status_code)
        else:
            assert response.status_code == 302, (name, response.status_code)
            assert urlparse(response["Location"]).path == reverse("accounts:login"), name


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_rule_says(matrix, world, client, role):
    samples, _ = matrix
    user = world.users[role]
    client.force_login(user)
    for name, callback, converters, _ in all_named_urls():
        if name == "accounts:logout":
            continue
        response = client.get(_url(name, converters, samples))
        allowed = callback.access_rule.allows(user) and role not in OBJECT_LEVEL_DENIED.get(name, ())
        if allowed:
            assert response.status_code in (200, 302, 405), (name, role, response.status_code)
        else:
            assert response.status_code == 403, (name, role, response.status_code)


def test_other_authority_sees_nothing(matrix, client):
    samples, outsider = matrix
    client.force_login(outsider)
    for name, callback, converters, _ in all_named_urls():
        if not converters or callback.access_rule.public:
            continue
        response = client.get(_url(name, converters, samples))
        assert response.status_code == 404, (name, response.status_code)
