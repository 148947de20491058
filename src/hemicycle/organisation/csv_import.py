"""CSV imports of members (élus) and departments: read, check line by line, then apply.

``plan_*`` never writes: it decodes the file (UTF-8 with or without BOM, else Windows-1252),
sniffs the separator (; or ,), and returns one ``PlanLine`` per data line with what would be
created or updated and the errors in French (line, column, message). ``apply_*`` writes the
valid lines of a plan; it is called by ``organisation.actions`` inside a transaction, which
checks rights and writes the journal.
"""

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import Authority, Committee, Department, Mandate, Member, PoliticalGroup

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_LINES = 5000

MEMBER_COLUMNS = ["civilite", "prenom", "nom", "date_naissance", "courriel", "groupe", "fonction",
                  "debut_mandat", "convocation_papier", "commissions"]
MEMBER_REQUIRED = ["civilite", "prenom", "nom"]
DEPARTMENT_COLUMNS = ["code", "nom", "code_parent"]
DEPARTMENT_REQUIRED = ["code", "nom"]

# Column documentation shown on the import pages: (column, required, description).
MEMBER_COLUMN_HELP = [
    ("civilite", True, "Mme ou M."),
    ("prenom", True, "Prénom de l'élu."),
    ("nom", True, "Nom de l'élu."),
    ("date_naissance", False, "Date de naissance au format JJ/MM/AAAA."),
    ("courriel", False, "Adresse électronique."),
    ("groupe", False, "Sigle du groupe politique (par exemple MAJ)."),
    ("fonction", False, "Fonction du mandat (par exemple « Adjointe au maire »), avec debut_mandat."),
    ("debut_mandat", False, "Date de début du mandat au format JJ/MM/AAAA, avec fonction."),
    ("convocation_papier", False, "oui ou non (non par défaut)."),
    ("commissions", False, "Sigles des commissions séparés par | (par exemple CULT|FIN)."),
]
DEPARTMENT_COLUMN_HELP = [
    ("code", True, "Code de la direction : lettres majuscules, chiffres, - ou _ (par exemple DAC)."),
    ("nom", True, "Nom de la direction ou du service."),
    ("code_parent", False, "Code de la direction parente (déjà existante ou présente dans le fichier) ; "
                           "vide pour une direction de premier niveau."),
]
MEMBER_TEMPLATE_ROWS = [
    ["Mme", "Claire", "Dupont", "14/03/1971", "claire.dupont@example.org", "MAJ", "Adjointe au maire",
     "04/07/2020", "non", "CULT|FIN"],
    ["M.", "Hervé", "Lefèvre", "", "", "OPP", "Conseiller municipal", "04/07/2020", "oui", ""],
]
DEPARTMENT_TEMPLATE_ROWS = [
    ["DAC", "Direction des affaires culturelles", ""],
    ["DAC-PAT", "Bureau du patrimoine", "DAC"],
]

_HEADER_ALIASES = {
    "civilite": "civilite", "prenom": "prenom", "nom": "nom", "date_naissance": "date_naissance",
    "date_de_naissance": "date_naissance", "naissance": "date_naissance", "courriel": "courriel",
    "email": "courriel", "e_mail": "courriel", "mail": "courriel", "groupe": "groupe",
    "groupe_politique": "groupe", "fonction": "fonction", "debut_mandat": "debut_mandat",
    "debut_du_mandat": "debut_mandat", "convocation_papier": "convocation_papier", "commissions": "commissions",
    "code": "code", "code_parent": "code_parent", "parent": "code_parent",
}
_CIVILITIES = {"mme": "Mme", "madame": "Mme", "m.": "M.", "m": "M.", "monsieur": "M.", "mr": "M.", "mr.": "M."}
_YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
_NO = {"non", "n", "no", "0", "faux", "false", ""}
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")


class CsvFileError(Exception):
    """The file as a whole cannot be read (not text, too large, missing columns…)."""


@dataclass
class LineError:
    line: int
    column: str
    message: str


@dataclass
class PlanLine:
    line: int
    values: dict  # the raw cells, by canonical column
    action: str = "create"  # create | update | unchanged | error
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    target: object = None

    def error(self, column: str, message: str) -> None:
        self.errors.append(LineError(self.line, column, message))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def action_label(self) -> str:
        if self.errors:
            return "Erreur"
        return {"create": "Création", "update": "Mise à jour", "unchanged": "Sans changement"}[self.action]


@dataclass
class Plan:
    kind: str
    sha256: str
    encoding: str = ""
    delimiter: str = ";"
    columns: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    new_groups: list = field(default_factory=list)

    @property
    def errors(self) -> list:
        return [e for line in self.lines for e in line.errors]

    @property
    def error_lines(self) -> list[int]:
        return [line.line for line in self.lines if line.errors]

    @property
    def to_create(self) -> int:
        return sum(1 for line in self.lines if line.ok and line.action == "create")

    @property
    def to_update(self) -> int:
        return sum(1 for line in self.lines if line.ok and line.action == "update")

    @property
    def applicable(self) -> int:
        return self.to_create + self.to_update

    @property
    def unchanged(self) -> int:
        return sum(1 for line in self.lines if line.ok and line.action == "unchanged")

    @property
    def table(self) -> list:
        """[(line, [cells in column order])] for the preview table."""
        return [(line, [line.values.get(c, "") for c in self.columns]) for line in self.lines]


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    touched: list = field(default_factory=list)  # (object, created?)
    new_groups: list = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------

def decode(content: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise CsvFileError("Le fichier n'est pas un texte lisible.") from exc
    if b"\x00" in content:
        raise CsvFileError("Le fichier n'est pas un fichier texte CSV.")
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "ISO-8859-1"


def _normalise_header(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\s\-']+", "_", text).strip("_")
    return _HEADER_ALIASES.get(text, text)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def read_rows(content: bytes, known: list[str], required: list[str]):
    """(encoding, delimiter, columns, warnings, [(line number, {column: cell})])."""
    if len(content) > MAX_CSV_BYTES:
        raise CsvFileError(f"Le fichier dépasse {MAX_CSV_BYTES // (1024 * 1024)} Mo.")
    text, encoding = decode(content)
    if not text.strip():
        raise CsvFileError("Le fichier est vide.")
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    rows, warnings = [], []
    try:
        for cells in reader:
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                header = [_normalise_header(c) for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_CSV_LINES:
                raise CsvFileError(f"Le fichier compte plus de {MAX_CSV_LINES} lignes ; découpez-le.")
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise CsvFileError(f"Ligne {reader.line_num} illisible : {exc}.") from exc
    if header is None:
        raise CsvFileError("Le fichier ne contient pas de ligne d'en-tête.")
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvFileError(
            "Colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing)
            + ". La première ligne doit contenir les noms des colonnes : " + ";".join(known) + ".")
    seen = set()
    for name in header:
        if name in seen and name in known:
            raise CsvFileError(f"La colonne {name} figure deux fois dans l'en-tête.")
        seen.add(name)
        if name and name not in known:
            warnings.append(f"Colonne « {name} » inconnue : elle est ignorée.")
    result = []
    for line_number, cells in rows:
        values = {name: "" for name in known}
        extra = cells[len(header):]
        for name, cell in zip(header, cells):
            if name in known:
                values[name] = cell.strip()
        row = (line_number, values, any(c.strip() for c in extra))
        result.append(row)
    return encoding, delimiter, [c for c in known if c in header], warnings, result


def parse_date(raw: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _known_list(names) -> str:
    names = sorted(names)
    return ", ".join(names) if names else "aucun n'est encore défini"


def template_csv(kind: str) -> bytes:
    """A template file (UTF-8 with BOM for spreadsheets, ; separator) with example lines."""
    columns, rows = ((MEMBER_COLUMNS, MEMBER_TEMPLATE_ROWS) if kind == "members"
                     else (DEPARTMENT_COLUMNS, DEPARTMENT_TEMPLATE_ROWS))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- departments --------------------------------------------------------------------------

def plan_departments(authority: Authority, content: bytes) -> Plan:
    """What a departments CSV would create or update, with its errors line by line."""
    plan = Plan(kind="departments", sha256=hashlib.sha256(content).hexdigest())
    plan.encoding, plan.delimiter, plan.columns, plan.warnings, rows = read_rows(
        content, DEPARTMENT_COLUMNS, DEPARTMENT_REQUIRED)
    existing = {d.code: d for d in Department.objects.filter(authority=authority).select_related("parent")}
    by_code: dict[str, PlanLine] = {}
    for line_number, values, extra in rows:
        pl = PlanLine(line=line_number, values=values)
        plan.lines.append(pl)
        if extra:
            pl.error("", "La ligne contient plus de cellules que l'en-tête.")
        code = values["code"].upper()
        name = " ".join(values["nom"].split())
        parent_code = values["code_parent"].upper()
        if not code:
            pl.error("code", "Code manquant.")
        elif len(code) > 20 or not _CODE_RE.match(code):
            pl.error("code", f"Code « {values['code']} » invalide : lettres majuscules, chiffres, - ou _ "
                             "(20 caractères au plus).")
        elif code in by_code:
            pl.error("code", f"Code « {code} » en double (déjà ligne {by_code[code].line}).")
        else:
            by_code[code] = pl
        if not name:
            pl.error("nom", "Nom manquant.")
        elif len(name) > 200:
            pl.error("nom", "Nom trop long (200 caractères au plus).")
        if parent_code and parent_code == code:
            pl.error("code_parent", "Une direction ne peut pas être sa propre direction parente.")
        pl.data = {"code": code, "name": name, "parent_code": parent_code}
        pl.target = existing.get(code)
    # Parents: known in the database or in the file.
    for pl in plan.lines:
        parent_code = pl.data["parent_code"]
        if parent_code and parent_code != pl.data["code"] and parent_code not in by_code and parent_code not in existing:
            pl.error("code_parent", f"Direction parente « {parent_code} » inconnue : elle n'existe pas et ne "
                                    "figure pas dans le fichier.")
    # The resulting tree must have no cycle.
    parents = {code: (d.parent.code if d.parent_id else "") for code, d in existing.items()}
    for code, pl in by_code.items():
        parents[code] = pl.data["parent_code"]
    for code, pl in by_code.items():
        chain, node = [code], parents.get(code, "")
        while node and node not in chain:
            chain.append(node)
            node = parents.get(node, "")
        if node == code and len(chain) > 1 and not pl.errors:
            pl.error("code_parent", "Rattachement circulaire : " + " → ".join(chain + [code]) + ".")
    # A line whose parent line is in error cannot be applied either.
    changed = True
    while changed:
        changed = False
        for pl in plan.lines:
            parent_line = by_code.get(pl.data["parent_code"])
            if pl.ok and parent_line is not None and parent_line is not pl and not parent_line.ok:
                pl.error("code_parent", f"La direction parente « {pl.data['parent_code']} » est en erreur "
                                        f"(ligne {parent_line.line}).")
                changed = True
    for pl in plan.lines:
        if not pl.ok:
            pl.action = "error"
            continue
        dept = pl.target
        if dept is None:
            pl.action = "create"
            continue
        current_parent = dept.parent.code if dept.parent_id else ""
        diffs = []
        if dept.name != pl.data["name"]:
            diffs.append(f"nom : « {dept.name} » → « {pl.data['name']} »")
        if current_parent != pl.data["parent_code"]:
            diffs.append(f"parente : {current_parent or '(aucune)'} → {pl.data['parent_code'] or '(aucune)'}")
        pl.action = "update" if diffs else "unchanged"
        pl.notes.extend(diffs)
        if not dept.active:
            pl.notes.append("direction désactivée : elle le reste")
    return plan


def apply_departments(plan: Plan, authority: Authority) -> ApplyResult:
    """Write the valid lines of a departments plan (inside the caller's transaction)."""
    result = ApplyResult()
    todo = [pl for pl in plan.lines if pl.ok and pl.action in ("create", "update")]
    objects = {d.code: d for d in Department.objects.select_for_update().filter(authority=authority)}
    for pl in todo:
        dept = objects.get(pl.data["code"])
        created = dept is None
        if created:
            dept = Department(authority=authority, code=pl.data["code"])
        dept.name = pl.data["name"]
        if created:
            dept.full_clean(exclude=["authority", "parent"], validate_unique=False)
            dept.save()
            objects[dept.code] = dept
        result.touched.append((dept, created))
        if created:
            result.created += 1
        else:
            result.updated += 1
    for pl in todo:
        dept = objects[pl.data["code"]]
        dept.parent = objects.get(pl.data["parent_code"]) if pl.data["parent_code"] else None
        dept.full_clean(exclude=["authority"], validate_unique=False)
        dept.save()
    return result


# --- members ------------------------------------------------------------------------------

def _member_key(first_name: str, last_name: str) -> tuple[str, str]:
    return (" ".join(last_name.split()).casefold(), " ".join(first_name.split()).casefold())


def plan_members(authority: Authority, content: bytes, *, create_groups: bool = False) -> Plan:
    """What a members CSV would create or update, with its errors line by line.

    Empty cells leave an existing member's value unchanged; a non-empty ``commissions`` cell
    replaces the member's committees; ``fonction`` + ``debut_mandat`` add a mandate unless it
    already exists."""
    plan = Plan(kind="members", sha256=hashlib.sha256(content).hexdigest())
    plan.encoding, plan.delimiter, plan.columns, plan.warnings, rows = read_rows(
        content, MEMBER_COLUMNS, MEMBER_REQUIRED)
    groups = {g.short_name.casefold(): g for g in PoliticalGroup.objects.filter(authority=authority)}
    committees = {c.short_name.casefold(): c for c in Committee.objects.filter(authority=authority)}
    existing: dict[tuple, list[Member]] = {}
    for m in Member.objects.filter(authority=authority).select_related("group").prefetch_related("committees", "mandates"):
        existing.setdefault(_member_key(m.first_name, m.last_name), []).append(m)
    seen: dict[tuple, int] = {}
    new_groups: dict[str, str] = {}
    for line_number, values, extra in rows:
        pl = PlanLine(line=line_number, values=values)
        plan.lines.append(pl)
        data = pl.data
        if extra:
            pl.error("", "La ligne contient plus de cellules que l'en-tête.")
        civility = _CIVILITIES.get(values["civilite"].casefold())
        if not values["civilite"]:
            pl.error("civilite", "Civilité manquante : indiquez Mme ou M.")
        elif civility is None:
            pl.error("civilite", f"Civilité « {values['civilite']} » inconnue : indiquez Mme ou M.")
        data["civility"] = civility
        for column, key in (("prenom", "first_name"), ("nom", "last_name")):
            value = " ".join(values[column].split())
            if not value:
                pl.error(column, "Prénom manquant." if column == "prenom" else "Nom manquant.")
            elif len(value) > 100:
                pl.error(column, "Valeur trop longue (100 caractères au plus).")
            data[key] = value
        for column, key in (("date_naissance", "birth_date"), ("debut_mandat", "start_date")):
            data[key] = None
            if values[column]:
                try:
                    data[key] = parse_date(values[column])
                except ValueError:
                    pl.error(column, f"Date « {values[column]} » invalide : format attendu JJ/MM/AAAA.")
        if data["birth_date"] and data["birth_date"] > date.today():
            pl.error("date_naissance", "La date de naissance est dans le futur.")
        data["email"] = values["courriel"]
        if values["courriel"]:
            try:
                validate_email(values["courriel"])
            except ValidationError:
                pl.error("courriel", f"Adresse électronique « {values['courriel']} » invalide.")
        data["group"] = None
        data["new_group"] = ""
        if values["groupe"]:
            group = groups.get(values["groupe"].casefold())
            if group is not None:
                data["group"] = group
            elif create_groups:
                if len(values["groupe"]) > 30:
                    pl.error("groupe", "Sigle de groupe trop long (30 caractères au plus).")
                else:
                    sigle = new_groups.setdefault(values["groupe"].casefold(), values["groupe"])
                    data["new_group"] = sigle
                    pl.notes.append(f"groupe {sigle} créé")
            else:
                pl.error("groupe", f"Groupe « {values['groupe']} » inconnu. Groupes connus : "
                                   f"{_known_list(g.short_name for g in groups.values())}. "
                                   "Cochez « créer les groupes inconnus » pour le créer.")
        data["function"] = " ".join(values["fonction"].split())
        if len(data["function"]) > 200:
            pl.error("fonction", "Fonction trop longue (200 caractères au plus).")
        if data["function"] and not values["debut_mandat"]:
            pl.error("debut_mandat", f"Date de début du mandat manquante pour la fonction « {data['function']} ».")
        if values["debut_mandat"] and not data["function"]:
            pl.error("fonction", "Fonction manquante pour la date de début du mandat.")
        paper = values["convocation_papier"].casefold()
        data["paper_convocation"] = None
        if paper in _YES:
            data["paper_convocation"] = True
        elif paper in _NO:
            data["paper_convocation"] = False if paper else None
        else:
            pl.error("convocation_papier", f"Valeur « {values['convocation_papier']} » invalide : indiquez oui ou non.")
        data["committees"] = None
        if values["commissions"]:
            found = []
            for sigle in [s.strip() for s in values["commissions"].split("|") if s.strip()]:
                committee = committees.get(sigle.casefold())
                if committee is None:
                    pl.error("commissions", f"Commission « {sigle} » inconnue. Commissions connues : "
                                            f"{_known_list(c.short_name for c in committees.values())}.")
                elif committee not in found:
                    found.append(committee)
            data["committees"] = found
        # Who is it? Same first and last name (and birth date when both are known).
        if data["first_name"] and data["last_name"]:
            key = _member_key(data["first_name"], data["last_name"])
            file_key = key + (data["birth_date"],)
            if file_key in seen:
                pl.error("nom", f"Élu en double dans le fichier (déjà ligne {seen[file_key]}).")
            else:
                seen[file_key] = line_number
            candidates = [m for m in existing.get(key, [])
                          if not (data["birth_date"] and m.birth_date and m.birth_date != data["birth_date"])]
            if len(candidates) > 1:
                pl.error("nom", "Plusieurs élus portent ce nom : précisez la date de naissance pour les distinguer.")
            elif candidates:
                pl.target = candidates[0]
        if not pl.ok:
            pl.action = "error"
        elif pl.target is None:
            pl.action = "create"
        else:
            diffs = _member_diffs(pl.target, data)
            pl.notes[:0] = diffs
            pl.action = "update" if diffs else "unchanged"
    plan.new_groups = sorted(new_groups.values())
    return plan


def _member_diffs(member: Member, data: dict) -> list[str]:
    diffs = []
    for key, label in (("civility", "civilité"), ("birth_date", "date de naissance"), ("email", "courriel"),
                       ("paper_convocation", "convocation papier")):
        value = data[key]
        if value not in (None, "") and getattr(member, key) != value:
            diffs.append(f"{label} modifiée")
    if data["group"] is not None and member.group_id != data["group"].pk:
        diffs.append(f"groupe → {data['group'].short_name}")
    if data["new_group"]:
        diffs.append(f"groupe → {data['new_group']}")
    if data["committees"] is not None and {c.pk for c in member.committees.all()} != {c.pk for c in data["committees"]}:
        diffs.append("commissions → " + ", ".join(c.short_name for c in data["committees"]))
    if data["function"] and not any(m.function == data["function"] and m.start_date == data["start_date"]
                                    for m in member.mandates.all()):
        diffs.append(f"nouveau mandat : {data['function']}")
    return diffs


def apply_members(plan: Plan, authority: Authority) -> ApplyResult:
    """Write the valid lines of a members plan (inside the caller's transaction)."""
    result = ApplyResult()
    created_groups: dict[str, PoliticalGroup] = {}
    for pl in plan.lines:
        if not pl.ok or pl.action not in ("create", "update"):
            continue
        data = pl.data
        group = data["group"]
        if data["new_group"]:
            group = created_groups.get(data["new_group"].casefold())
            if group is None:
                group = PoliticalGroup.objects.filter(authority=authority,
                                                      short_name__iexact=data["new_group"]).first()
            if group is None:
                group = PoliticalGroup.objects.create(authority=authority, name=data["new_group"],
                                                      short_name=data["new_group"])
                result.new_groups.append(group)
            created_groups[data["new_group"].casefold()] = group
        created = pl.target is None
        member = Member(authority=authority) if created else Member.objects.select_for_update().get(pk=pl.target.pk)
        member.first_name, member.last_name = data["first_name"], data["last_name"]
        member.civility = data["civility"]
        if data["birth_date"]:
            member.birth_date = data["birth_date"]
        if data["email"]:
            member.email = data["email"]
        if group is not None:
            member.group = group
        if data["paper_convocation"] is not None:
            member.paper_convocation = data["paper_convocation"]
        member.full_clean(exclude=["authority"])
        member.save()
        if data["committees"] is not None:
            member.committees.set(data["committees"])
        if data["function"] and not member.mandates.filter(function=data["function"],
                                                           start_date=data["start_date"]).exists():
            Mandate.objects.create(member=member, function=data["function"], start_date=data["start_date"])
        result.touched.append((member, created))
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result
