"""Adding, removing and moving visas/considérants/articles works without JavaScript."""

from django.urls import reverse

from hemicycle.acts.models import Act
from hemicycle.core.roles import Role

from .helpers import form_data


def test_row_buttons_rearrange_without_saving(world, client):
    client.force_login(world.users[Role.DRAFTER])
    url = reverse("acts:create")
    response = client.post(url, form_data(world, articles=["A", "B", "C"], _op="up:articles:2"))
    assert response.status_code == 200 and not Act.objects.exists()
    assert response.context["form"]["articles"].value() == ["A", "C", "B"]
    response = client.post(url, form_data(world, articles=["A", "B", "C"], _op="remove:articles:0"))
    assert response.context["form"]["articles"].value() == ["B", "C"]
    response = client.post(url, form_data(world, visas=["V1"], _op="add:visas"))
    groups = {g["name"]: g["items"] for g in response.context["line_groups"]}
    assert groups["visas"] == ["V1", ""]
    assert "Vu le budget primitif" not in response.content.decode()  # visas replaced by ["V1"]
    assert not response.context["form"].errors
    # Then the normal save keeps the order chosen.
    client.post(url, form_data(world, articles=["A", "C", "B"]))
    assert Act.objects.get().articles == ["A", "C", "B"]
