"""What a user types is printed, never executed as Typst code."""

from hemicycle.documents.render import act_typst_source, render_act_pdf

from .helpers import act_data, flat, pdf_text

ATTACKS = [
    '#panic("injecté")',
    ']#panic("injecté")[',
    '"))#panic("injecté")//',
    '\\")) #panic("injecté") #let y = ("',
    '#read("/etc/passwd")',
    "$ #panic(\"injecté\") $",
]


def test_code_in_every_field_is_printed_not_run():
    payload = " ".join(ATTACKS)
    data = act_data(object=payload, rapporteur=payload, department=payload, reference=payload,
                    authority_name=payload, report="<p>" + payload + "</p><h3>" + payload + "</h3>",
                    visas=[payload], considerants=[payload], articles=[payload])
    pdf = render_act_pdf(data)  # a panic would raise
    text = flat(pdf_text(pdf))
    assert text.count(flat('#panic("injecté")')) >= 8
    assert "root:" not in text
    assert flat('#read("/etc/passwd")') in text


def test_standalone_source_cannot_be_escaped():
    import typst

    source = act_typst_source(act_data(object=" ".join(ATTACKS), visas=ATTACKS))
    pdf = typst.compile(source.encode(), format="pdf", ignore_system_fonts=True)
    assert flat(ATTACKS[3]) in flat(pdf_text(pdf))
