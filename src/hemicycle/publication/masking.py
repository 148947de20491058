"""Personal data in published acts (CRPA L312-1-2, GDPR): suggestions and masking. Pure Python.

An act published online in full must not expose the personal data of private persons: the
name of the beneficiary of an individual measure, a neighbour's address, a telephone number.
The secretariat marks the passages to mask; ``suggest`` proposes the ones it can detect:

- a private person's name introduced by a civility: « M. Jean Dupont », « Madame DURAND »,
  « Mme de La Tour » — members of the assembly are public figures acting in that capacity:
  their names are never suggested (``public_names``);
- a street address: « 12 rue des Lilas », « 3 bis, avenue Jean-Jaurès, 75019 Paris »;
- an e-mail address;
- a French telephone number: « 01 23 45 67 89 », « 06.12.34.56.78 », « +33 6 12 34 56 78 ».

``apply_masks`` replaces every occurrence of the marked passages by « [occulté] »;
``apply_masks_html`` does the same in the text of the exposé des motifs (HTML), never in its
markup. Suggestions are made per text node, so that every suggestion can be applied as is.
"""

import re
import unicodedata
from dataclasses import dataclass

import lxml.html

MASK = "[occulté]"
PUBLISHED_MENTION = "Version publiée — données personnelles occultées (CRPA L312-1-2)"

# The parts of an act where passages are marked (Masking.field); "" = anywhere.
CONTENT_FIELDS = ("object", "report", "visas", "considerants", "articles")

KIND_LABELS = {"person": "Nom de personne", "address": "Adresse", "email": "Adresse électronique",
               "phone": "Numéro de téléphone"}

_UPPER = "A-ZÀ-ÖØ-Þ"
_LETTER = "a-zA-Zà-öø-ÿÀ-ÖØ-Þ"
_CAP = rf"[{_UPPER}][{_LETTER}'’\-]*[{_LETTER}]|[{_UPPER}]\."  # "Dupont", "Jean-Pierre", "DURAND", "J."
_APOS = "['’]"
_LEADING = rf"(?:de\s+la\s+|de\s+l{_APOS}|de\s+|du\s+|des\s+|d{_APOS})"
_INNER = rf"(?:de\s+la\s+|de\s+l{_APOS}|de\s+|du\s+|des\s+|d{_APOS}|le\s+|la\s+|l{_APOS}|van\s+|von\s+|ben\s+)"
_CIVILITY = r"(?:Monsieur|Madame|Mademoiselle|Maître|Docteur|MM\.|M\.|Mmes|Mme|Mlle|Me|Dr)"

PERSON_RE = re.compile(
    rf"(?<![{_LETTER}]){_CIVILITY}\s+(?P<name>{_LEADING}?(?:{_CAP})(?:\s+{_INNER}?(?:{_CAP})|\s*{_INNER}(?:{_CAP})){{0,3}})"
)
# Words that follow a civility without being a name: « Monsieur Le Maire », « Madame Présidente ».
_NOT_NAMES = {
    "le", "la", "les", "l", "maire", "adjoint", "adjointe", "president", "presidente", "prefet", "prefete",
    "directeur", "directrice", "conseiller", "conseillere", "secretaire", "depute", "deputee", "senateur",
    "senatrice", "rapporteur", "rapporteure", "ministre", "juge", "procureur", "procureure", "tresorier",
    "tresoriere", "delegue", "deleguee", "vice", "vice-president", "vice-presidente", "chef", "commissaire",
}

_NUMBER = r"\d{1,4}(?:\s?(?:bis|ter|quater|[A-D])\b)?"
_VOIE = (r"(?i:rue|avenue|av\.|boulevard|bd|place|impasse|allées?|chemin|route|quai|cours|square|passage|villa|"
         r"cité|résidence|lotissement|faubourg|rond-point|voie|sentier|hameau|lieu-dit|promenade|esplanade|"
         r"parvis|ruelle|traverse|montée|sente|clos|domaine)")
_ADDR_PARTICLE = rf"(?:de\s+la\s+|de\s+l{_APOS}|de\s+|du\s+|des\s+|d{_APOS}|l{_APOS}|la\s+|le\s+|les\s+|aux\s+|au\s+)"
_ADDR_WORD = rf"(?:{_CAP}|\d{{1,4}})"
ADDRESS_RE = re.compile(
    rf"(?<![\d{_LETTER}]){_NUMBER},?\s+{_VOIE}\s+{_ADDR_PARTICLE}?{_ADDR_WORD}"
    rf"(?:(?:\s+|-){_ADDR_PARTICLE}?{_ADDR_WORD}|\s*{_ADDR_PARTICLE}{_ADDR_WORD}){{0,5}}"
    rf"(?:,?\s+\d{{5}}\s+{_CAP}(?:(?:\s+|-)(?:sur|sous|en|lès|les|le|la|de|du|des|d{_APOS})?(?:\s+|-)?{_CAP}){{0,4}})?"
)
EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+33|0033)\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.\-]?\d{2}){4}(?!\d)")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # person, address, email, phone
    text: str
    start: int
    end: int
    field: str = ""  # where it was found (object, report, visas…), set by suggest_for_content

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def normalise(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: « Élise  FONTAINE » → « elise fontaine »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("’", "'").casefold().split())


def _public_keys(public_names) -> tuple[set, set]:
    """(full names, last names) of public persons, normalised; full names in both orders."""
    full, last = set(), set()
    for first_name, last_name in public_names or ():
        first_n, last_n = normalise(first_name), normalise(last_name)
        if not last_n:
            continue
        last.add(last_n)
        if first_n:
            full.add(f"{first_n} {last_n}")
            full.add(f"{last_n} {first_n}")
    return full, last


def _is_public(name: str, full: set, last: set) -> bool:
    key = normalise(name)
    return key in full or key in last


def suggest(text: str, public_names=()) -> list[Suggestion]:
    """Passages of ``text`` that look like personal data, in order, each passage once.

    ``public_names``: (first name, last name) of the members of the assembly, never suggested."""
    if not text:
        return []
    full, last = _public_keys(public_names)
    found: list[Suggestion] = []
    for match in EMAIL_RE.finditer(text):
        found.append(Suggestion("email", match.group(0), match.start(), match.end()))
    for match in PHONE_RE.finditer(text):
        found.append(Suggestion("phone", match.group(0), match.start(), match.end()))
    for match in ADDRESS_RE.finditer(text):
        found.append(Suggestion("address", match.group(0).rstrip(" ,"), match.start(),
                                match.start() + len(match.group(0).rstrip(" ,"))))
    for match in PERSON_RE.finditer(text):
        name = match.group("name")
        first_word = normalise(name.split()[0]).strip(".'")
        if first_word in _NOT_NAMES or _is_public(name, full, last):
            continue
        found.append(Suggestion("person", match.group(0), match.start(), match.end()))
    # Overlaps: the earliest, then the longest, wins (an e-mail inside an address counts once).
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Suggestion] = []
    seen_texts: set = set()
    end = -1
    for s in found:
        if s.start < end:
            continue
        end = s.end
        if s.text in seen_texts:
            continue
        seen_texts.add(s.text)
        kept.append(s)
    return kept


def html_text_nodes(html: str) -> list[str]:
    """The text nodes of an HTML fragment (the exposé des motifs), in document order."""
    if not html or not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    nodes = []
    for el in root.iter():
        if el is not root and not isinstance(el.tag, str):  # comments: only their tail is text
            if el.tail:
                nodes.append(el.tail)
            continue
        if el.text:
            nodes.append(el.text)
        if el is not root and el.tail:
            nodes.append(el.tail)
    return nodes


def field_texts(content: dict, field: str) -> list[str]:
    """The plain texts of one part of the act's content (``content`` uses the Act field names)."""
    value = content.get(field)
    if field == "report":
        return html_text_nodes(value or "")
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def suggest_for_content(content: dict, public_names=(), *, exclude=(), fields=CONTENT_FIELDS) -> list[Suggestion]:
    """Suggestions over the act's content, each tagged with the field it was found in; passages
    already marked (``exclude``: texts) are left out; each passage once."""
    excluded = set(exclude)
    seen: set = set()
    result = []
    for field in fields:
        for text in field_texts(content, field):
            for s in suggest(text, public_names):
                if s.text in excluded or s.text in seen:
                    continue
                seen.add(s.text)
                result.append(Suggestion(s.kind, s.text, s.start, s.end, field))
    return result


def passage_found(content: dict, field: str, text: str, *, fields=CONTENT_FIELDS) -> bool:
    """Whether ``text`` occurs as typed in that part of the act (any of ``fields`` when field is "")."""
    fields = fields if not field else (field,)
    return any(text in t for f in fields for t in field_texts(content, f))


def _pattern(passages) -> re.Pattern | None:
    unique = sorted({p for p in passages if p and p.strip()}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(p) for p in unique))


def apply_masks(text: str, passages) -> str:
    """Every occurrence of every passage replaced by « [occulté] » (longest passages first)."""
    pattern = _pattern(passages)
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def apply_masks_html(html: str, passages) -> str:
    """Same as ``apply_masks`` in the text of an HTML fragment; the markup is kept."""
    pattern = _pattern(passages)
    if pattern is None or not html or not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        if isinstance(el.tag, str) and el.text:
            el.text = pattern.sub(MASK, el.text)
        if el is not root and el.tail:
            el.tail = pattern.sub(MASK, el.tail)
    out = lxml.html.tostring(root, encoding="unicode")
    return out[len("<div>"):-len("</div>")]


def masks_by_field(masks) -> dict:
    """[(field, text)] → {field: [texts]} with "anywhere" passages added to every field."""
    anywhere = [t for f, t in masks if not f]
    return {field: [t for f, t in masks if f == field] + anywhere for field in CONTENT_FIELDS}


def mask_content(content: dict, masks) -> dict:
    """A copy of the act's content (object, report, visas, considerants, articles) with the
    marked passages replaced. ``masks``: [(field, text)]; other keys are copied unchanged."""
    by_field = masks_by_field(masks)
    out = dict(content)
    for field in CONTENT_FIELDS:
        if field not in content:
            continue
        value, passages = content[field], by_field[field]
        if field == "report":
            out[field] = apply_masks_html(value or "", passages)
        elif isinstance(value, list | tuple):
            out[field] = [apply_masks(str(v), passages) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            out[field] = apply_masks(value, passages)
    return out


def mask_everywhere(data, passages):
    """Every string of a nested structure (render data) with the passages replaced."""
    pattern = _pattern(passages)
    if pattern is None:
        return data

    def walk(value):
        if isinstance(value, str):
            return pattern.sub(MASK, value)
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(data)
