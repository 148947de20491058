"""Creating an act through the page: fields, visas, considérants, articles and annexes."""

from django.urls import reverse

from hemicycle.acts.models import Act
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

from .helpers import PDF, PNG, docx_bytes, form_data, odt_bytes, upload


def test_drafter_creates_an_act_with_its_text_and_annexes(world, client):
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("acts:create")).status_code == 200
    data = form_data(world, committees=[world.committee.pk], rapporteur=world.members[1].pk,
                     annexes=[upload("plan.pdf", PDF), upload("photo.png", PNG), upload("budget.odt", odt_bytes()),
                              upload("convention.docx", docx_bytes())])
    response = client.post(reverse("acts:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    act = Act.objects.get(authority=world.authority)
    assert response["Location"] == reverse("acts:detail", args=[act.slug])
    assert act.slug == act.reference.replace(" ", "-")
    assert act.visas == ["Vu le code général des collectivités territoriales", "Vu le budget primitif 2026"]
    assert act.considerants == ["Considérant l'intérêt local du projet"]
    assert act.articles == ["Une subvention de 5 000 € est attribuée.", "La dépense est imputée au budget 2026."]
    assert str(act.amount) == "5000.00" and act.budget_year == 2026
    assert act.rapporteur == world.members[1] and list(act.committees.all()) == [world.committee]
    assert act.drafter == world.users[Role.DRAFTER]

    annexes = list(act.annexes.order_by("position"))
    assert [(a.original_name, a.mime_type) for a in annexes] == [
        ("plan.pdf", "application/pdf"), ("photo.png", "image/png"),
        ("budget.odt", "application/vnd.oasis.opendocument.text"),
        ("convention.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    assert blobs.get(annexes[0].sha256) == PDF
    assert JournalEntry.objects.filter(action="act.annex_added", object_id=str(act.pk)).count() == 4

    page = client.get(response["Location"]).content.decode()
    assert "Vu le budget primitif 2026" in page and "Article 2" in page and "plan.pdf" in page
    assert "Délibère".upper() in page

    download = client.get(reverse("acts:annex_download", args=[act.slug, annexes[0].pk]))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]


def test_blank_rows_are_dropped_and_order_is_kept(world, client):
    client.force_login(world.users[Role.DRAFTER])
    client.post(reverse("acts:create"), form_data(world, articles=["Premier", "", "  ", "Second"]))
    assert Act.objects.get().articles == ["Premier", "Second"]


def test_department_outside_the_drafters_scope_is_refused(world, client):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(world, department=world.departments["DFPE"].pk))
    assert response.status_code == 400
    assert not Act.objects.exists()
    assert "Vous ne pouvez pas rédiger pour cette direction." in response.content.decode()


def test_object_over_500_characters_is_refused_with_the_text_kept(world, client):
    client.force_login(world.users[Role.DRAFTER])
    response = client.post(reverse("acts:create"), form_data(world, object="x" * 501))
    assert response.status_code == 400
    assert "ne peut pas dépasser 500 caractères" in response.content.decode()
    assert "Vu le budget primitif 2026" in response.content.decode()
    assert not Act.objects.exists()
