"""The reference method of B2: the final document of an act (deliberation as adopted, with the
sitting, the attendance, the vote and the signatory) as an ODT, the way ODT/DOCX-template
systems make it, for LibreOffice headless to convert to PDF/A-2b.

Same content, order and layout as the Typst template (``documents/typst/final.typ``), built
from the same render data (``hemicycle.documents.final.deliberation_data``): header (republic,
authority, assembly, department; title, reference, date), register title, the sitting's
summary, convocation and secretaries, the attendance box with names, object, rapporteur,
visas, considérants, amendments, the operative verb and articles, every ballot (totals and the
names per vote for public ballots), withdrawals, outcome, closing, place and date, then the
signatory's capacity and name above an empty zone for the visible signature. Footer with the
reference and "page X / Y". Styles and writer from ``bench/odt.py`` (B0's reference).
"""

import io
import zipfile
from xml.sax.saxutils import escape

from bench.odt import MANIFEST, NS, PARAGRAPH_STYLES, STYLES, _text, _Writer

FINAL_STYLES = """
  <style:style style:name="PRepublic" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0cm" fo:text-align="start"/>
   <style:text-properties fo:font-size="8.5pt" fo:letter-spacing="0.08em"/></style:style>
  <style:style style:name="PRegister" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="center" fo:margin-top="0.3cm" fo:margin-bottom="0.3cm"/>
   <style:text-properties fo:font-size="11pt" fo:font-weight="bold" fo:text-transform="uppercase"/></style:style>
  <style:style style:name="PBox" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="start" fo:margin-bottom="0.1cm" fo:border="0.4pt solid #aaaaaa"
     fo:padding="0.15cm"/>
   <style:text-properties fo:font-size="9.5pt"/></style:style>
  <style:style style:name="PVote" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="start" fo:margin-bottom="0.1cm"/>
   <style:text-properties fo:font-size="9.5pt"/></style:style>
  <style:style style:name="POutcome" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.3cm"/>
   <style:text-properties fo:font-size="11pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="PSignatory" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-left="9.3cm" fo:margin-top="0.5cm" fo:margin-bottom="0cm" fo:text-align="start"
     fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="10pt"/></style:style>
  <style:style style:name="PZone" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0cm" fo:padding-top="2.9cm"/></style:style>"""


def _bold(label: str) -> str:
    return f'<text:span text:style-name="{_BOLD}">{escape(label)}\u00a0: </text:span>'


_BOLD = "TB"


def _content(d: dict) -> str:
    L = d["labels"]
    w = _Writer()
    w.p("PRepublic", escape(L["republic"]))
    w.p("PAuth", escape(d["authority"]))
    if d.get("assembly"):
        w.p("PSmall", escape(d["assembly"]))
    if d.get("department"):
        w.p("PSmall", escape(d["department"]))
    w.p("PTitle", escape(d["title"]))
    w.p("PRight", escape(d["reference"]))
    w.p("PRule", escape(d.get("date_line") or ""))
    if d.get("register_title"):
        w.p("PRegister", escape(d["register_title"]))
    s = d.get("sitting")
    if s:
        w.p("Standard", escape(s["summary"]))
        if s.get("convocation"):
            w.p("Standard", _bold(L["convocation"]) + escape(s["convocation"]))
        if s.get("secretaries"):
            w.p("Standard", _bold(L["secretaries"]) + escape(s["secretaries"]))
        a = d["attendance"]
        w.p("PBox", " · ".join(_bold(L[k]) + str(a[c]) for k, c in (
            ("in_office", "in_office"), ("present", "present_count"), ("represented", "represented_count"),
            ("absent", "absent_count"))))
        for key, names in (("present_names", a["present"]), ("represented_names", a["represented"]),
                           ("absent_names", a["absent"])):
            if names:
                w.p("PBox", _bold(L[key]) + escape(", ".join(names)))
        if a.get("item_line"):
            w.p("PBox", escape(a["item_line"]))
    w.p("PObject", f"{escape(L['object'])}\u00a0: {_text(d['object'])}")
    if d.get("rapporteur"):
        w.p("Standard", _bold(L["rapporteur"]) + escape(d["rapporteur"]))
    if d.get("preamble"):
        w.p("PObject", escape(d["preamble"]))
    for line in d["visas"] + d["considerants"]:
        w.p("Standard", _text(line))
    if d.get("amendments"):
        w.p("Standard", escape(L["amendments"] + "\u00a0: " + " ; ".join(d["amendments"])))
    w.p("PVerb", escape(d["verb"]) + "\u00a0:")
    for i, article in enumerate(d["articles"], 1):
        w.p("PArticle", f"{escape(L['article'])} {i}\u00a0:")
        for para in article.split("\n\n"):
            w.p("Standard", _text(para.strip()))
    if d.get("ballots") or d.get("withdrawn"):
        w.p("PSection", escape(L["vote"]))
        for b in d["ballots"]:
            w.p("PVote", _bold(L["ballot"]) + escape(b["method_label"]))
            w.p("PVote", escape(f"{L['present_at_vote']} {b['present']} · "
                                f"{L['represented_at_vote']} {b['represented']}"))
            w.p("PVote", escape(f"{L['pour']} {b['pour']} · {L['contre']} {b['contre']} · {L['abstention']} "
                                f"{b['abstention']} · {L['nppv']} {b['nppv']} · {L['exprimes']} {b['exprimes']}"))
            if b.get("elected"):
                w.p("PVote", _bold(L["elected"]) + escape(b["elected"]))
            if b.get("secret"):
                w.p("PVote", escape(L["secret_note"]))
            if b.get("casting_vote_used"):
                w.p("PVote", escape(L["casting"]))
            for g in b["names"]:
                w.p("PVote", _bold(f"{g['label']} ({g['count']})") + escape(", ".join(g["names"])))
        if d.get("withdrawn"):
            w.p("PVote", _bold(L["withdrawn"]) + escape(", ".join(d["withdrawn"])))
    if d.get("outcome"):
        w.p("POutcome", escape(f"{L['outcome']}\u00a0: {d['outcome']}"))
    if d.get("closing"):
        w.p("Standard", escape(d["closing"]))
    w.p("Standard", escape(d["place_date"]))
    for signatory in d["signatories"]:
        w.p("PSignatory", escape(signatory["capacity"]) + "<text:line-break/>"
            + f'<text:span text:style-name="{_BOLD}">'
            + escape(f"{signatory['first_name']} {signatory['last_name']}") + "</text:span>")
    w.p("PZone", "")  # the zone of the visible signature, kept free
    body = "".join(w.parts)
    text_styles = (f'<style:style style:name="{_BOLD}" style:family="text">'
                   '<style:text-properties fo:font-weight="bold"/></style:style>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>'
            f"<office:automatic-styles>{PARAGRAPH_STYLES}{FINAL_STYLES}{text_styles}</office:automatic-styles>"
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")


def final_odt(data: dict) -> bytes:
    """A valid ODT text document of a final document (same input as ``render_final_pdf``)."""
    styles = STYLES.format(ns=NS, reference=escape(data["footer"]), page=escape(data["labels"]["page"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", MANIFEST)
        z.writestr("content.xml", _content(data))
        z.writestr("styles.xml", styles)
    return buf.getvalue()
