"""Generated PDF annexes for the demo (Typst, no network)."""

import json

import typst

ANNEX_SOURCE = b"""
#let d = json(bytes(sys.inputs.data))
#set document(title: d.title)
#set page(paper: "a4", margin: 2.2cm, numbering: "1 / 1")
#set text(lang: "fr", size: 10.5pt)
#set par(justify: true)
#align(center, text(14pt, weight: "bold", d.title))
#align(center, d.subtitle)
#v(1em)
#for p in range(d.pages) [
  == #d.sections.at(calc.rem(p, d.sections.len()))
  #for para in d.paragraphs [ #para #parbreak() ]
  #if p < d.pages - 1 { pagebreak() }
]
"""

PARAGRAPHS = [
    "Le présent document expose le contexte, les objectifs et les moyens du projet soumis au conseil. "
    "Il précise les engagements réciproques des parties, le calendrier de mise en œuvre et les indicateurs "
    "retenus pour en évaluer les résultats.",
    "Les actions prévues s'adressent prioritairement aux habitants des quartiers de la politique de la ville, "
    "aux familles et aux publics éloignés de l'offre culturelle, sportive ou sociale. Elles sont menées en "
    "partenariat avec les équipements municipaux et le tissu associatif local.",
    "Le budget prévisionnel fait apparaître un montant total de charges équilibré par les ressources propres "
    "de la structure, les participations des usagers et les concours publics sollicités, dont celui de la Ville.",
    "Un bilan qualitatif et financier sera transmis à la Ville dans les six mois suivant la clôture de "
    "l'exercice. La Ville pourra procéder à tout contrôle sur pièces et sur place.",
]
SECTIONS = ["Présentation", "Objectifs et publics", "Moyens et calendrier", "Budget prévisionnel", "Évaluation"]


def annex_pdf(title: str, subtitle: str, pages: int = 5) -> bytes:
    data = {"title": title, "subtitle": subtitle, "pages": pages, "sections": SECTIONS,
            "paragraphs": PARAGRAPHS * 2}
    return typst.compile(ANNEX_SOURCE, sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
