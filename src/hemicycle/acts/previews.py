"""Annex previews: the page count of a PDF, and a text rendition of ODT/DOCX files.

The text rendition is made here, without LibreOffice: the ODT/DOCX file is a zip; its main
part (``content.xml`` for ODT, ``word/document.xml`` for DOCX) is read with a size cap (zip
bombs), parsed with lxml with entity resolution, DTD loading and network access off, and any
document carrying a DOCTYPE is refused. Headings, paragraphs, list items and table cells are
taken in document order into a small structure of plain strings, which the preview page
renders escaped — never the XML itself.

Results are cached per file content (SHA-256) in Django's cache: the same bytes always give
the same rendition, so an entry never goes stale. Failures are cached as a code too; the
French message is chosen when the page is shown.

A rendition is a dict:
``{"blocks": [...], "truncated": bool}`` or ``{"error": code}``, where each block is one of
``{"kind": "heading", "level": 1-6, "text": str}``, ``{"kind": "paragraph", "text": str}``,
``{"kind": "list", "items": [{"level": 0-8, "text": str}, ...]}``,
``{"kind": "table", "rows": [[str, ...], ...]}``.
"""

import io
import logging
import re
import zipfile
import zlib

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from lxml import etree

from hemicycle.core import blobs

from .annexes import DOCX, JPEG, ODT, PDF, PNG

logger = logging.getLogger(__name__)

MAX_PART_BYTES = 20 * 1024 * 1024  # a decompressed XML part above this is refused (zip bomb)
MAX_BLOCKS = 5000  # headings + paragraphs + list items + table rows shown
MAX_CHARS = 1_000_000  # characters of text shown
CACHE_PREFIX = "acts.annex-preview.v1"
CACHE_SECONDS = 7 * 24 * 3600

TEXT_TYPES = (ODT, DOCX)
IMAGE_TYPES = (PNG, JPEG)
INLINE_TYPES = (PDF, PNG, JPEG)

KIND_LABELS = {PDF: _("Document PDF"), ODT: _("Texte ODT"), DOCX: _("Texte DOCX"), PNG: _("Image PNG"),
               JPEG: _("Image JPEG")}

ERROR_MESSAGES = {
    "not_zip": _("Ce fichier n'a pas pu être ouvert : l'archive ODT/DOCX semble endommagée. "
                 "Téléchargez-le pour l'ouvrir dans votre traitement de texte."),
    "missing_part": _("Ce fichier ne contient pas le texte du document : il semble endommagé. "
                      "Téléchargez-le pour l'ouvrir dans votre traitement de texte."),
    "too_large": _("Le texte de ce document est trop volumineux pour être affiché en aperçu "
                   "(plus de 20 Mo une fois décompressé). Téléchargez le fichier pour le lire."),
    "bad_xml": _("Le texte de ce document n'a pas pu être lu : le fichier semble endommagé ou protégé "
                 "par un mot de passe. Téléchargez-le pour l'ouvrir dans votre traitement de texte."),
    "doctype": _("Ce document contient des déclarations XML non autorisées (DOCTYPE) : il n'est pas "
                 "affiché en aperçu. Téléchargez-le pour l'ouvrir dans votre traitement de texte."),
    "pdf_unreadable": _("Le nombre de pages de ce PDF n'a pas pu être lu : le fichier semble endommagé. "
                        "Si l'aperçu ci-dessous reste vide, téléchargez le fichier."),
    "pdf_encrypted": _("Ce PDF est protégé par un mot de passe : son nombre de pages ne peut pas être lu "
                       "et l'aperçu peut rester vide. Téléchargez le fichier pour l'ouvrir."),
    "missing_file": _("Le fichier de cette annexe est introuvable sur le stockage : l'aperçu est impossible. "
                      "Signalez-le à l'administrateur."),
    "altered_file": _("Le fichier de cette annexe a été altéré sur le stockage : il n'est pas affiché. "
                      "Signalez-le à l'administrateur."),
    "no_preview": _("Aucun aperçu n'est disponible pour ce type de fichier : téléchargez-le."),
}


class PreviewError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def error_message(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, ERROR_MESSAGES["bad_xml"]))


def _cached(kind: str, annex, compute):
    """``compute(data)`` for the annex's bytes, cached by content. Missing or altered files
    raise (FileNotFoundError, blobs.BlobIntegrityError) and are not cached."""
    key = f"{CACHE_PREFIX}.{kind}.{annex.sha256}"
    result = cache.get(key)
    if result is None:
        data = blobs.get(annex.sha256)
        try:
            result = compute(data)
        except PreviewError as exc:
            result = {"error": exc.code}
        cache.set(key, result, CACHE_SECONDS)
    return result


# --- PDF ------------------------------------------------------------------------------------

def _pdf_info(data: bytes) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 — any failure means we cannot read it
                raise PreviewError("pdf_encrypted") from None
        return {"pages": len(reader.pages)}
    except PreviewError:
        raise
    except FileNotDecryptedError:
        raise PreviewError("pdf_encrypted") from None
    except Exception:  # noqa: BLE001 — pypdf raises many kinds of errors on damaged files
        logger.info("PDF illisible pour l'aperçu", exc_info=True)
        raise PreviewError("pdf_unreadable") from None


def pdf_info(annex) -> dict:
    """``{"pages": n}`` or ``{"error": code}``."""
    return _cached("pdf", annex, _pdf_info)


# --- Reading the zip and the XML --------------------------------------------------------------

def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PreviewError("not_zip") from None


def _read_part(archive: zipfile.ZipFile, name: str, *, required: bool = True) -> bytes | None:
    """The decompressed bytes of one member, refusing anything above MAX_PART_BYTES whatever
    its header claims."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise PreviewError("missing_part") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise PreviewError("too_large")
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError, zlib.error):
        raise PreviewError("not_zip") from None
    if len(data) > MAX_PART_BYTES:
        raise PreviewError("too_large")
    return data


def parse_xml(data: bytes):
    """Parse without resolving entities, loading DTDs or using the network; refuse a DOCTYPE."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise PreviewError("bad_xml") from None
    if root is None:
        raise PreviewError("bad_xml")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PreviewError("doctype")
    return root


class _Full(Exception):
    """Raised to stop walking once the rendition reached its limits."""


class _Builder:
    def __init__(self):
        self.blocks: list[dict] = []
        self.truncated = False
        self._count = 0
        self._chars = 0

    def _account(self, text_length: int) -> None:
        if self._count >= MAX_BLOCKS or self._chars + text_length > MAX_CHARS:
            self.truncated = True
            raise _Full
        self._count += 1
        self._chars += text_length

    def heading(self, level: int, text: str) -> None:
        text = text.strip()
        if text:
            self._account(len(text))
            self.blocks.append({"kind": "heading", "level": max(1, min(level, 6)), "text": text})

    def paragraph(self, text: str) -> None:
        text = text.strip()
        if text:
            self._account(len(text))
            self.blocks.append({"kind": "paragraph", "text": text})

    def item(self, level: int, text: str) -> None:
        text = text.strip()
        if not text:
            return
        self._account(len(text))
        item = {"level": max(0, min(level, 8)), "text": text}
        if self.blocks and self.blocks[-1]["kind"] == "list":
            self.blocks[-1]["items"].append(item)
        else:
            self.blocks.append({"kind": "list", "items": [item]})

    def table(self, rows: list[list[str]]) -> None:
        kept = []
        for row in rows:
            cells = [c.strip() for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            self._account(sum(len(c) for c in cells))
            kept.append(cells)
            if len(kept) == 1:  # the table shows from its first non-empty row on
                self.blocks.append({"kind": "table", "rows": kept})
        if kept:
            width = max(len(r) for r in kept)
            for r in kept:
                r.extend([""] * (width - len(r)))

    def result(self) -> dict:
        return {"blocks": self.blocks, "truncated": self.truncated}


# --- DOCX -----------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _w_val(element, path: str):
    found = element.find(path)
    return None if found is None else found.get(_w("val"))


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# Inside a paragraph, these subtrees carry no text of the paragraph itself: properties, deleted
# revisions, drawings and embedded objects (text boxes would come out of order), and the
# fallback half of markup-compatibility blocks (a duplicate of the chosen half).
_DOCX_SKIP = {_w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("drawing"), _w("pict"), _w("object"),
              _w("instrText"), _w("delText"), f"{{{MC_NS}}}Fallback"}
_DOCX_HEADING_ID = re.compile(r"(?:heading|titre|berschrift|titolo)\s*(\d)$", re.IGNORECASE)


def _docx_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _DOCX_SKIP:
            continue
        if tag == _w("t"):
            parts.append(child.text or "")
        elif tag == _w("tab") or tag == _w("ptab"):
            parts.append("\t")
        elif tag in (_w("br"), _w("cr")):
            parts.append("\n")
        elif tag == _w("noBreakHyphen"):
            parts.append("-")
        else:
            _docx_text(child, parts)


def _docx_paragraph_text(p) -> str:
    parts: list[str] = []
    _docx_text(p, parts)
    return "".join(parts)


def _docx_styles(archive: zipfile.ZipFile) -> dict:
    """styleId → (heading level or None, is a list style), following ``basedOn``."""
    data = _read_part(archive, "word/styles.xml", required=False)
    if data is None:
        return {}
    root = parse_xml(data)
    raw = {}
    for style in root.iter(_w("style")):
        if style.get(_w("type")) != "paragraph" or not style.get(_w("styleId")):
            continue
        name = (_w_val(style, _w("name")) or "").strip().lower()
        level = None
        match = re.fullmatch(r"heading (\d)", name)
        if match:
            level = int(match.group(1))
        elif name == "title":
            level = 1
        outline = _int(_w_val(style, f"{_w('pPr')}/{_w('outlineLvl')}"))
        if level is None and outline is not None and 0 <= outline <= 8:
            level = outline + 1
        is_list = style.find(f"{_w('pPr')}/{_w('numPr')}") is not None or name.startswith("list")
        raw[style.get(_w("styleId"))] = (level, is_list, _w_val(style, _w("basedOn")))
    resolved = {}
    for style_id in raw:
        level, is_list, parent = raw[style_id]
        seen = {style_id}
        while parent in raw and parent not in seen and (level is None or not is_list):
            seen.add(parent)
            p_level, p_list, parent_next = raw[parent]
            level = level if level is not None else p_level
            is_list = is_list or p_list
            parent = parent_next
        resolved[style_id] = (level, is_list)
    return resolved


def _docx_paragraph(p, styles: dict, out: _Builder) -> None:
    text = _docx_paragraph_text(p)
    if not text.strip():
        return
    style_id = _w_val(p, f"{_w('pPr')}/{_w('pStyle')}")
    level, is_list = styles.get(style_id, (None, False))
    if style_id and style_id not in styles:
        match = _DOCX_HEADING_ID.search(style_id)
        if match:
            level = int(match.group(1))
        elif style_id.lower() in ("title", "titre"):
            level = 1
    outline = _int(_w_val(p, f"{_w('pPr')}/{_w('outlineLvl')}"))
    if outline is not None:
        level = outline + 1 if 0 <= outline <= 8 else None
    numbering = p.find(f"{_w('pPr')}/{_w('numPr')}")
    if level is not None:
        out.heading(level, text)
    elif numbering is not None or is_list:
        ilvl = _int(_w_val(numbering, f"{_w('ilvl')}"), 0) if numbering is not None else 0
        out.item(ilvl, text)
    else:
        out.paragraph(text)


def _docx_cell_text(cell) -> str:
    return "\n".join(t for t in (_docx_paragraph_text(p).strip() for p in cell.iter(_w("p"))) if t)


def _docx_rows(table):
    for child in table:
        if child.tag == _w("tr"):
            yield [_docx_cell_text(cell) for cell in child if cell.tag in (_w("tc"), _w("sdt"))]
        elif child.tag in (_w("sdt"), _w("customXml")):
            content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if content is not None:
                yield from _docx_rows(content)


def _docx_blocks(container, styles: dict, out: _Builder) -> None:
    for child in container:
        tag = child.tag
        if tag == _w("p"):
            _docx_paragraph(child, styles, out)
        elif tag == _w("tbl"):
            out.table(list(_docx_rows(child)))
        elif tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                _docx_blocks(content, styles, out)
        elif tag in (_w("customXml"), _w("ins"), _w("moveTo"), f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"):
            _docx_blocks(child, styles, out)


def docx_rendition(data: bytes) -> dict:
    archive = _open_zip(data)
    root = parse_xml(_read_part(archive, "word/document.xml"))
    styles = _docx_styles(archive)
    body = root.find(_w("body"))
    if body is None:
        raise PreviewError("missing_part")
    out = _Builder()
    try:
        _docx_blocks(body, styles, out)
    except _Full:
        pass
    return out.result()


# --- ODT ------------------------------------------------------------------------------------

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
SVG_NS = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def _t(tag: str) -> str:
    return f"{{{TEXT_NS}}}{tag}"


def _tb(tag: str) -> str:
    return f"{{{TABLE_NS}}}{tag}"


_SPACES = re.compile(r"[ \t\r\n]+")
# Subtrees that are not the running text: notes and comments (they would break the sentence),
# tracked deletions, declarations, index templates, forms, drawings.
_ODT_SKIP = {_t("note"), _t("tracked-changes"), _t("sequence-decls"), _t("variable-decls"),
             _t("user-field-decls"), _t("dde-connection-decls"), f"{{{OFFICE_NS}}}annotation",
             f"{{{OFFICE_NS}}}forms", _t("soft-page-break")}


def _odt_skipped(tag) -> bool:
    if not isinstance(tag, str) or tag in _ODT_SKIP:
        return True
    if tag.startswith((f"{{{DRAW_NS}}}", f"{{{SVG_NS}}}")):
        return True
    return tag.endswith("-source")  # text:table-of-content-source and other index templates


def _odt_inline(element, parts: list[str]) -> None:
    """ODF text: runs of white space count as one space; text:s, text:tab, text:line-break are
    the explicit ones."""
    parts.append(_SPACES.sub(" ", element.text or ""))
    for child in element:
        tag = child.tag
        if tag == _t("s"):
            parts.append(" " * max(1, min(_int(child.get(_t("c")), 1), 100)))
        elif tag == _t("tab"):
            parts.append("\t")
        elif tag == _t("line-break"):
            parts.append("\n")
        elif not _odt_skipped(tag):
            _odt_inline(child, parts)
        parts.append(_SPACES.sub(" ", child.tail or ""))


def _odt_text(element) -> str:
    parts: list[str] = []
    _odt_inline(element, parts)
    return "\n".join(line.strip(" ") for line in "".join(parts).split("\n"))


def _odt_cell_text(cell) -> str:
    texts = []
    for el in cell.iter(_t("p"), _t("h")):
        text = _odt_text(el).strip()
        if text:
            texts.append(text)
    return "\n".join(texts)


def _odt_rows(container):
    for child in container:
        tag = child.tag
        if tag == _tb("table-row"):
            yield [_odt_cell_text(cell) for cell in child if cell.tag == _tb("table-cell")]
        elif tag in (_tb("table-header-rows"), _tb("table-rows"), _tb("table-row-group")):
            yield from _odt_rows(child)


def _odt_blocks(container, out: _Builder, list_level: int | None = None) -> None:
    for child in container:
        tag = child.tag
        if _odt_skipped(tag):
            continue
        if tag == _t("h"):
            out.heading(_int(child.get(_t("outline-level")), 1), _odt_text(child))
        elif tag == _t("p"):
            if list_level is None:
                out.paragraph(_odt_text(child))
            else:
                out.item(list_level, _odt_text(child))
        elif tag == _t("list"):
            level = 0 if list_level is None else list_level + 1
            for entry in child:
                if entry.tag in (_t("list-item"), _t("list-header")):
                    _odt_blocks(entry, out, level)
        elif tag == _tb("table"):
            out.table(list(_odt_rows(child)))
        else:  # sections, index bodies and other containers of paragraphs
            _odt_blocks(child, out, list_level)


def odt_rendition(data: bytes) -> dict:
    archive = _open_zip(data)
    root = parse_xml(_read_part(archive, "content.xml"))
    body = root.find(f"{{{OFFICE_NS}}}body/{{{OFFICE_NS}}}text")
    if body is None:
        raise PreviewError("missing_part")
    out = _Builder()
    try:
        _odt_blocks(body, out)
    except _Full:
        pass
    return out.result()


def text_rendition(annex) -> dict:
    """The cached text rendition of an ODT or DOCX annex (see the module docstring)."""
    if annex.mime_type == ODT:
        return _cached("odt", annex, odt_rendition)
    if annex.mime_type == DOCX:
        return _cached("docx", annex, docx_rendition)
    return {"error": "no_preview"}
