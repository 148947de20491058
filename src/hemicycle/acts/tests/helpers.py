"""Small builders shared by the act page tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from hemicycle.acts.actions import create_act
from hemicycle.core.roles import Role

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>"


def odt_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def form_data(world, **overrides) -> dict:
    data = {
        "object": "Subvention à l'association Les Amis du Théâtre",
        "nature": "DE",
        "department": world.departments["DAC"].pk,
        "target_sitting_type": "council",
        "report": "<p>La compagnie joue dans les écoles.</p>",
        "visas": ["Vu le code général des collectivités territoriales", "Vu le budget primitif 2026"],
        "considerants": ["Considérant l'intérêt local du projet"],
        "articles": ["Une subvention de 5 000 € est attribuée.", "La dépense est imputée au budget 2026."],
        "classification": "",
        "budget_year": "2026",
        "amount": "5 000,00",
    }
    data.update(overrides)
    return data


def make_act(world, user_key=Role.DRAFTER, **extra):
    data = dict(object="Convention avec le théâtre municipal", visas=["Vu le CGCT"],
                considerants=["Considérant l'intérêt local"], articles=["La convention est approuvée."])
    data.update(extra)
    return create_act(world.users[user_key], department=world.departments["DAC"], year=2026, **data)


def edit_data(act, **overrides) -> dict:
    """The edit form as the page would post it, unchanged."""
    from hemicycle.acts.forms import ActForm

    initial = ActForm.initial_for(act)
    data = {k: v for k, v in initial.items() if v is not None and v is not False}
    data["department"] = act.department_id
    data["lock_version"] = act.lock_version
    data["base_version"] = act.versions.order_by("-number").first().number
    for key in ("confidential", "personal_data"):
        if initial.get(key):
            data[key] = "on"
    data.update(overrides)
    return data
