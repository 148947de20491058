"""The reference method of B0: one ODT document per act, as ODT/DOCX-template systems make them,
then LibreOffice headless converts them to PDF.

The ODT carries the same content and layout as the Typst template (header, object, report with
headings, lists and bold/italic runs, visas, considérants, articles, footer "page X / Y"); it is
built from the same prepared data (``hemicycle.documents.render.prepare_act``).
"""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from hemicycle.documents.render import prepare_act

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"')

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {ns}>
 <office:font-face-decls>
  <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm"/>
   <style:text-properties style:font-name="Liberation Serif" fo:font-size="11pt" fo:language="fr" fo:country="FR" fo:hyphenate="true"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text">
   <style:paragraph-properties fo:text-align="justify"/>
  </style:style>
  <style:style style:name="Footer" style:family="paragraph" style:class="extra">
   <style:paragraph-properties fo:border-top="0.4pt solid #a0a0a0" fo:padding-top="0.1cm">
    <style:tab-stops><style:tab-stop style:position="16.2cm" style:type="right"/></style:tab-stops>
   </style:paragraph-properties>
   <style:text-properties fo:font-size="8.5pt" fo:color="#5a5a5a"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2.2cm"
     fo:margin-bottom="1.2cm" fo:margin-left="2.4cm" fo:margin-right="2.4cm"/>
   <style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.4cm"/></style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:footer><text:p text:style-name="Footer">{reference}<text:tab/>{page} <text:page-number text:select-page="current"/> / <text:page-count/></text:p></style:footer>
  </style:master-page>
 </office:master-styles>
</office:document-styles>"""

PARAGRAPH_STYLES = """
  <style:style style:name="PAuth" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0cm" fo:text-align="start"/>
   <style:text-properties fo:font-size="12pt" fo:font-weight="bold" fo:text-transform="uppercase"/></style:style>
  <style:style style:name="PSmall" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0cm" fo:text-align="start"/>
   <style:text-properties fo:font-size="9.5pt"/></style:style>
  <style:style style:name="PTitle" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0cm" fo:text-align="end"/>
   <style:text-properties fo:font-size="12pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="PRight" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0cm" fo:text-align="end"/>
   <style:text-properties fo:font-size="9.5pt"/></style:style>
  <style:style style:name="PRule" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:border-bottom="0.6pt solid #000000" fo:padding-bottom="0.1cm" fo:margin-bottom="0.4cm"/></style:style>
  <style:style style:name="PObject" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="PSection" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.3cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="10pt" fo:font-weight="bold" fo:text-transform="uppercase" fo:letter-spacing="0.05em"/></style:style>
  <style:style style:name="PH3" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.35cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="11.5pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="PH4" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.3cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-weight="bold" fo:font-style="italic"/></style:style>
  <style:style style:name="PQuote" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-left="1.2cm" fo:border-left="1.5pt solid #aaaaaa" fo:padding-left="0.3cm"/></style:style>
  <style:style style:name="PVerb" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="center" fo:margin-top="0.45cm" fo:margin-bottom="0.4cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="11.5pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="PArticle" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="PCell" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="start" fo:margin-bottom="0cm"/>
   <style:text-properties fo:font-size="9.5pt"/></style:style>
  <style:style style:name="THead" style:family="table"><style:table-properties style:width="16.2cm" table:align="margins"/></style:style>
  <style:style style:name="TCell" style:family="table-cell">
   <style:table-cell-properties fo:padding="0.1cm" fo:border="0.4pt solid #787878"/></style:style>
  <text:list-style style:name="LBullet">
   <text:list-level-style-bullet text:level="1" text:bullet-char="•">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.9cm" fo:text-indent="-0.5cm" fo:margin-left="0.9cm"/>
    </style:list-level-properties></text:list-level-style-bullet>
   <text:list-level-style-bullet text:level="2" text:bullet-char="‣">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="1.6cm" fo:text-indent="-0.5cm" fo:margin-left="1.6cm"/>
    </style:list-level-properties></text:list-level-style-bullet>
  </text:list-style>
  <text:list-style style:name="LNumber">
   <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix=".">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.9cm" fo:text-indent="-0.5cm" fo:margin-left="0.9cm"/>
    </style:list-level-properties></text:list-level-style-number>
  </text:list-style>"""

FLAG_PROPERTIES = {"b": 'fo:font-weight="bold"', "i": 'fo:font-style="italic"',
                   "u": 'style:text-underline-style="solid" style:text-underline-width="auto" '
                        'style:text-underline-color="font-color"',
                   "s": 'style:text-line-through-style="solid"', "sup": 'style:text-position="super 58%"',
                   "sub": 'style:text-position="sub 58%"'}


def _text(s: str) -> str:
    """Plain text with its line breaks."""
    return "<text:line-break/>".join(escape(line) for line in s.split("\n"))


class _Writer:
    def __init__(self):
        self.parts: list[str] = []
        self.text_styles: dict[tuple, str] = {}

    def style_for(self, flags: tuple) -> str:
        if flags not in self.text_styles:
            self.text_styles[flags] = f"T{len(self.text_styles) + 1}"
        return self.text_styles[flags]

    def runs(self, runs: list[dict]) -> str:
        out = []
        for r in runs:
            if "br" in r:
                out.append("<text:line-break/>")
                continue
            flags = tuple(sorted(k for k in r if k in FLAG_PROPERTIES))
            piece = escape(r["x"])
            if flags:
                piece = f'<text:span text:style-name="{self.style_for(flags)}">{piece}</text:span>'
            if "a" in r:
                piece = f'<text:a xlink:type="simple" xlink:href={quoteattr(r["a"])}>{piece}</text:a>'
            out.append(piece)
        return "".join(out)

    def p(self, style: str, inner: str):
        self.parts.append(f'<text:p text:style-name="{style}">{inner}</text:p>')

    def blocks(self, blocks: list[dict], para_style: str = "Standard"):
        for b in blocks:
            if b["t"] == "p":
                self.p(para_style, self.runs(b["runs"]))
            elif b["t"] == "h":
                self.p("PH3" if b["level"] == 3 else "PH4", self.runs(b["runs"]))
            elif b["t"] == "list":
                self.parts.append(f'<text:list text:style-name="{"LNumber" if b["ordered"] else "LBullet"}">')
                for item in b["items"]:
                    self.parts.append("<text:list-item>")
                    self.blocks(item, para_style)
                    self.parts.append("</text:list-item>")
                self.parts.append("</text:list>")
            elif b["t"] == "quote":
                self.blocks(b["blocks"], "PQuote")
            elif b["t"] == "table":
                self.parts.append(f'<table:table table:style-name="THead"><table:table-column '
                                  f'table:number-columns-repeated="{b["cols"]}"/>')
                for row in b["rows"]:
                    self.parts.append("<table:table-row>")
                    for cell in row:
                        span = cell["span"]
                        attrs = f' table:number-columns-spanned="{span}"' if span > 1 else ""
                        self.parts.append(f'<table:table-cell table:style-name="TCell"{attrs} office:value-type="string">')
                        start = len(self.parts)
                        self.blocks(cell["blocks"], "PCell")
                        if len(self.parts) == start:
                            self.p("PCell", "")
                        self.parts.append("</table:table-cell>" + "<table:covered-table-cell/>" * (span - 1))
                    self.parts.append("</table:table-row>")
                self.parts.append("</table:table>")

    def content(self, d: dict) -> str:
        L = d["labels"]
        self.p("PAuth", escape(d["authority"]))
        if d["department"]:
            self.p("PSmall", escape(d["department"]))
        self.p("PTitle", escape(d["title"]))
        if d["reference"]:
            self.p("PRight", escape(d["reference"]))
        self.p("PRule", escape(d["sitting"]))
        self.p("PObject", f"{escape(L['object'])}\u00a0: {_text(d['object'])}")
        if d["rapporteur"]:
            self.p("Standard", f"{escape(L['rapporteur'])}\u00a0: {escape(d['rapporteur'])}")
        if d["report"]:
            self.p("PSection", escape(L["report"]))
            self.blocks(d["report"])
        self.p("PSection", escape(d["title"]))
        if d["preamble"]:
            self.p("Standard", escape(d["preamble"]))
        for line in d["visas"] + d["considerants"]:
            self.p("Standard", _text(line))
        self.p("PVerb", escape(d["verb"]) + "\u00a0:")
        for i, article in enumerate(d["articles"], 1):
            self.p("PArticle", f"{escape(L['article'])} {i}\u00a0:")
            for para in article.split("\n\n"):
                self.p("Standard", _text(para.strip()))
        body = "".join(self.parts)
        text_styles = "".join(
            f'<style:style style:name="{name}" style:family="text"><style:text-properties '
            f'{" ".join(FLAG_PROPERTIES[f] for f in flags)}/></style:style>'
            for flags, name in self.text_styles.items())
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>'
                f"<office:automatic-styles>{PARAGRAPH_STYLES}{text_styles}</office:automatic-styles>"
                f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")


def act_odt(data: dict) -> bytes:
    """A valid ODT text document of the act (same input as ``render_act_pdf``)."""
    prepared = prepare_act(data)
    content = _Writer().content(prepared)
    styles = STYLES.format(ns=NS, reference=escape(prepared["reference"]), page=escape(prepared["labels"]["page"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", MANIFEST)
        z.writestr("content.xml", content)
        z.writestr("styles.xml", styles)
    return buf.getvalue()
