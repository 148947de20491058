"""The dashboard, the act page's panel and the legality page, as the secretariat uses them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.legality import actions
from hemicycle.legality.models import Transmission

from .transmit_fixtures import operator, signed_acts  # noqa: F401

State = Transmission.State
pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_dashboard_transmits_the_selection(world, operator, signed_acts, client, django_capture_on_commit_callbacks):
    _login(client, world.users[Role.SECRETARIAT])
    page = client.get(reverse("legality:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Transmettre la sélection" in html and all(a.reference in html for a in signed_acts)
    assert "Contrôle de légalité" in html  # nav entry
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("legality:transmit_selection"), {"acts": [a.pk for a in signed_acts]},
                               follow=True)
    assert "mis en transmission" in response.content.decode()
    assert Transmission.objects.filter(state=State.POSTED).count() == len(signed_acts)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("legality:poll"))
    html = client.get(reverse("legality:dashboard")).content.decode()
    assert "Acquittés récemment" in html and "075-217500016-" in html and "jusqu'au" in html


def test_dashboard_is_for_the_secretariat(world, client):
    for role in (Role.DRAFTER, Role.SIGNATORY, Role.MEMBER):
        client.logout()
        _login(client, world.users[role])
        assert client.get(reverse("legality:dashboard")).status_code == 403


def test_act_page_panel_and_answer(world, operator, signed_acts, client, django_capture_on_commit_callbacks):
    act = signed_acts[0]
    _login(client, world.users[Role.SECRETARIAT])
    detail = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert 'id="legalite"' in detail and "Transmettre" in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("legality:transmit", args=[act.slug]))
    t = actions.poll(Transmission.objects.get(act=act))
    detail = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert t.id_acte in detail and "Délai de déféré jusqu'au" in detail
    operator.send_prefecture_document(int(t.operator_id), "demande_pieces")
    actions.poll_authority(world.authority)
    request = t.messages.get(kind="DemandePieceComplementaire")
    page = client.get(reverse("legality:act", args=[act.slug])).content.decode()
    assert f'id="answer-{request.pk}"' in page and "Demande de pièces complémentaires" in page
    # Refused input: the page says why and keeps the text typed.
    refused = client.post(reverse("legality:answer", args=[act.slug, request.pk]), {"text": "Mon courrier"})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Joignez au moins une pièce" in body and "Mon courrier" in body
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "seuls les fichiers PDF" in client.post(reverse("legality:answer", args=[act.slug, request.pk]),
                                                   {"text": "x", "files": [bad]}).content.decode()
    pdf = SimpleUploadedFile("avis.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    done = client.post(reverse("legality:answer", args=[act.slug, request.pk]), {"text": "Voici.", "files": [pdf]})
    assert done.status_code == 302
    t.refresh_from_db()
    assert t.state == State.ACKNOWLEDGED and t.messages.filter(kind="PieceComplementaire").count() == 1
    # Files of the exchange are downloadable by staff who may view the act.
    letter = client.get(reverse("legality:message_file", args=[act.slug, request.pk, 1]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    archive = client.get(reverse("legality:archive", args=[act.slug, t.pk]))
    assert archive.status_code == 200 and archive.content[:2] == b"\x1f\x8b"


def test_drafter_sees_the_panel_without_actions(world, operator, signed_acts, client):
    act = signed_acts[0]
    _login(client, world.users[Role.DRAFTER])
    detail = client.get(reverse("acts:detail", args=[act.slug]))
    html = detail.content.decode()
    assert 'id="legalite"' in html and reverse("legality:transmit", args=[act.slug]) not in html
    assert client.post(reverse("legality:transmit", args=[act.slug])).status_code == 403


def test_other_authority_gets_404(world, other_world, operator, signed_acts, client, django_capture_on_commit_callbacks):
    act = signed_acts[0]
    with django_capture_on_commit_callbacks(execute=True):
        t = actions.transmit(world.users[Role.SECRETARIAT], act)
    _login(client, other_world.users[Role.SECRETARIAT])
    for name, args in [("legality:act", [act.slug]), ("legality:transmit", [act.slug]),
                       ("legality:cancel", [act.slug, t.pk]), ("legality:archive", [act.slug, t.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
        assert client.post(reverse(name, args=args)).status_code == 404, name
    html = client.get(reverse("legality:dashboard")).content.decode()
    assert act.reference not in html
