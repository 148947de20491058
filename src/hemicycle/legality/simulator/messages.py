"""@CTES messages the simulated ministry and prefecture send (formats.md, french_stack.md §3.5–3.6).

Every message is built with ``hemicycle.legality.actes`` (the same builders Hémicycle uses)
and checked with ``validate_message`` against the official XSD shipped in ``legality/schemas``.
Django-free: the simulator runs without Django.
"""

from __future__ import annotations

from datetime import date

from hemicycle.legality import actes

NATURE_ABBREV = {1: "DE", 2: "AR", 3: "AI", 4: "CC", 5: "BF", 6: "AU"}

# Prefecture → collectivité flows the operator page can send on demand: (T-F, root element).
PREFECTURE_KINDS = {
    "courrier": ("2-1", "CourrierSimple", 2),
    "demande_pieces": ("3-1", "DemandePieceComplementaire", 3),
    "lettre_observations": ("4-1", "LettreObservations", 4),
    "defere": ("5-1", "DefereTA", 5),
}
KIND_LABELS = {
    "courrier": "Courrier simple",
    "demande_pieces": "Demande de pièces complémentaires",
    "lettre_observations": "Lettre d'observations",
    "defere": "Déféré au tribunal administratif",
}
DEFAULT_TEXTS = {
    "courrier": "Nous accusons bonne réception de votre acte et vous rappelons les règles de publicité applicables.",
    "demande_pieces": "Merci de nous transmettre l'avis de la commission compétente et le plan de financement.",
    "lettre_observations": "L'acte appelle les observations suivantes : la motivation de la délibération est "
                           "insuffisante au regard de l'article L2121-29 du CGCT.",
    "defere": "Incompétence de l'auteur de l'acte.",
}


def id_acte(department: str, siren: str, decision_date: date, number: str, nature_code: int) -> str:
    """``DEPT-SIREN-YYYYMMDD-NUMERO-NATURE`` (formats.md), assigned by the ministry on reception."""
    return actes.id_acte(department, siren, decision_date, number, NATURE_ABBREV[int(nature_code)])


def ar_acte(acte_xml: bytes, *, id_acte_value: str, received: date) -> bytes:
    return actes.build_ar_acte(id_acte_value, received, acte_xml)


def anomalie_acte(acte_xml: bytes, *, nature: str, detail: str, on: date) -> bytes:
    return actes.build_anomalie(detail, acte_xml, on=on, nature=nature)


def ar_annulation(*, id_acte_value: str, received: date) -> bytes:
    return actes.build_ar_annulation(id_acte_value, received)


def prefecture_archive(kind: str, *, siren: str, department: str, id_acte_value: str, on: date, text: str,
                       letter: bytes, serial: int) -> tuple[str, bytes, bytes, list[str]]:
    """A prefecture letter about an act, as the ministry sends it: envelope, message, letter PDF.
    Returns (archive name, .tar.gz, message XML, file names)."""
    _, root_name, _ = PREFECTURE_KINDS[kind]
    message_name = actes.prefecture_file_name(id_acte_value, root_name, serial)
    letter_name = actes.prefecture_file_name(id_acte_value, root_name, serial + 1, "pdf")
    if kind == "courrier":
        message = actes.build_courrier_simple(id_acte_value, on, letter_name)
    elif kind == "demande_pieces":
        message = actes.build_demande_piece_complementaire(id_acte_value, on, text, letter_name)
    elif kind == "lettre_observations":
        message = actes.build_lettre_observations(id_acte_value, on, text, letter_name)
    else:
        message = actes.build_defere_ta(id_acte_value, on, text, [letter_name])
    name, archive = actes.build_prefecture_archive(siren, department, message_name, message, {letter_name: letter},
                                                   sent_on=on, serial=serial)
    return name, archive, message, [message_name, letter_name]


ANSWER_KINDS = {  # (prefecture transaction type, type_envoie) → answer root element
    (2, 4): "ReponseCourrierSimple",
    (3, 3): "RefusPieceComplementaire",
    (3, 4): "PieceComplementaire",
    (4, 3): "RejetLettreObservations",
    (4, 4): "ReponseLettreObservations",
}


def answer_message(doc_type: int, type_envoie: int, *, id_acte_value: str, courrier_date: date,
                   file_names: list[str]) -> tuple[str, bytes]:
    """The collectivité's answer as the operator rebuilds it from the posted files: (T-F, XML)."""
    kind = ANSWER_KINDS[(doc_type, type_envoie)]
    names = file_names if kind == "PieceComplementaire" else file_names[:1]
    return actes.FLOWS[kind], actes.build_response(kind, id_acte_value, courrier_date, names)


def answer_file_names(doc_type: int, type_envoie: int, id_acte_value: str, serial: int, extensions) -> list[str]:
    kind = ANSWER_KINDS[(doc_type, type_envoie)]
    return [actes.prefecture_file_name(id_acte_value, kind, serial + i, ext) for i, ext in enumerate(extensions)]


def letter_pdf(title: str, body: str, *, signature: str = "Le préfet") -> bytes:
    """A one-page letter of the prefecture, rendered by Typst (already a dependency)."""
    import typst

    def lit(value: str) -> str:  # a Typst string literal: nothing in the text is markup
        return '#"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    paragraphs = "\n\n".join(lit(p) for p in body.split("\n") if p.strip())
    source = (f"#set page(paper: \"a4\", margin: 2.5cm)\n#set text(lang: \"fr\", size: 11pt)\n"
              f"*Préfecture — contrôle de légalité (simulateur Hémicycle)*\n\n"
              f"#v(1cm)\n#heading({lit(title)[1:]})\n\n{paragraphs}\n\n#v(1cm)\n#align(right)[{lit(signature)}]\n")
    return typst.compile(source.encode("utf-8"), format="pdf")
