"""Checking an act's @CTES classification code against the authority's imported matières.

The prefecture sends each authority its classification (RetourClassification, flow 7-2);
an act transmitted with a code that is not in it is rejected. So the code is checked when
the act is written, against the latest imported version, with a message the drafter
understands. Codes are the dotted full codes of the ``Matiere`` rows ("7", "7.5", "7.5.2").
"""

from django.core.exceptions import ValidationError

from .models import ClassificationVersion, Matiere


def latest_classification(authority) -> ClassificationVersion | None:
    """The authority's most recent classification, or None when none was imported."""
    return ClassificationVersion.objects.filter(authority=authority).order_by("-version_date", "-pk").first()


def code_path(code: str) -> list[str]:
    """"7.5.2" → ["7", "7.5", "7.5.2"]: the code and its ancestors (up to the five @CTES levels)."""
    parts = [p for p in code.split(".")]
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def normalise_code(raw: str) -> str:
    """What a person types ("7,5", " 7.5 ", "7.5 Subventions") → "7.5"."""
    text = (raw or "").strip()
    if not text:
        return ""
    first = text.split()[0].replace(",", ".").strip(".")
    return first


def resolve(authority, raw: str) -> tuple[ClassificationVersion | None, list[str]]:
    """Check a typed code; return the classification version and the stored path of codes.

    Raises ValidationError with a French message when the code is unknown, or when a code is
    given while the authority has no classification imported. An empty input is accepted.
    """
    code = normalise_code(raw)
    if not code:
        return latest_classification(authority), []
    version = latest_classification(authority)
    if version is None:
        raise ValidationError(
            "Aucune classification des actes n'a été importée pour votre collectivité : le code "
            "« %(code)s » ne peut pas être vérifié. Laissez ce champ vide ou demandez à "
            "l'administrateur d'importer la classification reçue de la préfecture.",
            code="no_classification", params={"code": code})
    path = code_path(code)
    if len(path) > 5:
        raise ValidationError("Le code de matière « %(code)s » a plus de cinq niveaux.", code="too_deep",
                              params={"code": code})
    known = dict(Matiere.objects.filter(version=version, code__in=path).values_list("code", "label"))
    if code not in known:
        raise ValidationError(
            "Le code de matière « %(code)s » n'existe pas dans la classification du %(date)s de votre "
            "collectivité. Choisissez un code de la liste (par exemple « 7.5 » pour les subventions).",
            code="unknown_matiere", params={"code": code, "date": version.version_date.strftime("%d/%m/%Y")})
    return version, [c for c in path if c in known]


def display_code(codes) -> str:
    """The most precise code of a stored path ("7.5" for ["7", "7.5"])."""
    return codes[-1] if codes else ""


def labels_for(version, codes) -> list[tuple[str, str]]:
    """[(code, label), …] of a stored path, for display."""
    if not codes or version is None:
        return [(c, "") for c in codes or []]
    labels = dict(Matiere.objects.filter(version=version, code__in=codes).values_list("code", "label"))
    return [(c, labels.get(c, "")) for c in codes]
