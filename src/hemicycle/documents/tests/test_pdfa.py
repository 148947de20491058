"""PDF/A-2b for the final acts that are signed, transmitted and archived."""

import io

import pypdf

from hemicycle.documents.render import render_act_pdf

from .helpers import act_data


def _xmp(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    metadata = reader.trailer["/Root"].get("/Metadata")
    return metadata.get_object().get_data().decode() if metadata else ""


def test_pdfa_flag_declares_part_2_level_b():
    xmp = _xmp(render_act_pdf(act_data(), pdfa=True))
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp


def test_plain_render_is_not_declared_pdfa():
    assert "pdfaid:part" not in _xmp(render_act_pdf(act_data()))
