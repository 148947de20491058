"""Who may prepare, see and download final documents; links from the sitting and act pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.documents import final
from hemicycle.documents.models import FinalDocument

from .final_helpers import decided_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(world):
    decided = decided_world(world)
    documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    return decided, [final.render_final(d) for d in documents]


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.APPROVER, Role.SIGNATORY, Role.ADMINISTRATOR, Role.MEMBER])
def test_only_the_secretariat_prepares(world, role):
    decided = decided_world(world)
    with pytest.raises(PermissionDenied):
        final.prepare_finals(world.users[role], decided.sitting)
    assert not FinalDocument.objects.exists()


def test_other_authority_secretariat_cannot_prepare(world, other_world):
    decided = decided_world(world)
    with pytest.raises(PermissionDenied):
        final.prepare_finals(other_world.users[Role.SECRETARIAT], decided.sitting)


def test_drafter_cannot_post_generation(world, client):
    decided = decided_world(world)
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("documents:sitting_finals_generate", args=[decided.sitting.slug]))
    assert response.status_code == 403
    assert not FinalDocument.objects.exists()


@pytest.mark.parametrize("role,status", [
    (Role.SECRETARIAT, 200), (Role.SIGNATORY, 200), (Role.ADMINISTRATOR, 200), (Role.DRAFTER, 200),
    ("drafter2", 403), (Role.APPROVER, 403), (Role.MEMBER, 403), (Role.PARTNER, 403),
])
def test_final_pdf_rights(world, client, rendered, role, status):
    decided, documents = rendered
    act = decided.adopted[0]  # drafted in the DAC: the DAC drafter may read it, the DFPE drafter not
    client.force_login(world.users[role])
    response = client.get(reverse("documents:final_pdf", args=[act.slug]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_final_pdf_serves_the_signed_file_once_signed(world, client, rendered):
    from hemicycle.core import blobs

    decided, documents = rendered
    signed = blobs.put(blobs.get(documents[0].pdf_sha256) + b"\n% signed\n")
    FinalDocument.objects.filter(pk=documents[0].pk).update(signed_sha256=signed, state=FinalDocument.State.SIGNED)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.get(reverse("documents:final_pdf", args=[documents[0].act.slug]))
    assert response.content.endswith(b"% signed\n") and "definitif-signe.pdf" in response["Content-Disposition"]


def test_final_pdf_is_404_before_rendering(world, client):
    decided = decided_world(world)
    final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(reverse("documents:final_pdf", args=[decided.adopted[0].slug])).status_code == 404


def test_signatory_sees_the_page_without_the_button(world, client, rendered):
    decided, _ = rendered
    client.force_login(world.users[Role.SIGNATORY])
    page = client.get(reverse("documents:sitting_finals", args=[decided.sitting.slug])).content.decode()
    assert decided.adopted[0].reference in page and "Générer les actes définitifs" not in page
    assert reverse("documents:sign_queue") in page


def test_sitting_page_links_to_finals_when_closed(world, client):
    from hemicycle.sittings.models import Sitting

    decided = decided_world(world)
    url = reverse("documents:sitting_finals", args=[decided.sitting.slug])
    client.force_login(world.users[Role.SECRETARIAT])
    assert url in client.get(reverse("sittings:detail", args=[decided.sitting.slug])).content.decode()
    Sitting.objects.filter(pk=decided.sitting.pk).update(state=Sitting.State.OPEN)
    assert url not in client.get(reverse("sittings:detail", args=[decided.sitting.slug])).content.decode()


def test_act_page_shows_the_final_document(world, client, rendered):
    decided, documents = rendered
    act = decided.adopted[1]
    client.force_login(world.users[Role.DRAFTER])
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert "Document définitif" in page and "Délibération n° 2" in page
    assert reverse("documents:final_pdf", args=[act.slug]) in page
    assert "Anne Lefèvre, Maire de Villeneuve-sur-Test" in page
    client.force_login(world.users[Role.APPROVER])  # may see the act, not the final PDF
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert "Document définitif" in page and reverse("documents:final_pdf", args=[act.slug]) not in page
    # An act without final document has no such section.
    page = client.get(reverse("acts:detail", args=[decided.acts[3].slug])).content.decode()
    assert "Document définitif" not in page
