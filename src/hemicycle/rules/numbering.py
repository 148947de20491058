"""Reference patterns for acts, e.g. ``{year} {dept} {seq}`` → "2026 DAC 123".

Pure functions: the counter itself lives in the database (acts.numbering) so that numbers
are gap-free and unique under concurrent creation.
"""

import re
import string

ALLOWED_FIELDS = {"year", "dept", "nature", "seq"}
REFERENCE_RE = re.compile(r"^[A-Za-z0-9 ._/-]+$")


class PatternError(ValueError):
    pass


def check_pattern(pattern: str) -> None:
    """Refuse a pattern that is unknown, lacks {seq}, or could yield an unusable reference."""
    fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    unknown = set(fields) - ALLOWED_FIELDS
    if unknown:
        raise PatternError(f"Champ inconnu dans le modèle de numérotation : {', '.join(sorted(unknown))}.")
    if fields.count("seq") != 1:
        raise PatternError("Le modèle de numérotation doit contenir {seq} une seule fois.")
    sample = render(pattern, year=2026, dept="DAC", nature="DE", seq=1)
    if not REFERENCE_RE.match(sample):
        raise PatternError("Le modèle ne doit contenir que des lettres, chiffres, espaces et . _ / -.")


def scope(pattern: str, *, year: int, dept: str, nature: str) -> str:
    """The counter's scope: the pattern rendered with every field but {seq}."""
    marker = "\x00SEQ\x00"
    parts = []
    for literal, name, spec, conv in string.Formatter().parse(pattern):
        parts.append(literal)
        if name == "seq":
            parts.append(marker)
        elif name is not None:
            parts.append(format({"year": year, "dept": dept, "nature": nature}[name], spec or ""))
    return "".join(parts).replace(marker, "#")


def render(pattern: str, *, year: int, dept: str, nature: str, seq: int) -> str:
    return pattern.format(year=year, dept=dept, nature=nature, seq=seq)
