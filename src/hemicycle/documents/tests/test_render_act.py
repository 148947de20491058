"""An act renders to a PDF that carries exactly the text typed, accents and symbols included."""

import datetime

import typst

from hemicycle.acts.actions import create_act
from hemicycle.documents.render import act_document_data, act_typst_source, render_act_pdf

from .helpers import SPECIAL, act_data, flat, pdf_pages, pdf_text


def test_every_field_is_printed_as_typed():
    pdf = render_act_pdf(act_data())
    assert pdf.startswith(b"%PDF-")
    assert 1 <= pdf_pages(pdf) <= 2
    text = flat(pdf_text(pdf))
    for expected in ("Subvention à l'association « Les Amis du Théâtre »", flat(SPECIAL),
                     "Vu le Code général des collectivités territoriales", "Considérant l'intérêt général",
                     "Article 1", "Article 2", "Mme Élodie Bérard", "l'été", "premier point",
                     "COMMUNE DE VILLENEUVE-SUR-TEST", "Projet de délibération", "2026 DAC 12",
                     "Séance du 14 novembre 2026", "DÉLIBÈRE", "page 1 /"):
        assert flat(expected) in text, expected


def test_nature_decides_title_and_operative_verb():
    text = flat(pdf_text(render_act_pdf(act_data(nature="AR"))))
    assert "Projetd'arrêté" in text and "ARRÊTE" in text and "DÉLIBÈRE" not in text


def test_long_act_flows_over_pages_with_page_numbers():
    articles = [f"Article numéro {i} : " + "texte de l'article assez long pour remplir la page. " * 12
                for i in range(1, 31)]
    pdf = render_act_pdf(act_data(articles=articles))
    pages = pdf_pages(pdf)
    assert 3 <= pages <= 12
    text = flat(pdf_text(pdf))
    assert flat(f"page {pages} / {pages}") in text and "Article30" in text


def test_saved_act_renders_with_its_authority_and_department(world):
    act = create_act(world.users["drafter"], department=world.departments["DAC"], year=2026,
                     object="Convention avec le Théâtre du Soleil", visas=["Vu le CGCT ;"],
                     considerants=["Considérant l'intérêt culturel ;"], articles=["La convention est approuvée."],
                     rapporteur=world.members[0], target_sitting_date=datetime.date(2026, 12, 1))
    data = act_document_data(act)
    assert data["authority_name"] == "Commune de Villeneuve-sur-Test"
    text = flat(pdf_text(render_act_pdf(act)))
    for expected in ("Convention avec le Théâtre du Soleil", act.reference, "DAC — Direction des affaires",
                     "Mme Élue0 Conseillère0", "Séance du 1er décembre 2026", "Vu le CGCT"):
        assert flat(expected) in text, expected


def test_standalone_source_embeds_data_safely():
    source = act_typst_source(act_data())
    assert "sys.inputs" not in source
    assert SPECIAL not in source  # user text only inside an escaped string literal
    pdf = typst.compile(source.encode(), format="pdf", ignore_system_fonts=True)
    assert flat(SPECIAL) in flat(pdf_text(pdf))


def test_dates_are_written_the_french_way():
    from hemicycle.documents.render import french_date

    assert french_date("2026-03-01") == "1er mars 2026"
    assert french_date(datetime.date(2026, 8, 15)) == "15 août 2026"
    assert french_date("") == "" and french_date("pas une date") == ""
