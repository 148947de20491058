"""The @CTES message layer (ACTES protocol of the Ministry of the Interior), formats.md.

Pure Python (lxml, no Django at module level) so that the transmission simulator, the
benchmarks and the tests can build and read messages without a database. The one Django
adapter, :func:`acte_data_for`, imports Django lazily.

What a collectivité sends (flow 1-1) is a ``.tar.gz`` holding:

- the envelope ``EACT--{SIREN}--{YYYYMMDD}-{serial}.xml`` (root ``actes:EnveloppeCLMISILL``:
  emitter IDCL, referent, return addresses, the list of business messages);
- the business message ``{DEPT}-{SIREN}-{YYYYMMDD}-{NUMERO}-{NATURE}-1-1_0.xml``
  (root ``actes:Acte``);
- the act ``{TYPEPJ}-{…}-1-1_1.pdf`` and its annexes ``{TYPEPJ}-{…}-1-1_2.pdf``, ``_3``…

and the archive itself is named ``{XXX}-EACT--{SIREN}--{YYYYMMDD}-{serial}.tar.gz``, where
XXX is the trigram of the application that produced it (french_stack.md §3.4: S²LOW writes its
``ACTES_APPLI_TRIGRAMME``, "SLO" in its test configuration; STELA writes "SIC"). Hémicycle builds
the archive itself, so it writes its own trigram, ``HEM`` by default (``trigramme=`` argument;
:func:`trigramme` reads ``HEMICYCLE_ACTES_TRIGRAMME`` from the settings or the environment).

The envelope needs a return address valid for the XSD (its pattern wants a top-level domain of 2 to
6 letters, so ``…@x.localhost`` is refused): ``HEMICYCLE_ACTES_RETURN_EMAIL`` (settings or
environment), else the e-mail of the authority's first secretariat user.

Every XML file is ISO-8859-1 encoded; attributes are namespace-qualified (``actes:Date``…)
except ``insee:SIREN`` (the XSD has ``attributeFormDefault="qualified"``). Characters that
ISO-8859-1 lacks are handled by :func:`latin1_text`: the usual typographic ones are replaced by
their Latin-1 equivalent (’ → ', œ → oe, € → EUR, non-breaking thin space → space…); any other
is written as an XML character reference, which every XML parser reads back unchanged.

Rules chosen where the protocol leaves a choice (each is tested):

- NumeroInterne (:func:`numero_interne`): the act's reference upper-cased, accents removed,
  every run of other characters replaced by ``_``, leading/trailing ``_`` dropped
  ("2026 DAC 123" → "2026_DAC_123"). This satisfies the XSD (≤ 15 characters), S²LOW
  (``^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$``) and Pastell (``^[0-9A-Z_]{1,15}$``). When the result
  is longer than 15 characters it is shortened deterministically: its first 10 characters
  (trailing ``_`` removed), ``_``, and 4 characters (A–Z, 2–7) of the base-32 SHA-256 of the full
  normalised number — so two long references sharing their first 10 characters still differ
  and the same reference always gives the same number.
- Piece types (``TYPEPJ``, 5 characters): the act gets the generic type of its nature in the
  ministry's nomenclature — as listed in the real RetourClassification shipped in
  acts/data (2017-12-08): 99_DE délibération, 99_AR acte réglementaire, 99_AI acte individuel,
  99_DC document contractuel (nature CC), 99_BU document budgétaire (nature BF), 99_AU autre
  document. (Some tools use "99_CO" and "99_BF"; those codes are not in the ministry's
  nomenclature and would be refused.) Annexes get ``99_AU`` unless a more precise type is given
  (e.g. "41_NC", "22_PN"); the authority's RetourClassification lists the types allowed for each
  nature. Signed PDFs carry their PAdES signature inside, so no separate 99_SE file is sent.
- Objet: whitespace (including line breaks, which Pastell refuses) collapsed to single spaces;
  more than 500 characters is an error (never truncated: the object is part of the act).
- Files: the act must be a PDF (S²LOW: only budget documents may be XML); annexes PDF, XML,
  PNG or JPEG (S²LOW's list).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import re
import tarfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from importlib import resources

from lxml import etree

ACTES_NS = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
INSEE_NS = "http://xml.insee.fr/schema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"actes": ACTES_NS, "insee": INSEE_NS, "xsi": XSI_NS}
SCHEMA_LOCATION = f"{ACTES_NS} actesv1_1.xsd"
XML_DECLARATION = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'

APPLICATION = "EACT"  # the @CTES application quadrigram in envelope and archive names
DEFAULT_TRIGRAMME = "HEM"
MAX_NUMERO = 15
MAX_OBJET = 500
MAX_ARCHIVE_BYTES = 150 * 1024 * 1024  # read side: a compressed archive larger than this is refused
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_MEMBERS = 500

# CodeNatureActe ↔ TypeAbrege (french_stack.md §3.2)
NATURE_CODES = {"DE": 1, "AR": 2, "AI": 3, "CC": 4, "BF": 5, "AU": 6}
NATURE_BY_CODE = {v: k for k, v in NATURE_CODES.items()}
NATURE_LABELS = {"DE": "Délibérations", "AR": "Actes réglementaires", "AI": "Actes individuels",
                 "CC": "Contrats, conventions et avenants", "BF": "Documents budgétaires et financiers",
                 "AU": "Autres"}
ACT_PIECE_TYPES = {"DE": "99_DE", "AR": "99_AR", "AI": "99_AI", "CC": "99_DC", "BF": "99_BU", "AU": "99_AU"}
DEFAULT_ANNEX_PIECE_TYPE = "99_AU"
ANNEX_EXTENSIONS = ("pdf", "xml", "png", "jpg", "jpeg")

# Flows (T-F) by root element (french_stack.md §3.5). "ANO" for an envelope rejected by the ministry.
FLOWS = {
    "Acte": "1-1", "ARActe": "1-2", "AnomalieActe": "1-3",
    "CourrierSimple": "2-1", "ReponseCourrierSimple": "2-2",
    "DemandePieceComplementaire": "3-1", "ARDemandePieceComplementaire": "3-2",
    "RefusPieceComplementaire": "3-3", "PieceComplementaire": "3-4", "ARPieceComplementaire": "3-5",
    "LettreObservations": "4-1", "ARLettreObservations": "4-2", "RejetLettreObservations": "4-3",
    "ReponseLettreObservations": "4-4", "ARReponseRejetLettreObservations": "4-5",
    "DefereTA": "5-1", "Annulation": "6-1", "ARAnnulation": "6-2",
    "DemandeClassification": "7-1", "RetourClassification": "7-2", "ReponseClassificationSansChangement": "7-3",
    "AnomalieEnveloppe": "ANO",
}
# The answers a collectivité may send to a prefecture letter (DonneesCourrierPref + Document(s)).
RESPONSE_KINDS = ("ReponseCourrierSimple", "RefusPieceComplementaire", "PieceComplementaire",
                  "RejetLettreObservations", "ReponseLettreObservations")
AR_COURRIER_KINDS = ("ARDemandePieceComplementaire", "ARLettreObservations")

# "Code nature de la collectivité" of IDCL (two digits). Only the commune code is attested in the
# real messages we have (SIREN 214400152, a commune: Nature="31", french_stack.md §3.6); other
# kinds must be configured (Django: settings.HEMICYCLE_ACTES_AUTHORITY_NATURE = {"departement": "…"}).
AUTHORITY_NATURE_CODES = {"commune": "31", "paris": "31"}

_DEPARTMENT = re.compile(r"^[0|9][0-9][A|B|0-9]$")
_SIREN = re.compile(r"^\d{9}$")
_NUMERO = re.compile(r"^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$")
_PIECE_TYPE = re.compile(r"^[A-Z0-9_]{5}$")
_EMAIL = re.compile(r"^[_a-zA-Z0-9\-]+(\.[_a-zA-Z0-9\-]+)*@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*\.[a-zA-Z]{2,6}$")
ID_ACTE = re.compile(r"^(?P<department>[0|9][0-9][A|B|0-9])-(?P<siren>[0-9]{9})-(?P<date>[0-9]{8})-"
                     r"(?P<number>[a-zA-Z0-9_]{1,15})-(?P<nature>[A-Z]{2})$")
_TRIGRAMME = re.compile(r"^[A-Za-z0-9]{3}$")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u0153": "oe", "\u0152": "OE", "\u20ac": "EUR", "\u2009": " ", "\u202f": " ",
    "\u2002": " ", "\u2003": " ", "\u200b": "",
})


class ActesError(Exception):
    """An act cannot be put into a @CTES message; the message says why, in French."""


# --- Values -----------------------------------------------------------------------------------

def latin1_text(value: str) -> str:
    """Text ready for an ISO-8859-1 file: typographic characters mapped to Latin-1 ones.

    Accented letters of French are all in ISO-8859-1 and stay as they are. Anything else left
    outside Latin-1 is written by lxml as a character reference (``&#350;``): nothing is lost."""
    return unicodedata.normalize("NFC", value or "").translate(_TYPOGRAPHY)


def one_line(value: str) -> str:
    return " ".join(latin1_text(value).split())


def numero_interne(reference: str) -> str:
    """The @CTES internal number of an act reference (rule in the module docstring).

    >>> numero_interne("2026 DAC 123")
    '2026_DAC_123'
    """
    text = unicodedata.normalize("NFKD", reference or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = re.sub(r"[^A-Z0-9]+", "_", text).strip("_")
    if not text:
        raise ActesError(f"La référence « {reference} » ne contient ni lettre ni chiffre : impossible d'en "
                         "faire le numéro interne @CTES.")
    if len(text) <= MAX_NUMERO:
        return text
    digest = base64.b32encode(hashlib.sha256(text.encode("ascii")).digest()).decode("ascii")[:4]
    return f"{text[:10].rstrip('_')}_{digest}"


def matiere_levels(codes) -> tuple[int, ...]:
    """The CodeMatiere1..5 of an act's classification.

    Accepts the stored path (``["7", "7.5"]``) or a dotted code ("7.5"); the deepest code wins.
    Raises ActesError when fewer than two levels are given, more than five, or a level is not
    a number (the XSD types CodeMatiere as an integer)."""
    if isinstance(codes, str):
        deepest = codes
    else:
        codes = [c for c in (codes or []) if c]
        deepest = max(codes, key=lambda c: c.count("."), default="")
    parts = [p.strip() for p in deepest.split(".")] if deepest else []
    if len(parts) < 2:
        shown = deepest or "aucune"
        raise ActesError(f"Classification « {shown} » insuffisante : @CTES exige au moins deux niveaux de "
                         "matière (par exemple 7.5 « Subventions »).")
    if len(parts) > 5:
        raise ActesError(f"Classification « {deepest} » : @CTES accepte au plus cinq niveaux de matière.")
    if not all(p.isdigit() for p in parts):
        raise ActesError(f"Classification « {deepest} » : chaque niveau de matière doit être un nombre.")
    return tuple(int(p) for p in parts)


def id_acte(department: str, siren: str, decision_date: date, number: str, nature: str) -> str:
    """The identifier the ministry gives the act once received: DEPT-SIREN-YYYYMMDD-NUMERO-NATURE."""
    return f"{department}-{siren}-{decision_date:%Y%m%d}-{number}-{nature}"


def parse_id_acte(value: str) -> dict | None:
    """``075-217500016-20261114-2026_DAC_123-DE`` → its parts (date as a date), or None."""
    match = ID_ACTE.match(value or "")
    if match is None:
        return None
    parts = match.groupdict()
    try:
        parts["date"] = datetime.strptime(parts["date"], "%Y%m%d").date()
    except ValueError:
        return None
    return parts


def envelope_name(siren: str, sent_on: date, serial: int) -> str:
    return f"{APPLICATION}--{siren}--{sent_on:%Y%m%d}-{serial}.xml"


def archive_name(siren: str, sent_on: date, serial: int, trigramme: str = DEFAULT_TRIGRAMME) -> str:
    return f"{trigramme}-{envelope_name(siren, sent_on, serial)[:-4]}.tar.gz"


def anomaly_envelope_name(siren: str, sent_on: date, serial: int) -> str:
    """The name the ministry gives an envelope rejection: ``ANO_EACT--SIREN--YYYYMMDD-serial.xml``."""
    return f"ANO_{envelope_name(siren, sent_on, serial)}"


# --- The act's data -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    """A file of the transmission: the act or an annex."""

    content: bytes
    piece_type: str
    extension: str = "pdf"
    title: str = ""


@dataclass(frozen=True)
class Referent:
    """Who the prefecture may contact about the transmission (envelope ``Referent``)."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ActeData:
    """Everything a @CTES act message needs (formats.md). Build it with :func:`acte_data_for`."""

    siren: str
    department: str  # "075", "02A"
    arrondissement: str  # one digit, "0" when the authority reports to the prefecture itself
    decision_date: date
    number: str  # NumeroInterne, see numero_interne()
    nature: str  # "DE", "AR", "AI", "CC", "BF", "AU"
    matieres: tuple  # (7, 5): CodeMatiere1..5
    object: str
    classification_date: date
    act: Piece
    annexes: tuple = ()
    reference: str = ""  # the act's reference as Hémicycle shows it ("2026 DAC 123")
    authority_nature: str = "31"  # IDCL Nature, see AUTHORITY_NATURE_CODES
    referent: Referent | None = None
    return_emails: tuple = ()
    previous_id_acte: str = ""  # PrecedentIdentifiantActe: the act this one replaces
    paper_documents: bool = False  # DocumentPapier: pieces also sent on paper

    @property
    def nature_code(self) -> int:
        return NATURE_CODES[self.nature]

    @property
    def objet(self) -> str:
        return one_line(self.object)

    @property
    def id_acte(self) -> str:
        """The IDActe the ministry will give this act (it is built from the same parts)."""
        return id_acte(self.department, self.siren, self.decision_date, self.number, self.nature)

    def base_name(self, flow: str = "1-1") -> str:
        return f"{self.id_acte}-{flow}"

    def piece_name(self, index: int, extension: str, piece_type: str = "", flow: str = "1-1") -> str:
        """``[TYPEPJ-]DEPT-SIREN-YYYYMMDD-NUMERO-NATURE-T-F_n.ext``."""
        prefix = f"{piece_type}-" if piece_type else ""
        return f"{prefix}{self.base_name(flow)}_{index}.{extension}"

    @property
    def message_name(self) -> str:
        return self.piece_name(0, "xml")

    @property
    def act_name(self) -> str:
        return self.piece_name(1, self.act.extension, self.act.piece_type)

    @property
    def annex_names(self) -> list[str]:
        return [self.piece_name(i, a.extension, a.piece_type) for i, a in enumerate(self.annexes, start=2)]

    def problems(self) -> list[str]:
        """What stops this act from being transmitted (French sentences); empty when fine."""
        out = []
        if not _SIREN.match(self.siren or ""):
            out.append(f"SIREN « {self.siren} » invalide : il compte 9 chiffres.")
        if not _DEPARTMENT.match(self.department or ""):
            out.append(f"Code de département « {self.department} » invalide (3 caractères, par exemple 075 ou 02A).")
        if not re.fullmatch(r"[0-9]", self.arrondissement or ""):
            out.append(f"Arrondissement « {self.arrondissement} » invalide : un chiffre est attendu.")
        if not re.fullmatch(r"[0-9]{2}", self.authority_nature or ""):
            out.append(f"Code nature de la collectivité « {self.authority_nature} » invalide : deux chiffres.")
        if not _NUMERO.match(self.number or ""):
            out.append(f"Numéro interne « {self.number} » invalide : 1 à 15 lettres majuscules, chiffres ou _, "
                       "commençant et finissant par une lettre ou un chiffre.")
        if self.nature not in NATURE_CODES:
            out.append(f"Nature d'acte « {self.nature} » inconnue de @CTES.")
        if not (2 <= len(self.matieres) <= 5) or not all(isinstance(m, int) and m >= 0 for m in self.matieres):
            out.append("La classification doit compter de deux à cinq niveaux de matière numériques.")
        if not self.objet:
            out.append("L'objet de l'acte est vide.")
        elif len(self.objet) > MAX_OBJET:
            out.append(f"L'objet compte {len(self.objet)} caractères : @CTES en accepte {MAX_OBJET} au plus. "
                       "Raccourcissez-le.")
        if self.previous_id_acte and not ID_ACTE.match(self.previous_id_acte):
            out.append(f"Identifiant d'acte précédent « {self.previous_id_acte} » invalide.")
        pieces = [("L'acte", self.act)] + [(f"L'annexe n° {i}", a) for i, a in enumerate(self.annexes, start=1)]
        for label, piece in pieces:
            if not _PIECE_TYPE.match(piece.piece_type or ""):
                out.append(f"{label} a un type de pièce « {piece.piece_type} » invalide (5 caractères, ex. 99_DE).")
            if not piece.content:
                out.append(f"{label} est un fichier vide.")
        if self.act.extension != "pdf" or not self.act.content.startswith(b"%PDF-"):
            out.append("L'acte doit être transmis en PDF.")
        for i, annex in enumerate(self.annexes, start=1):
            if annex.extension not in ANNEX_EXTENSIONS:
                name = annex.title or f"n° {i}"
                out.append(f"L'annexe « {name} » est au format .{annex.extension} : @CTES n'accepte que PDF, XML, "
                           "PNG ou JPEG. Convertissez-la en PDF ou ne la transmettez pas.")
        for email in self.return_emails:
            if not _EMAIL.match(email):
                out.append(f"Adresse de retour « {email} » refusée par le schéma @CTES.")
        if self.referent and self.referent.email and not _EMAIL.match(self.referent.email):
            out.append(f"Adresse du référent « {self.referent.email} » refusée par le schéma @CTES.")
        return out

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise ActesError(" ".join(problems))


# --- XML helpers ----------------------------------------------------------------------------------

def _q(name: str) -> str:
    return f"{{{ACTES_NS}}}{name}"


def _root(name: str) -> etree._Element:
    root = etree.Element(_q(name), nsmap=NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    return root


def _sub(parent, name: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    for key, value in attributes.items():
        element.set(_q(key), str(value))
    if text is not None:
        element.text = latin1_text(text)
    return element


def _file(parent, name: str, file_name: str) -> etree._Element:
    element = _sub(parent, name)
    _sub(element, "NomFichier", file_name)
    return element


def serialize(root) -> bytes:
    """ISO-8859-1 bytes with the declaration every @CTES file carries (double quotes)."""
    etree.indent(root, space="  ")
    return XML_DECLARATION + etree.tostring(root, encoding="ISO-8859-1", xml_declaration=False) + b"\n"


def _iso(value: date) -> str:
    return value.isoformat()


def _acte_content(element, data: ActeData) -> None:
    """Fill a DonneesActe element (actes:Acte, or ActeRecu in the ministry's answers)."""
    element.set(_q("Date"), _iso(data.decision_date))
    element.set(_q("NumeroInterne"), data.number)
    element.set(_q("CodeNatureActe"), str(data.nature_code))
    for level, code in enumerate(data.matieres, start=1):
        _sub(element, f"CodeMatiere{level}", CodeMatiere=code)
    _sub(element, "Objet", data.objet)
    if data.previous_id_acte:
        _sub(element, "PrecedentIdentifiantActe", IDActe=data.previous_id_acte)
    _sub(element, "ClassificationDateVersion", _iso(data.classification_date))
    _file(element, "Document", data.act_name)
    annexes = _sub(element, "Annexes", Nombre=len(data.annexes))
    for name in data.annex_names:
        _file(annexes, "Annexe", name)
    _sub(element, "DocumentPapier", "O" if data.paper_documents else "N")


# --- What the collectivité sends --------------------------------------------------------------------

def build_message(data: ActeData) -> bytes:
    """The business message ``actes:Acte`` (flow 1-1), ISO-8859-1."""
    data.check()
    root = _root("Acte")
    _acte_content(root, data)
    return serialize(root)


def _emails(data: ActeData, return_emails) -> list[str]:
    emails = list(return_emails or data.return_emails)
    if not emails and data.referent and data.referent.email:
        emails = [data.referent.email]
    if not emails:
        raise ActesError("Aucune adresse de retour n'est connue pour l'enveloppe @CTES : renseignez le courriel "
                         "du référent (secrétariat des assemblées) ou HEMICYCLE_ACTES_RETURN_EMAIL.")
    bad = [e for e in emails if not _EMAIL.match(e)]
    if bad:
        raise ActesError(f"Adresse de retour « {bad[0]} » refusée par le schéma @CTES.")
    return emails


def build_envelope(data: ActeData, serial: int, files=None, referent: Referent | None = None, *,
                   return_emails=None) -> bytes:
    """The envelope ``actes:EnveloppeCLMISILL``: emitter, referent, return addresses and the list of
    business messages it carries (``files``, default: this act's ``_0.xml`` message)."""
    data.check()
    if serial < 1:
        raise ActesError("Le numéro de série de l'enveloppe commence à 1.")
    referent = referent or data.referent
    root = _root("EnveloppeCLMISILL")
    emitter = _sub(root, "Emetteur")
    idcl = _sub(emitter, "IDCL")
    idcl.set(f"{{{INSEE_NS}}}SIREN", data.siren)
    idcl.set(_q("Departement"), data.department)
    idcl.set(_q("Arrondissement"), data.arrondissement)
    idcl.set(_q("Nature"), data.authority_nature)
    if referent and (referent.name or referent.phone or referent.email):
        ref = _sub(emitter, "Referent")
        if referent.name:
            _sub(ref, "Nom", one_line(referent.name))
        if referent.phone:
            _sub(ref, "Telephone", one_line(referent.phone))
        if referent.email:
            if not _EMAIL.match(referent.email):
                raise ActesError(f"Adresse du référent « {referent.email} » refusée par le schéma @CTES.")
            _sub(ref, "Email", referent.email)
    addresses = _sub(root, "AdressesRetour")
    for email in _emails(data, return_emails):
        _sub(addresses, "Email", email)
    forms = _sub(root, "FormulairesEnvoyes")
    for name in (files or [data.message_name]):
        _file(forms, "Formulaire", name)
    return serialize(root)


@dataclass
class ActesArchive:
    name: str  # HEM-EACT--217500016--20261120-1.tar.gz
    data: bytes  # the .tar.gz
    files: dict = field(default_factory=dict)  # name → bytes, in archive order (envelope first)

    @property
    def envelope_name(self) -> str:
        return next(iter(self.files))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def pack(files: dict, when: date) -> bytes:
    """A reproducible .tar.gz of ``files`` (same input, same bytes: fixed times, owners, order)."""
    mtime = int(datetime(when.year, when.month, when.day, tzinfo=timezone.utc).timestamp())
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(content), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(content))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=mtime) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def build_archive(data: ActeData, serial: int, *, sent_on: date | None = None, trigramme: str = DEFAULT_TRIGRAMME,
                  referent: Referent | None = None, return_emails=None) -> ActesArchive:
    """The whole transmission: envelope, message, act and annexes in ``XXX-EACT--….tar.gz``."""
    if not _TRIGRAMME.match(trigramme or ""):
        raise ActesError(f"Trigramme d'application « {trigramme} » invalide : trois lettres ou chiffres.")
    sent_on = sent_on or date.today()
    envelope = build_envelope(data, serial, referent=referent, return_emails=return_emails)
    files = {envelope_name(data.siren, sent_on, serial): envelope,
             data.message_name: build_message(data),
             data.act_name: data.act.content}
    for name, annex in zip(data.annex_names, data.annexes, strict=True):
        files[name] = annex.content
    return ActesArchive(archive_name(data.siren, sent_on, serial, trigramme), pack(files, sent_on), files)


# --- What the collectivité answers to the prefecture -----------------------------------------------

def build_response(kind: str, id_acte_value: str, letter_date: date, file_names) -> bytes:
    """An answer to a prefecture letter: ReponseCourrierSimple (2-2), RefusPieceComplementaire (3-3),
    PieceComplementaire (3-4, several documents), RejetLettreObservations (4-3) or
    ReponseLettreObservations (4-4). ``letter_date`` is the date of the prefecture's letter."""
    if kind not in RESPONSE_KINDS:
        raise ActesError(f"Type de réponse « {kind} » inconnu.")
    names = list(file_names)
    if not names:
        raise ActesError("Une réponse à la préfecture comporte au moins un document.")
    root = _courrier_root(kind, id_acte_value, letter_date)
    if kind == "PieceComplementaire":
        documents = _sub(root, "Documents")
        for name in names:
            _file(documents, "Document", name)
    else:
        if len(names) != 1:
            raise ActesError(f"La réponse {kind} comporte un seul document.")
        _file(root, "Document", names[0])
    return serialize(root)


def build_ar_courrier(kind: str, id_acte_value: str, letter_date: date) -> bytes:
    """The collectivité's acknowledgement of a request for pieces (3-2) or of observations (4-2)."""
    if kind not in AR_COURRIER_KINDS:
        raise ActesError(f"Type d'accusé de réception « {kind} » inconnu.")
    return serialize(_courrier_root(kind, id_acte_value, letter_date))


def build_annulation(id_acte_value: str) -> bytes:
    """Cancellation of a transmission (flow 6-1)."""
    root = _root("Annulation")
    root.set(_q("IDActe"), _checked_id(id_acte_value))
    return serialize(root)


# --- What the prefecture sends (used by the simulator and the tests) ------------------------------------

def _checked_id(value: str) -> str:
    if not ID_ACTE.match(value or ""):
        raise ActesError(f"IDActe « {value} » invalide (attendu : DEPT-SIREN-AAAAMMJJ-NUMERO-NATURE).")
    return value


def _courrier_root(kind: str, id_acte_value: str, letter_date: date):
    root = _root(kind)
    root.set(_q("IDActe"), _checked_id(id_acte_value))
    root.set(_q("DateCourrierPref"), _iso(letter_date))
    return root


def _acte_recu(parent, acte, name: str = "ActeRecu") -> None:
    """Copy the act as received (an ActeData, or the bytes of its actes:Acte message)."""
    if isinstance(acte, ActeData):
        _acte_content(_sub(parent, name), acte)
        return
    source = parse_xml(acte)
    if source.tag != _q("Acte"):
        raise ActesError("Le message à accuser n'est pas un actes:Acte.")
    element = _sub(parent, name)
    for key, value in source.attrib.items():
        if key.startswith(f"{{{ACTES_NS}}}"):
            element.set(key, value)
    for child in source:
        if isinstance(child.tag, str):
            element.append(_copy(child))


def _copy(element):
    clone = etree.Element(element.tag, attrib=dict(element.attrib), nsmap=NSMAP)
    clone.text = element.text.strip() if element.text and element.text.strip() else element.text
    for child in element:
        if isinstance(child.tag, str):
            clone.append(_copy(child))
    return clone


def build_ar_acte(id_acte_value: str, reception_date: date, acte, *, classification_date: date | None = None) -> bytes:
    """``actes:ARActe`` (flow 1-2): the act's IDActe, its reception date, the act as received and
    the current classification date (``classification_date``, default: the act's own)."""
    root = _root("ARActe")
    root.set(_q("IDActe"), _checked_id(id_acte_value))
    root.set(_q("DateReception"), _iso(reception_date))
    _acte_recu(root, acte)
    _sub(root, "ClassificationDateVersionEnCours", _iso(classification_date or _classification_of(acte)))
    return serialize(root)


def build_anomalie(reason: str, acte, *, on: date, nature: str = "001",
                   classification_date: date | None = None) -> bytes:
    """``actes:AnomalieActe`` (flow 1-3): the act was refused; ``reason`` is the ministry's Detail
    (e.g. "ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est pas à
    jour") and ``nature`` its three-digit code."""
    if not re.fullmatch(r"[0-9]{3}", nature):
        raise ActesError("Le code de nature d'une anomalie compte trois chiffres.")
    root = _root("AnomalieActe")
    _sub(root, "Date", _iso(on))
    _sub(root, "Nature", nature)
    _sub(root, "Detail", one_line(reason))
    _acte_recu(root, acte)
    _sub(root, "ClassificationDateVersionEnCours", _iso(classification_date or _classification_of(acte)))
    return serialize(root)


ENVELOPE_ANOMALY_NATURES = (1, 2, 3, 4, 5, 100)  # the XSD's enumeration (001 … 005, 100)


def build_anomalie_enveloppe(reason: str, envelope: bytes, *, on: date, nature: int = 1) -> bytes:
    """``actes:AnomalieEnveloppe``: the ministry rejects a whole envelope and sends it back."""
    if nature not in ENVELOPE_ANOMALY_NATURES:
        raise ActesError("Nature d'anomalie d'enveloppe inconnue (001 à 005 ou 100).")
    source = parse_xml(envelope)
    if source.tag != _q("EnveloppeCLMISILL"):
        raise ActesError("Le fichier rejeté n'est pas une enveloppe actes:EnveloppeCLMISILL.")
    root = _root("AnomalieEnveloppe")
    _sub(root, "Date", _iso(on))
    _sub(root, "Nature", f"{nature:03d}")
    _sub(root, "Detail", one_line(reason))
    received = _sub(root, "EnveloppeRecue")
    for child in source:
        if isinstance(child.tag, str):
            received.append(_copy(child))
    return serialize(root)


def build_courrier_simple(id_acte_value: str, letter_date: date, document_name: str) -> bytes:
    """``actes:CourrierSimple`` (2-1): a letter from the prefecture (the letter is the document)."""
    root = _courrier_root("CourrierSimple", id_acte_value, letter_date)
    _file(root, "Document", document_name)
    return serialize(root)


def build_demande_piece_complementaire(id_acte_value: str, letter_date: date, description: str,
                                       document_name: str) -> bytes:
    """``actes:DemandePieceComplementaire`` (3-1): missing pieces requested; restarts the 2 months."""
    root = _courrier_root("DemandePieceComplementaire", id_acte_value, letter_date)
    _sub(root, "DescriptionPieces", description)
    _file(root, "Document", document_name)
    return serialize(root)


def build_lettre_observations(id_acte_value: str, letter_date: date, motif: str, document_name: str) -> bytes:
    """``actes:LettreObservations`` (4-1): the prefect's observations (recours gracieux)."""
    root = _courrier_root("LettreObservations", id_acte_value, letter_date)
    _sub(root, "Motif", motif)
    _file(root, "Document", document_name)
    return serialize(root)


def build_defere_ta(id_acte_value: str, filed_on: date, nature_illegalite: str, pieces=()) -> bytes:
    """``actes:DefereTA`` (5-1): the prefect referred the act to the administrative court."""
    root = _root("DefereTA")
    root.set(_q("IDActe"), _checked_id(id_acte_value))
    _sub(root, "DateDepot", _iso(filed_on))
    _sub(root, "NatureIllegalite", nature_illegalite)
    attached = _sub(root, "PiecesJointes")
    for name in pieces:
        _file(attached, "PieceJointe", name)
    return serialize(root)


def build_ar_annulation(id_acte_value: str, reception_date: date) -> bytes:
    """``actes:ARAnnulation`` (6-2): the ministry acknowledges a cancellation."""
    root = _root("ARAnnulation")
    root.set(_q("IDActe"), _checked_id(id_acte_value))
    root.set(_q("DateReception"), _iso(reception_date))
    return serialize(root)


def prefecture_file_name(id_acte_value: str, kind: str, index: int, extension: str = "xml") -> str:
    """How a ministry message or its letter is named: ``{IDActe}-{T}-{F}_{n}.{ext}``
    (e.g. ``006-210600235-20180522-684-AI-1-2_5279.xml`` for an ARActe)."""
    return f"{_checked_id(id_acte_value)}-{FLOWS[kind]}_{index}.{extension}"


def build_prefecture_envelope(siren: str, department: str, files, *, arrondissement: str = "") -> bytes:
    """``actes:EnveloppeMISILLCL``: the ministry's envelope (prefecture, or sub-prefecture when an
    arrondissement is given) listing its messages for the collectivité ``siren``."""
    root = _root("EnveloppeMISILLCL")
    emitter = _sub(root, "Emetteur")
    if arrondissement and arrondissement != "0":
        _sub(emitter, "IDSousPref", Departement=department, Arrondissement=arrondissement)
    else:
        _sub(emitter, "IDPref", Departement=department)
    forms = _sub(root, "FormulairesEnvoyes")
    for name in files:
        _file(forms, "Formulaire", name)
    recipient = _sub(root, "Destinataire")
    recipient.set(f"{{{INSEE_NS}}}SIREN", siren)
    return serialize(root)


def build_prefecture_archive(siren: str, department: str, message_name: str, message: bytes, attachments=None, *,
                             sent_on: date | None = None, serial: int = 1) -> tuple[str, bytes]:
    """A ministry → collectivité archive: envelope, one business message and its attached files
    (``attachments``: name → bytes). Returns (archive name, .tar.gz bytes)."""
    sent_on = sent_on or date.today()
    prefecture = f"PREF{department}"
    envelope = f"{APPLICATION}--{prefecture}-{siren}-{sent_on:%Y%m%d}-{serial}.xml"
    files = {envelope: build_prefecture_envelope(siren, department, [message_name]), message_name: message}
    files.update(attachments or {})
    return f"MI-{envelope[:-4]}.tar.gz", pack(files, sent_on)


def _classification_of(acte) -> date:
    if isinstance(acte, ActeData):
        return acte.classification_date
    element = parse_xml(acte).find(_q("ClassificationDateVersion"))
    if element is None or not (element.text or "").strip():
        raise ActesError("Le message ne porte pas de date de classification.")
    return date.fromisoformat(element.text.strip())


# --- Reading -----------------------------------------------------------------------------------------

def parse_xml(data: bytes):
    """Parse XML from outside: no DTD, no entities, no network, no huge trees. Raises ActesError."""
    if _DTD.search(data.replace(b"\x00", b"")):
        raise ActesError("Le fichier XML contient une déclaration DTD (DOCTYPE / ENTITY) : refusé par sécurité.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ActesError(f"XML mal formé, ligne {exc.lineno} : {exc.msg}") from exc
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise ActesError("Le fichier XML contient des références d'entités : refusé par sécurité.")
    return root


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The official actesv1_1.xsd shipped in legality/schemas (it imports siret.xsd)."""
    with resources.as_file(resources.files("hemicycle.legality.schemas") / "actesv1_1.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)))


def validate_message(xml: bytes) -> list[str]:
    """XSD errors of any @CTES file (message or envelope), as French-prefixed lines; [] when valid."""
    try:
        document = parse_xml(xml)
    except ActesError as exc:
        return [f"Erreur : {exc}"]
    xsd = schema()
    if xsd.validate(document):
        return []
    return [f"Ligne {error.line} : {error.message}" for error in xsd.error_log]


@dataclass
class SubmittedArchive:
    """An archive as the prefecture reads it (used by the simulator and by tests)."""

    name: str
    envelope_name: str
    envelope: bytes
    siren: str
    department: str
    arrondissement: str
    message_name: str
    message: bytes
    number: str
    decision_date: date
    nature: str
    classification_date: date
    document_name: str
    annex_names: list
    files: dict  # name → bytes, every member

    @property
    def id_acte(self) -> str:
        return id_acte(self.department, self.siren, self.decision_date, self.number, self.nature)


def unpack(data: bytes, *, max_bytes: int = MAX_UNPACKED_BYTES, max_members: int = MAX_MEMBERS) -> dict:
    """The regular files of a .tar.gz (name → bytes), refusing links, directories with content
    outside the archive, absurd sizes and member counts. Raises ActesError."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ActesError(f"L'archive dépasse {MAX_ARCHIVE_BYTES // (1024 * 1024)} Mo.")
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for count, member in enumerate(tar, start=1):
                if count > max_members:
                    raise ActesError(f"L'archive contient plus de {max_members} fichiers.")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise ActesError(f"L'archive contient « {member.name} », qui n'est pas un fichier ordinaire.")
                name = member.name
                if name.startswith("./"):
                    name = name[2:]
                if "/" in name or "\\" in name or name.startswith(".") or not name:
                    raise ActesError(f"Nom de fichier refusé dans l'archive : « {member.name} ».")
                total += member.size
                if total > max_bytes:
                    raise ActesError(f"L'archive décompressée dépasse {max_bytes // (1024 * 1024)} Mo.")
                handle = tar.extractfile(member)
                files[name] = handle.read(member.size + 1) if handle else b""
                if len(files[name]) != member.size:
                    raise ActesError(f"Le fichier « {name} » de l'archive est tronqué.")
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise ActesError(f"Archive .tar.gz illisible : {exc}") from exc
    return files


def _attr(element, name: str) -> str:
    return (element.get(_q(name)) or "").strip()


def read_archive(data: bytes, name: str = "") -> SubmittedArchive:
    """Open a collectivité's archive as the ministry would, checking that every file the envelope
    and the message announce is there. Raises ActesError. (XSD validation: validate_message.)"""
    files = unpack(data)
    envelopes = [n for n in files if re.fullmatch(r"EACT--\d{9}--\d{8}-\d+\.xml", n)]
    if len(envelopes) != 1:
        raise ActesError(f"L'archive doit contenir une enveloppe EACT--SIREN--AAAAMMJJ-n.xml ({len(envelopes)} trouvée(s)).")
    envelope = parse_xml(files[envelopes[0]])
    if envelope.tag != _q("EnveloppeCLMISILL"):
        raise ActesError("L'enveloppe n'est pas un actes:EnveloppeCLMISILL.")
    idcl = envelope.find(f"{_q('Emetteur')}/{_q('IDCL')}")
    if idcl is None:
        raise ActesError("L'enveloppe n'identifie pas la collectivité (IDCL).")
    forms = [(el.text or "").strip() for el in envelope.iterfind(f".//{_q('Formulaire')}/{_q('NomFichier')}")]
    if len(forms) != 1:
        raise ActesError("L'enveloppe doit annoncer exactement un message (FormulairesEnvoyes).")
    message_name = forms[0]
    if message_name not in files:
        raise ActesError(f"Le message annoncé « {message_name} » est absent de l'archive.")
    message = files[message_name]
    acte = parse_xml(message)
    if acte.tag != _q("Acte"):
        raise ActesError("Le message n'est pas un actes:Acte.")
    document = (acte.findtext(f"{_q('Document')}/{_q('NomFichier')}") or "").strip()
    annexes = [(el.text or "").strip() for el in acte.iterfind(f"{_q('Annexes')}/{_q('Annexe')}/{_q('NomFichier')}")]
    for needed in [document, *annexes]:
        if needed not in files:
            raise ActesError(f"Le fichier « {needed} » annoncé par le message est absent de l'archive.")
    try:
        nature = NATURE_BY_CODE[int(_attr(acte, "CodeNatureActe"))]
        decision_date = date.fromisoformat(_attr(acte, "Date"))
        classification_date = date.fromisoformat((acte.findtext(_q("ClassificationDateVersion")) or "").strip())
    except (KeyError, ValueError) as exc:
        raise ActesError(f"Message actes:Acte incomplet ou invalide : {exc}") from exc
    return SubmittedArchive(
        name=name, envelope_name=envelopes[0], envelope=files[envelopes[0]],
        siren=(idcl.get(f"{{{INSEE_NS}}}SIREN") or "").strip(), department=_attr(idcl, "Departement"),
        arrondissement=_attr(idcl, "Arrondissement"), message_name=message_name, message=message,
        number=_attr(acte, "NumeroInterne"), decision_date=decision_date, nature=nature,
        classification_date=classification_date, document_name=document, annex_names=annexes, files=files)


# --- Django adapter ------------------------------------------------------------------------------------

def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def classification_for(act):
    """The classification version a new transmission of ``act`` uses: the authority's latest
    (the ministry refuses an out-of-date ClassificationDateVersion), provided the act's matière is
    still in it. Raises ActesError otherwise."""
    from hemicycle.acts.matieres import latest_classification
    from hemicycle.acts.models import Matiere

    version = latest_classification(act.authority)
    if version is None:
        raise ActesError("Aucune classification des actes n'a été importée pour la collectivité : importez la "
                         "classification reçue de la préfecture avant de transmettre.")
    codes = [c for c in (act.matiere_codes or []) if c]
    deepest = max(codes, key=lambda c: c.count("."), default="")
    if deepest and not Matiere.objects.filter(version=version, code=deepest).exists():
        raise ActesError(f"La matière {deepest} de l'acte {act.reference} n'existe pas dans la classification du "
                         f"{version.version_date:%d/%m/%Y} : reclassez l'acte avant de le transmettre.")
    return version


def _referent_user(authority):
    from hemicycle.accounts.models import User
    from hemicycle.core.roles import Role

    users = (User.objects.filter(authority=authority, is_active=True, role_assignments__role=Role.SECRETARIAT)
             .exclude(email="").order_by("pk").distinct())
    return next((u for u in users if _EMAIL.match(u.email)), None)


def acte_data_for(act, *, transmission=None, referent_user=None) -> ActeData:
    """Everything @CTES needs about ``act``, read from the database and the blob store.

    The act file is its final document (``act.final``, signed: an unsigned act is not sent); the
    annexes are those marked "transmise en préfecture"; the classification is the one the
    ``transmission`` was made with when given, else :func:`classification_for`. Raises ActesError
    (French message) when the act cannot be transmitted."""
    from django.conf import settings

    from hemicycle.core import blobs
    from hemicycle.documents.models import FinalDocument

    authority = act.authority
    final = FinalDocument.objects.filter(act=act).first()
    if final is None:
        raise ActesError(f"L'acte {act.reference} n'a pas de document définitif : générez-le et faites-le signer "
                         "avant de le transmettre.")
    if final.state != FinalDocument.State.SIGNED or not final.signed_sha256:
        if act.nature == "DE":
            raise ActesError(f"La délibération {act.reference} n'est pas signée : elle doit l'être avant sa "
                             "transmission au contrôle de légalité.")
        raise ActesError(f"L'acte {act.reference} n'est pas signé : il doit l'être avant sa transmission au "
                         "contrôle de légalité.")
    if act.nature not in NATURE_CODES:
        raise ActesError(f"Nature d'acte « {act.nature} » inconnue de @CTES.")
    matieres = matiere_levels(act.matiere_codes)
    if transmission is not None and transmission.classification_version_id:
        version = transmission.classification_version
    else:
        version = classification_for(act)
    annexes = []
    for annex in act.annexes.filter(sent_to_prefecture=True, removed_at__isnull=True).order_by("position", "pk"):
        annexes.append(Piece(content=blobs.get(annex.sha256), piece_type=DEFAULT_ANNEX_PIECE_TYPE,
                             extension=_extension(annex.original_name) or "bin", title=annex.title))
    user = referent_user or _referent_user(authority)
    referent = None
    if user is not None:
        referent = Referent(name=user.get_full_name() or user.username, email=user.email)
    configured = getattr(settings, "HEMICYCLE_ACTES_RETURN_EMAIL", "") or os.environ.get("HEMICYCLE_ACTES_RETURN_EMAIL", "")
    return_emails = (configured,) if configured else ((user.email,) if user is not None else ())
    natures = {**AUTHORITY_NATURE_CODES, **getattr(settings, "HEMICYCLE_ACTES_AUTHORITY_NATURE", {})}
    if authority.kind not in natures:
        raise ActesError(f"Le code « nature de la collectivité » @CTES n'est pas configuré pour une collectivité de "
                         f"type {authority.kind} : renseignez HEMICYCLE_ACTES_AUTHORITY_NATURE.")
    data = ActeData(
        siren=authority.siren, department=authority.department_code, arrondissement=authority.arrondissement or "0",
        decision_date=final.decision_date, number=numero_interne(act.reference), nature=act.nature,
        matieres=matieres, object=act.object, classification_date=version.version_date,
        act=Piece(content=blobs.get(final.signed_sha256), piece_type=ACT_PIECE_TYPES[act.nature], title=act.object),
        annexes=tuple(annexes), reference=act.reference, authority_nature=natures[authority.kind],
        referent=referent, return_emails=return_emails)
    data.check()
    return data


def trigramme() -> str:
    """The archive-name trigram (settings.HEMICYCLE_ACTES_TRIGRAMME, default HEM)."""
    from django.conf import settings

    return getattr(settings, "HEMICYCLE_ACTES_TRIGRAMME", "") or os.environ.get("HEMICYCLE_ACTES_TRIGRAMME", "") \
        or DEFAULT_TRIGRAMME


def transmission_obligation(act):
    """Whether ``act`` must go to the legality control (rules/transmission.must_transmit, L2131-2),
    from its nature, its matière (4.2 non-tenured staff, 6.1 police, 2.2 planning permits…), its
    amount and the authority's kind. Exemptions and delegation are not recorded on acts: a
    deliberation is taken as transmissible, which is the rule (L2131-2 1°)."""
    from hemicycle.rules.transmission import must_transmit, subject_from_matiere

    codes = [c for c in (act.matiere_codes or []) if c]
    deepest = max(codes, key=lambda c: c.count("."), default="")
    return must_transmit(act.nature, subject=subject_from_matiere(deepest), amount=act.amount,
                         authority_kind=act.authority.kind)
