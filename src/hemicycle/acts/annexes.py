"""What an annex may be: a PDF, an ODT or DOCX text, a PNG or JPEG image — checked by content.

The annexes go to the prefecture, to the members and to the public: a file that claims to be
a PDF but is a web page or a program must never get in. The type is read from the file's
bytes (magic numbers via ``filetype``; for ODT/DOCX, which are zip files, from the zip's own
declaration), and must agree with the file name's extension.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"

EXTENSIONS = {".pdf": PDF, ".odt": ODT, ".docx": DOCX, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
TYPE_NAMES = {PDF: gettext_lazy("un document PDF"), ODT: gettext_lazy("un texte ODT"),
              DOCX: gettext_lazy("un texte DOCX"), PNG: gettext_lazy("une image PNG"),
              JPEG: gettext_lazy("une image JPEG")}
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_DECLARATION_BYTES = 1024 * 1024  # [Content_Types].xml / mimetype entries are tiny


@dataclass(frozen=True)
class CheckedFile:
    name: str
    mime_type: str
    size: int


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return _("%(n)s Mo") % {"n": f"{n / (1024 * 1024):.1f}".replace(".", ",")}
    if n >= 1024:
        return _("%(n)s Ko") % {"n": f"{n / 1024:.0f}"}
    return _("%(n)s octets") % {"n": n}


def safe_name(name: str) -> str:
    """The file's own name, without any directory part a browser might send."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    return base[:255] or "annexe"


def check_size(name: str, size: int) -> None:
    limit = settings.HEMICYCLE_MAX_ANNEX_BYTES
    if size > limit:
        raise ValidationError(
            _("Le fichier « %(name)s » pèse %(size)s : une annexe ne peut pas dépasser %(limit)s."),
            code="too_large", params={"name": name, "size": human_size(size), "limit": human_size(limit)})
    if size == 0:
        raise ValidationError(_("Le fichier « %(name)s » est vide."), code="empty", params={"name": name})


def _zip_declared_type(data: bytes) -> str | None:
    """ODT declares itself in a first stored entry ``mimetype``; DOCX in [Content_Types].xml."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if names and names[0] == "mimetype":
            info = archive.getinfo("mimetype")
            if info.file_size <= 200 and archive.read(info).strip() == ODT.encode():
                return ODT
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size <= MAX_DECLARATION_BYTES and DOCX_MAIN.encode() in archive.read(info):
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<script", b"<body", b"<?xml", b"<svg"))


def detect(data: bytes) -> tuple[str | None, str]:
    """(accepted MIME type or None, what the content really is — in French, for messages)."""
    kind = filetype.guess(data)
    if kind is not None and kind.mime in (ODT, DOCX, "application/zip", "application/epub+zip"):
        declared = _zip_declared_type(data)
        return (declared, str(TYPE_NAMES[declared])) if declared else (None, _("une archive zip"))
    if kind is not None and kind.mime == PDF:
        return PDF, str(TYPE_NAMES[PDF])
    if kind is not None and kind.mime in (PNG, "image/apng"):
        return PNG, str(TYPE_NAMES[PNG])
    if kind is not None and kind.mime == JPEG:
        return JPEG, str(TYPE_NAMES[JPEG])
    if kind is not None and kind.mime in ("application/x-msdownload", "application/x-executable",
                                          "application/x-mach-binary"):
        return None, _("un programme exécutable")
    if _looks_like_html(data):
        return None, _("une page web ou du code (HTML/XML)")
    if kind is not None:
        return None, _("un fichier de type %(mime)s") % {"mime": kind.mime}
    return None, _("un contenu non reconnu")


def inspect_upload(name: str, data: bytes) -> CheckedFile:
    """Accept the file or raise ValidationError with a French message naming it."""
    name = safe_name(name)
    check_size(name, len(data))
    extension = PurePath(name).suffix.lower()
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise ValidationError(
            _("Le fichier « %(name)s » n'est pas d'un type accepté : les annexes peuvent être des PDF, "
              "des textes ODT ou DOCX, ou des images PNG ou JPEG."), code="extension", params={"name": name})
    actual, described = detect(data)
    if actual != expected:
        raise ValidationError(
            _("Le fichier « %(name)s » a été refusé : son nom annonce %(expected)s, mais son contenu est "
              "%(actual)s. Enregistrez-le au bon format puis déposez-le à nouveau."),
            code="disguised", params={"name": name, "expected": str(TYPE_NAMES[expected]), "actual": described})
    return CheckedFile(name=name, mime_type=actual, size=len(data))


def read_upload(uploaded) -> tuple[str, bytes]:
    """Read an UploadedFile after checking its announced size (never read a huge file)."""
    name = safe_name(uploaded.name)
    check_size(name, uploaded.size)
    uploaded.seek(0)
    data = uploaded.read(settings.HEMICYCLE_MAX_ANNEX_BYTES + 1)
    check_size(name, len(data))
    return name, data
