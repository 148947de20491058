"""The reference method of B1 for the convocation's own documents: the letter, the agenda (ordre
du jour) and the note explicative de synthèse as ODT documents, as ODT/DOCX-template systems make
them, for LibreOffice headless to convert to PDF.

Each is built from the same render data as the Typst documents (``letter_data``,
``agenda_data``, ``synthesis_data`` of ``hemicycle.sittings.convocation_documents``) with the same
content and layout: header (authority, assembly, title, rule), the agenda as numbered items with
their reference and rapporteur under section headings, the note's items with their paragraphs,
and the footer "page X / Y". The acts themselves are ``bench.odt.act_odt``.
"""

import io
import zipfile
from xml.sax.saxutils import escape

from bench.odt import MANIFEST, NS, PARAGRAPH_STYLES, STYLES

EXTRA_STYLES = """
  <style:style style:name="PHeading" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.2cm" fo:text-align="start"/>
   <style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="PItem" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-left="0.8cm" fo:text-indent="-0.8cm" fo:margin-top="0.15cm"
     fo:margin-bottom="0.05cm" fo:text-align="start"/></style:style>
  <style:style style:name="PRapp" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-left="0.8cm" fo:margin-bottom="0.1cm" fo:text-align="start"/>
   <style:text-properties fo:font-size="9.5pt" fo:font-style="italic"/></style:style>
  <style:style style:name="PNoteItem" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"
     fo:text-align="start"/>
   <style:text-properties fo:font-size="11.5pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="PSign" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-left="8cm" fo:margin-top="0.6cm" fo:text-align="start"/></style:style>
  <style:style style:name="PBreak" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:break-before="page"/></style:style>
  <style:style style:name="TRef" style:family="text"><style:text-properties fo:font-size="9.5pt" fo:color="#464646"/></style:style>
  <style:style style:name="TBold" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>"""


def _lines(text: str) -> str:
    return "<text:line-break/>".join(escape(line) for line in (text or "").split("\n"))


class _Doc:
    def __init__(self, data: dict):
        self.data = data
        self.parts: list[str] = []

    def p(self, style: str, inner: str) -> None:
        self.parts.append(f'<text:p text:style-name="{style}">{inner}</text:p>')

    def header(self) -> None:
        d = self.data
        self.p("PAuth", escape(d["authority"]))
        if d["assembly"]:
            self.p("PSmall", escape(d["assembly"]))
        self.p("PTitle", escape(d["title"]))
        if d["subtitle"]:
            self.p("PRight", escape(d["subtitle"]))
        self.p("PRule", "")

    def agenda(self, items: list[dict]) -> None:
        section = None
        labels = self.data["labels"]
        for it in items:
            if it["section"] and it["section"] != section:
                self.p("PSection", escape(it["section"]))
            section = it["section"] or section
            ref = f' <text:span text:style-name="TRef">({escape(it["reference"])})</text:span>' if it["reference"] else ""
            self.p("PItem", f'<text:span text:style-name="TBold">{it["number"]}.</text:span><text:tab/>'
                            f'{_lines(it["title"])}{ref}')
            if it["rapporteur"]:
                self.p("PRapp", f'{escape(labels["rapporteur"])}\u00a0: {escape(it["rapporteur"])}')

    def odt(self) -> bytes:
        body = "".join(self.parts)
        content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>'
                   f"<office:automatic-styles>{PARAGRAPH_STYLES}{EXTRA_STYLES}</office:automatic-styles>"
                   f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
        styles = STYLES.format(ns=NS, reference=escape(self.data["footer"]), page=escape(self.data["labels"]["page"]))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                       compress_type=zipfile.ZIP_STORED)
            z.writestr("META-INF/manifest.xml", MANIFEST)
            z.writestr("content.xml", content)
            z.writestr("styles.xml", styles)
        return buf.getvalue()


def letter_odt(data: dict) -> bytes:
    """The convocation letter (``letter_data``): one copy per entry of ``letters``."""
    doc = _Doc(data)
    for i, letter in enumerate(data["letters"]):
        if i:
            doc.p("PBreak", "")
        doc.header()
        doc.p("PRight", escape(data["place_date"]))
        doc.p("PSign", "<text:line-break/>".join(escape(line) for line in letter["addressee"]))
        doc.p("PObject", f'{escape(data["labels"]["subject"])}\u00a0: {escape(data["subject"])}')
        for block in data["body"]:
            if block["t"] == "agenda":
                doc.agenda(data["items"])
            else:
                doc.p("Standard", _lines(block["x"]))
        signature = data["signature"]
        doc.p("PSign", escape(signature["function"]) + (
            "<text:line-break/><text:line-break/>" + escape(signature["name"]) if signature["name"] else ""))
    return doc.odt()


def agenda_odt(data: dict) -> bytes:
    """The agenda (``agenda_data``)."""
    doc = _Doc(data)
    doc.header()
    doc.p("PHeading", escape(data["heading"]))
    for fact in data["facts"]:
        doc.p("PSmall", escape(fact))
    doc.agenda(data["items"])
    return doc.odt()


def synthesis_odt(data: dict) -> bytes:
    """The note explicative de synthèse (``synthesis_data``)."""
    doc = _Doc(data)
    doc.header()
    doc.p("PHeading", escape(data["heading"]))
    for fact in data["facts"]:
        doc.p("PSmall", escape(fact))
    for para in data["intro"]:
        doc.p("Standard", _lines(para))
    for it in data["items"]:
        doc.p("PNoteItem", f'{it["number"]}. {_lines(it["title"])}')
        if it["reference"]:
            doc.p("PSmall", escape(it["reference"]))
        if not it["paragraphs"]:
            doc.p("Standard", escape(data["labels"]["empty"]))
        for para in it["paragraphs"]:
            doc.p("Standard", _lines(para))
    return doc.odt()
