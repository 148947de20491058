"""The list of acts: filters, text search, pagination."""

from django.urls import reverse

from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role

from .helpers import make_act


def test_filters_and_search(world, client):
    a = make_act(world, object="Subvention au conservatoire")
    b = make_act(world, object="Tarifs des musées", nature="AR")
    b.__class__.objects.filter(pk=b.pk).update(state=ActState.READY)
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("acts:list")
    page = client.get(url, {"q": "conservatoire"}).content.decode()
    assert "Subvention au conservatoire" in page and "Tarifs des musées" not in page
    page = client.get(url, {"q": a.reference}).content.decode()
    assert "Subvention au conservatoire" in page and "Tarifs des musées" not in page
    page = client.get(url, {"state": "ready"}).content.decode()
    assert "Tarifs des musées" in page and "Subvention au conservatoire" not in page
    page = client.get(url, {"nature": "DE", "department": world.departments["DAC"].pk}).content.decode()
    assert "Subvention au conservatoire" in page and "Tarifs des musées" not in page
    page = client.get(url, {"department": world.departments["DFPE"].pk}).content.decode()
    assert "Aucun acte" in page


def test_pagination(world, client):
    for i in range(27):
        make_act(world, object=f"Acte numéro {i:02d}")
    client.force_login(world.users[Role.DRAFTER])
    first = client.get(reverse("acts:list"), {"q": "numéro"})
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("acts:list"), {"q": "numéro", "page": 2}).content.decode()
    assert "Acte numéro 00" in second and "q=num%C3%A9ro" in second


def test_menu_has_the_acts_entry(world, client):
    client.force_login(world.users[Role.APPROVER])
    assert reverse("acts:list") in client.get(reverse("core:home")).content.decode()
