"""Small helpers shared by the documents tests."""

import io

import pypdf

SPECIAL = "#let x = 1 ] [ $x^2$ * _a_ <b> \\ \\\\ \" @ref // { } ~"


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """Text without white space (PDF extraction breaks lines where the layout did)."""
    return "".join(text.split())


def act_data(**extra) -> dict:
    data = dict(
        object="Subvention à l'association « Les Amis du Théâtre » " + SPECIAL,
        nature="DE", reference="2026 DAC 12", authority_name="Commune de Villeneuve-sur-Test",
        department="DAC — Direction des affaires culturelles", rapporteur="Mme Élodie Bérard " + SPECIAL,
        report="<p>Mesdames, Messieurs, <strong>l'été</strong> " + SPECIAL.replace("<", "&lt;")
               + "</p><ul><li>premier point</li><li>second point</li></ul>",
        visas=["Vu le Code général des collectivités territoriales " + SPECIAL, "Vu l'avis de la commission ;"],
        considerants=["Considérant l'intérêt général " + SPECIAL],
        articles=["Une subvention de 5 000 € est attribuée. " + SPECIAL, "La dépense est imputée au budget."],
        target_sitting_date="2026-11-14",
    )
    data.update(extra)
    return data
