"""Private annotations synced from the browser: create, update, list; the latest edit wins;
nobody else — another member, the secretariat — can read them."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.portal.models import Annotation

from .helpers import member_user

DOC = "2026-11-14/dossier-3"


def _note(client_id="note-0001-abcdef", text="Voir le montant page 12", page=4, when=None, document=DOC, **extra):
    when = when or timezone.now()
    return {"client_id": client_id, "document": document, "page": page, "text": text,
            "updated_at": when.isoformat(), **extra}


def _post(client, notes, **extra):
    return client.post(reverse("portal:annotations"), data=json.dumps({"annotations": notes, **extra}),
                       content_type="application/json")


@pytest.mark.django_db
def test_create_update_and_list(client, sw, colleague):
    client.force_login(colleague)
    t0 = timezone.now() - datetime.timedelta(hours=1)
    response = _post(client, [_note(when=t0)])
    assert response.status_code == 200
    data = response.json()
    assert data["results"][0]["status"] == "created"
    assert data["annotations"][0]["text"] == "Voir le montant page 12"

    # A later edit (from another device) replaces it.
    response = _post(client, [_note(text="Montant corrigé", page=5, when=t0 + datetime.timedelta(minutes=5))])
    assert response.json()["results"][0]["status"] == "updated"
    note = Annotation.objects.get()
    assert (note.text, note.page, note.member) == ("Montant corrigé", 5, sw.members[1])

    listing = client.get(reverse("portal:annotations"), {"document": DOC}).json()["annotations"]
    assert [(n["client_id"], n["text"], n["page"]) for n in listing] == [("note-0001-abcdef", "Montant corrigé", 5)]
    assert client.get(reverse("portal:annotations"), {"document": "2026-11-14/acte-1"}).json()["annotations"] == []
    # Private: nothing of them goes to the journal, which the administration reads.
    assert not JournalEntry.objects.filter(data__icontains="Montant corrigé").exists()


@pytest.mark.django_db
def test_last_write_wins(client, sw, colleague):
    client.force_login(colleague)
    now = timezone.now()
    _post(client, [_note(text="Version récente", when=now - datetime.timedelta(minutes=1))])
    # An older edit arriving late (a tablet back online) does not overwrite the newer one.
    response = _post(client, [_note(text="Version ancienne", when=now - datetime.timedelta(minutes=30))])
    result = response.json()["results"][0]
    assert result["status"] == "kept"
    assert result["annotation"]["text"] == "Version récente"
    assert Annotation.objects.get().text == "Version récente"
    # A deletion is a tombstone that other devices learn of.
    _post(client, [_note(text="", when=now, deleted=True)])
    listing = client.get(reverse("portal:annotations"), {"document": DOC}).json()["annotations"]
    assert listing[0]["deleted"] is True
    # A clock running ahead cannot make an edit win for ever.
    _post(client, [_note(text="Horloge en avance", when=now + datetime.timedelta(days=365))])
    assert Annotation.objects.get().updated_at <= timezone.now()


@pytest.mark.django_db
def test_another_member_cannot_read_or_overwrite(client, world, sw, colleague):
    client.force_login(colleague)
    _post(client, [_note(text="Note privée de l'élu")])
    other = member_user(world, sw.members[2], "elu-voisin")
    client.force_login(other)
    assert client.get(reverse("portal:annotations")).json()["annotations"] == []
    assert client.get(reverse("portal:annotations"), {"document": DOC}).json()["annotations"] == []
    # The same client_id from another member is another note: the first one is untouched.
    response = _post(client, [_note(text="Autre note", when=timezone.now() + datetime.timedelta(minutes=1))])
    assert response.json()["results"][0]["status"] == "created"
    assert Annotation.objects.get(member=sw.members[1]).text == "Note privée de l'élu"
    assert Annotation.objects.filter(member=sw.members[2]).count() == 1
    for role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
        client.force_login(world.users[role])
        assert client.get(reverse("portal:annotations")).status_code == 403


@pytest.mark.django_db
def test_invalid_input_gets_a_clear_answer(client, sw, colleague):
    client.force_login(colleague)
    assert client.post(reverse("portal:annotations"), data="{pas du json", content_type="application/json").status_code == 400
    assert _post(client, "pas une liste").status_code == 400
    results = _post(client, [_note(client_id="x"), _note(page=0), _note(document="../etc"), "texte",
                             _note(client_id="note-ok-123456")]).json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "invalid", "invalid", "created"]
    assert "identifiant" in results[0]["error"]
    assert client.get(reverse("portal:annotations"), {"document": "pas un document"}).status_code == 400
    assert client.put(reverse("portal:annotations")).status_code == 405


@pytest.mark.django_db
def test_form_post_without_javascript(client, sw, colleague):
    from .helpers import convene

    conv = convene(sw.sitting, pack=b"%PDF-1.4\n%%EOF\n")
    client.force_login(colleague)
    viewer = reverse("portal:document", args=[sw.sitting.slug, f"dossier-{conv.pk}"])
    document = f"{sw.sitting.slug}/dossier-{conv.pk}"
    response = client.post(reverse("portal:annotations"), {"document": document, "page": "2",
                                                           "text": "À relire", "next": viewer})
    assert response.status_code == 302 and response["Location"] == viewer
    html = client.get(viewer).content.decode()
    assert "À relire" in html
    assert client.post(reverse("portal:annotations"), {"document": document, "page": "2", "text": "",
                                                       "next": "https://ailleurs.example/"})["Location"] == "/elu/"
