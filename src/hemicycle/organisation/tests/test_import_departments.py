"""CSV import of departments: parents from the file or the database, cycles and duplicates refused."""

from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Department

URL = "organisation:departments_import"


def text(response) -> str:
    return unescape(response.content.decode())


def upload(client, content: bytes):
    return client.post(reverse(URL), {"step": "preview", "file": SimpleUploadedFile("d.csv", content)})


def test_preview_errors_then_confirm_valid_lines(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    content = ("code;nom;code_parent\n"
               "DAC-PAT;Bureau du patrimoine;DAC\n"       # 2 parent in database
               "DAC-PAT-1;Section archives;DAC-PAT\n"      # 3 parent in the file
               "DAC-PAT;Doublon;\n"                        # 4 duplicate code
               "DSIN;Systèmes d'information;DINC\n"        # 5 unknown parent
               "A;Boucle A;B\n"                            # 6 cycle
               "B;Boucle B;A\n"                            # 7 cycle
               "fin-x;Sous-direction financière;\n"        # 8 lower case is fine
               "ZZ;;\n"                                    # 9 missing name
               "Z Z;Espace;\n").encode()                  # 10 bad code
    before = Department.objects.count()
    response = upload(client, content)
    plan = response.context["plan"]
    errors = {(e.line, e.column): e.message for e in plan.errors}
    assert errors[(4, "code")] == "Code « DAC-PAT » en double (déjà ligne 2)."
    assert errors[(5, "code_parent")].startswith("Direction parente « DINC » inconnue")
    assert errors[(6, "code_parent")].startswith("Rattachement circulaire : A → B → A")
    assert (7, "code_parent") in errors
    assert errors[(9, "nom")] == "Nom manquant."
    assert errors[(10, "code")].startswith("Code « Z Z » invalide")
    assert plan.to_create == 3
    assert "Ligne 5, colonne code_parent" in text(response)
    assert Department.objects.count() == before
    response = client.post(reverse(URL), {"step": "confirm", "sha256": plan.sha256}, follow=True)
    assert "3 création(s)" in text(response)
    pat = Department.objects.get(authority=world.authority, code="DAC-PAT")
    assert pat.parent == world.departments["DAC"] and pat.name == "Bureau du patrimoine"
    assert Department.objects.get(authority=world.authority, code="DAC-PAT-1").parent == pat
    assert Department.objects.get(authority=world.authority, code="FIN-X").parent is None
    assert not Department.objects.filter(code__in=["A", "B", "DSIN", "ZZ"]).exists()
    assert JournalEntry.objects.filter(action="organisation.department_created").count() == 3


def test_update_moves_existing_department_and_refuses_db_cycle(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    dac = world.departments["DAC"]
    child = Department.objects.create(authority=world.authority, code="DAC-1", name="Sous", parent=dac)
    plan = upload(client, b"code;nom;code_parent\nDAC;Culture;DAC-1\n").context["plan"]
    assert plan.errors and plan.errors[0].message.startswith("Rattachement circulaire : DAC → DAC-1 → DAC")
    response = upload(client, "code;nom;code_parent\r\nDFPE;Familles et petite enfance;DAC\r\n".encode("cp1252"))
    plan = response.context["plan"]
    assert plan.to_update == 1 and plan.lines[0].notes
    client.post(reverse(URL), {"step": "confirm", "sha256": plan.sha256})
    dfpe = Department.objects.get(pk=world.departments["DFPE"].pk)
    assert dfpe.parent == dac and dfpe.name == "Familles et petite enfance"
    assert child.parent == dac


def test_other_authority_parent_codes_are_unknown(client, world, other_world):
    Department.objects.create(authority=other_world.authority, code="AILLEURS", name="Ailleurs")
    client.force_login(world.users[Role.ADMINISTRATOR])
    plan = upload(client, b"code;nom;code_parent\nX1;Test;AILLEURS\n").context["plan"]
    assert plan.error_lines == [2]


def test_template_download(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    body = client.get(reverse("organisation:departments_template")).content.decode("utf-8-sig")
    assert body.splitlines()[0] == "code;nom;code_parent"
    plan = upload(client, body.encode("utf-8-sig")).context["plan"]
    assert plan.errors == []
    assert [line.action for line in plan.lines] == ["unchanged", "create"]  # DAC exists with that very name
