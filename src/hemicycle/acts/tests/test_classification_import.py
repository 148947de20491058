"""Importing the prefecture's classification (RetourClassification): the real example file,
re-imports, malformed and hostile XML, the management command and the upload page."""

from html import unescape
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hemicycle.acts.classification import (ClassificationError, classification_tree, default_classification_bytes,
                                           import_classification, load_default_classification)
from hemicycle.acts.models import ClassificationVersion, Matiere
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

NS = 'xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216"'


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def small(date="2024-01-15", body=None) -> bytes:
    body = body or ('<actes:Matiere1 actes:CodeMatiere="7" actes:Libelle="Finances locales">'
                    '<actes:Matiere2 actes:CodeMatiere="5" actes:Libelle="Subventions">'
                    '<actes:Matiere3 actes:CodeMatiere="1" actes:Libelle="demandes de subventions"/>'
                    '</actes:Matiere2></actes:Matiere1>')
    return (f'<actes:RetourClassification {NS}><actes:DateClassification>{date}</actes:DateClassification>'
            f'<actes:Matieres>{body}</actes:Matieres></actes:RetourClassification>').encode()


def test_example_file_is_imported_with_dotted_codes_and_levels(world):
    result = load_default_classification(world.authority)
    assert result.created and result.version.version_date.isoformat() == "2017-12-08"
    version = result.version
    assert version.matieres.count() == result.count == 291
    assert Matiere.objects.get(version=version, code="7.5").label == "Subventions"
    assert Matiere.objects.get(version=version, code="7.5.1").level == 3
    assert Matiere.objects.get(version=version, code="1").level == 1
    assert Matiere.objects.get(version=version, code="6.1.10").label == ""  # blank in the real file
    assert blobs.get(version.source_sha256) == default_classification_bytes()
    entry = JournalEntry.objects.get(action="classification.imported")
    assert entry.data["matieres"] == 291 and entry.authority_id == world.authority.pk
    tree = classification_tree(version)
    first = tree[0]
    assert first["code"] == "1" and [c["code"] for c in first["children"]][:2] == ["1.1", "1.2"]
    codes = [c["code"] for c in first["children"][0]["children"]]
    assert codes.index("1.1.2") < codes.index("1.1.10")  # natural order, not text order


def test_same_version_date_changes_nothing(world):
    first = import_classification(world.authority, small())
    again = import_classification(world.authority, small(body='<actes:Matiere1 actes:CodeMatiere="9" actes:Libelle="Autre"/>'))
    assert not again.created and again.version == first.version
    assert again.message == "La classification du 15/01/2024 est déjà importée : rien n'a été modifié."
    assert list(first.version.matieres.values_list("code", flat=True).order_by("code")) == ["7", "7.5", "7.5.1"]
    assert JournalEntry.objects.filter(action="classification.imported").count() == 1
    newer = import_classification(world.authority, small(date="2025-03-01"))
    assert newer.created and ClassificationVersion.objects.filter(authority=world.authority).count() == 2


@pytest.mark.parametrize("content, message", [
    (b"<actes:RetourClassification", "n'est pas un XML bien formé"),
    (b"", "Le fichier est vide."),
    (b"<html><body>Bonjour</body></html>", "n'est pas une classification @CTES"),
    (small(date="15/01/2024"), "n'est pas au format AAAA-MM-JJ"),
    (small(body='<actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Mal placée"/>'), "mal placé"),
    (small(body='<actes:Matiere1 actes:CodeMatiere="1" actes:Libelle="A"/>'
                '<actes:Matiere1 actes:CodeMatiere="1" actes:Libelle="B"/>'), "figure deux fois"),
    (small(body='<actes:Matiere1 actes:CodeMatiere="1.2" actes:Libelle="A"/>'), "Code de matière « 1.2 » invalide"),
])
def test_bad_files_are_refused_and_nothing_is_written(world, content, message):
    with pytest.raises(ClassificationError) as excinfo:
        import_classification(world.authority, content)
    assert message in str(excinfo.value)
    assert not ClassificationVersion.objects.exists() and not Matiere.objects.exists()


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<actes:RetourClassification ' + NS.encode()
                  + b'><actes:DateClassification>&lol9;</actes:DateClassification></actes:RetourClassification>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   b'<actes:RetourClassification ' + NS.encode() + b'><actes:DateClassification>&xxe;'
                   b'</actes:DateClassification></actes:RetourClassification>')


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY,
                                     BILLION_LAUGHS.replace(b'"1.0"?', b'"1.0" encoding="UTF-16"?').decode().encode("utf-16")])
def test_entity_tricks_are_refused(world, content):
    with pytest.raises(ClassificationError) as excinfo:
        import_classification(world.authority, content)
    assert "refusée par sécurité" in str(excinfo.value)
    assert not ClassificationVersion.objects.exists()


def test_size_limit(world, monkeypatch):
    monkeypatch.setattr("hemicycle.acts.classification.MAX_CLASSIFICATION_BYTES", 1000)
    with pytest.raises(ClassificationError, match="dépasse"):
        import_classification(world.authority, default_classification_bytes())


def test_management_command(world, tmp_path):
    path = tmp_path / "classification.xml"
    path.write_bytes(default_classification_bytes())
    out = StringIO()
    call_command("import_classification", "--authority", world.authority.slug, str(path), stdout=out)
    assert "Classification du 08/12/2017 importée : 291 matières." in out.getvalue()
    out = StringIO()
    call_command("import_classification", "--authority", world.authority.slug, str(path), stdout=out)
    assert "déjà importée" in out.getvalue()
    with pytest.raises(CommandError, match="inconnue"):
        call_command("import_classification", "--authority", "nulle-part", str(path))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<pas du xml")
    with pytest.raises(CommandError, match="XML bien formé"):
        call_command("import_classification", "--authority", world.authority.slug, str(bad))


def test_upload_page(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    url = reverse("organisation:classification")
    response = client.post(url, {"file": SimpleUploadedFile("c.xml", b"<oops")})
    assert response.status_code == 200
    assert "pas un XML bien formé" in unescape(response.content.decode())
    assert not ClassificationVersion.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("c.xml", default_classification_bytes())}, follow=True)
    page = unescape(response.content.decode())
    assert "Classification du 08/12/2017 importée : 291 matières." in page
    assert "Subventions" in page and "7.5.1" in page
    response = client.post(url, {"file": SimpleUploadedFile("c.xml", default_classification_bytes())}, follow=True)
    assert "déjà importée" in unescape(response.content.decode())


def test_secretariat_sees_the_tree_but_cannot_upload(client, world):
    load_default_classification(world.authority)
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("organisation:classification")
    page = client.get(url).content.decode()
    assert "Subventions" in page and 'type="file"' not in page
    assert client.post(url, {"file": SimpleUploadedFile("c.xml", small())}).status_code == 403
    assert ClassificationVersion.objects.count() == 1
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(url).status_code == 403
