"""The report's sanitised HTML becomes paragraphs, headings, lists and tables for Typst."""

from hemicycle.documents.render import render_act_pdf, report_blocks

from .helpers import act_data, flat, pdf_text


def test_paragraphs_keep_bold_italic_and_line_breaks():
    blocks = report_blocks("<p>Le <strong>théâtre</strong>   est\n <em>ouvert</em><br>le soir</p>")
    assert blocks == [{"t": "p", "runs": [{"x": "Le "}, {"x": "théâtre", "b": 1}, {"x": " est "},
                                          {"x": "ouvert", "i": 1}, {"br": 1}, {"x": "le soir"}]}]


def test_headings_lists_and_loose_text():
    blocks = report_blocks("Texte libre<h3>Titre</h3><ol><li>un</li><li><p>deux</p><ul><li>deux.a</li></ul></li></ol>")
    assert [b["t"] for b in blocks] == ["p", "h", "list"]
    assert blocks[1] == {"t": "h", "level": 3, "runs": [{"x": "Titre"}]}
    items = blocks[2]["items"]
    assert blocks[2]["ordered"] and len(items) == 2
    assert items[1][1]["t"] == "list" and items[1][1]["items"][0][0]["runs"] == [{"x": "deux.a"}]


def test_tables_are_padded_to_one_width():
    blocks = report_blocks("<table><tr><th>A</th><th>B</th><th>C</th></tr>"
                           "<tr><td colspan='2'>x</td></tr><tr><td>1</td></tr></table>")
    table = blocks[0]
    assert table["t"] == "table" and table["cols"] == 3
    assert [sum(c["span"] for c in row) for row in table["rows"]] == [3, 3, 3]
    assert table["rows"][0][0]["h"] is True


def test_links_and_nested_styles():
    blocks = report_blocks('<p><a href="https://example.org">voir <strong>ici</strong></a></p>')
    assert blocks[0]["runs"] == [{"x": "voir ", "a": "https://example.org"},
                                 {"x": "ici", "a": "https://example.org", "b": 1}]


def test_rich_report_renders():
    report = ("<h3>Contexte</h3><p>Un <em>projet</em> <u>important</u> H<sub>2</sub>O</p>"
              "<blockquote><p>Citation</p></blockquote>"
              "<table><thead><tr><th>Poste</th><th>Montant</th></tr></thead>"
              "<tbody><tr><td>Fonctionnement</td><td>5 000 €</td></tr></tbody></table>")
    text = flat(pdf_text(render_act_pdf(act_data(report=report))))
    for expected in ("Contexte", "Unprojetimportant", "Citation", "Fonctionnement", "5000€"):
        assert expected in text, expected


def test_empty_report_has_no_section():
    assert report_blocks("") == [] and report_blocks("  <p> </p> ") == []
    text = flat(pdf_text(render_act_pdf(act_data(report=""))))
    assert "EXPOSÉDESMOTIFS" not in text
