"""Replay a sitting record: what the rules make of a sitting described as JSON.

The format is documented in docs/sitting-record.md (examples in docs/examples/). ``replay``
takes the decoded record and returns a JSON-ready dict: the convocation's validity, the
proxies, the quorum, and per item the tallies, the outcome and every legal error found.

Two kinds of problems:
- a record that cannot be read (not JSON, a required key missing, a date that is not a date,
  a count that is not a number, two members with the same id) raises ``RecordError`` with a
  French message: nothing can be computed from it;
- a record that can be read but describes irregularities (unknown member ids, two proxies to
  one holder, an interested member voting, a vote from an absent member without proxy, a vote
  value outside pour/contre/abstention/nppv, a ballot the requests did not allow…) is replayed:
  each irregularity is reported as a ``RuleError`` with its article, an irregular vote is
  never counted, and an item with any error gets the outcome "invalid" — a deliberation taken
  in breach of these rules is illegal and can be annulled, so the replay does not certify it.
  ``counted_outcome`` still says what the valid votes alone would give.

Pure Python: the sittings module calls ``replay`` and the rules it is built from directly.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from hemicycle.rules.appointments import elect
from hemicycle.rules.ballots import Ballot, BallotDecision, required_ballot
from hemicycle.rules.conflicts import ARTICLE as CONFLICT_ARTICLE
from hemicycle.rules.conflicts import barred_vote, must_withdraw
from hemicycle.rules.delays import check_convocation
from hemicycle.rules.errors import RuleError
from hemicycle.rules.outcome import Tally, Vote, decide
from hemicycle.rules.proxies import Proxy, check_proxies
from hemicycle.rules.quorum import check_quorum, members_in_office, present_for_item
from hemicycle.rules.regime import AuthorityKind, Regime, regime_for

BALLOT_KINDS = ("show_of_hands", "public", "secret", "appointment")
ATTENDANCE_VALUES = ("present", "absent")
REGLEMENT_INTERIEUR_KEYS = {
    "convocation_days": int, "urgency_min_days": int, "second_convocation_days": int,
    "delegation_convocation_days": int, "max_proxies_per_holder": int, "proxy_max_consecutive_sittings": int,
    "public_ballot_fraction": Fraction, "secret_ballot_fraction": Fraction,
}
KEYS = {
    "(racine)": {"assembly", "members", "sitting", "items"},
    "assembly": {"kind", "population", "seats", "vacancies", "reglement_interieur"},
    "members": {"id", "name", "birth_date", "group", "president", "interests"},
    "sitting": {
        "date", "convocation_sent", "urgency", "urgency_approved", "second_convocation", "failed_sitting_date",
        "attendance", "proxies",
    },
    "proxies": {"from", "to", "sittings", "illness"},
    "items": {
        "ref", "object", "ballot", "withdrawn", "requests", "votes", "rounds", "candidates", "concerned",
        "unanimous_open_vote", "public_service_delegation",
    },
    "votes": {"vote", "by"},
}
_MISSING = object()


class RecordError(ValueError):
    """A sitting record that cannot be read; the message is French and names the faulty key."""


# --- reading the record ----------------------------------------------------------------------

def load(text: str) -> dict:
    """Decode a record, turning JSON syntax errors into a French ``RecordError``."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = next((fr for en, fr in _JSON_MESSAGES if exc.msg.startswith(en)), exc.msg)
        raise RecordError(f"JSON mal formé, ligne {exc.lineno}, colonne {exc.colno} : {reason}.") from None
    return record


_JSON_MESSAGES = [
    ("Expecting value", "valeur attendue"),
    ("Expecting property name enclosed in double quotes", "nom de clé entre guillemets doubles attendu"),
    ("Expecting ',' delimiter", "virgule attendue"),
    ("Expecting ':' delimiter", "deux-points attendus"),
    ("Unterminated string", "chaîne de caractères non terminée"),
    ("Extra data", "texte en trop après la fin du JSON"),
    ("Invalid control character", "caractère de contrôle interdit dans une chaîne"),
    ("Invalid \\escape", "séquence d'échappement invalide"),
    ("Illegal trailing comma", "virgule en trop avant la fermeture"),
]


def dumps(result: dict) -> str:
    """Deterministic JSON: sorted keys, items in the record's order, French text unescaped."""
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True)


def _show(value) -> str:
    """A value as it appears in the JSON, for messages."""
    return json.dumps(value, ensure_ascii=False)


def _get(obj: dict, key: str, where: str, default=_MISSING):
    if key in obj:
        return obj[key]
    if default is _MISSING:
        raise RecordError(f"Clé obligatoire manquante : « {where}.{key} ».")
    return default


def _object(value, where: str, keys: str | None = None) -> dict:
    """A JSON object; with ``keys``, one whose keys are all known (a typo must not go unnoticed)."""
    if not isinstance(value, dict):
        raise RecordError(f"« {where} » doit être un objet JSON ({{…}}).")
    if keys is not None:
        unknown = sorted(set(value) - KEYS[keys])
        if unknown:
            raise RecordError(
                f"Clé inconnue dans « {where} » : {', '.join(unknown)} (clés possibles : {', '.join(sorted(KEYS[keys]))})."
            )
    return value


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise RecordError(f"« {where} » doit être une liste JSON ([…]).")
    return value


def _int(value, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"« {where} » doit être un nombre entier (reçu : {_show(value)}).")
    if value < minimum:
        raise RecordError(f"« {where} » doit valoir au moins {minimum} (reçu : {value}).")
    return value


def _bool(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise RecordError(f"« {where} » doit valoir true ou false (reçu : {_show(value)}).")
    return value


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"« {where} » doit être une chaîne de caractères non vide.")
    return value.strip()


def _date(value, where: str, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RecordError(f"« {where} » doit être une date AAAA-MM-JJ (reçu : {_show(value)}).")


def _ids(value, where: str) -> list[str]:
    items = _list(value, where)
    for i, item in enumerate(items):
        _text(item, f"{where}[{i}]")
    return [item.strip() for item in items]


def _fraction(value, where: str) -> Fraction:
    try:
        fraction = Fraction(value) if isinstance(value, str) else None
    except (ValueError, ZeroDivisionError):
        fraction = None
    if fraction is None or not 0 < fraction <= 1:
        raise RecordError(f"« {where} » doit être une fraction comme \"1/4\" (reçu : {_show(value)}).")
    return fraction


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    birth_date: date | None
    president: bool
    interests: tuple[str, ...]


@dataclass
class Cast:
    """One entry of ``votes`` or of a round: the member whose vote it is, and who cast it."""
    owner: str
    value: object
    by: str | None


@dataclass
class Item:
    index: int
    ref: str
    object: str | None
    ballot: object
    withdrawn: list[str]
    requests: dict[str, list[str]]
    votes: list[Cast]
    rounds: list[list[Cast]]
    candidates: dict[str, date | None]
    concerned: list[str]
    unanimous_open_vote: bool
    public_service_delegation: bool


def _casts(value, where: str, *, candidates: bool) -> list[Cast]:
    casts = []
    for owner, entry in _object(value, where).items():
        here = f"{where}.{owner}"
        by = None
        if isinstance(entry, dict):
            _object(entry, here, "votes")
            by = _get(entry, "by", here, None)
            if by is not None:
                by = _text(by, f"{here}.by")
            entry = _get(entry, "vote", here)
        if candidates and entry is not None and not isinstance(entry, str):
            raise RecordError(f"« {here} » doit être le nom d'un candidat, ou null pour un bulletin blanc ou nul.")
        casts.append(Cast(owner, entry, by))
    return casts


def _regime(assembly: dict) -> tuple[AuthorityKind, int, Regime]:
    kind_value = _get(assembly, "kind", "assembly")
    try:
        kind = AuthorityKind(kind_value)
    except ValueError:
        allowed = ", ".join(k.value for k in AuthorityKind)
        raise RecordError(
            f"« assembly.kind » inconnu : {_show(kind_value)} (attendu : {allowed})."
        ) from None
    population = _int(_get(assembly, "population", "assembly"), "assembly.population")
    regime = regime_for(kind, population)
    ri = _object(_get(assembly, "reglement_interieur", "assembly", {}), "assembly.reglement_interieur")
    changes = {}
    for key, value in ri.items():
        where = f"assembly.reglement_interieur.{key}"
        if key not in REGLEMENT_INTERIEUR_KEYS:
            raise RecordError(f"Réglage inconnu : « {where} » (attendu : {', '.join(sorted(REGLEMENT_INTERIEUR_KEYS))}).")
        changes[key] = _fraction(value, where) if REGLEMENT_INTERIEUR_KEYS[key] is Fraction else _int(value, where)
    if changes:
        try:
            regime = regime.tightened(**changes)
        except ValueError as exc:
            raise RecordError(f"Règlement intérieur refusé : {exc}") from None
    return kind, population, regime


def _members(value) -> list[Member]:
    members, seen = [], set()
    for i, raw in enumerate(_list(value, "members")):
        where = f"members[{i}]"
        raw = _object(raw, where, "members")
        member_id = _text(_get(raw, "id", where), f"{where}.id")
        if member_id in seen:
            raise RecordError(f"Identifiant de membre en double : « {member_id} ».")
        seen.add(member_id)
        name = _get(raw, "name", where, None)
        members.append(Member(
            id=member_id,
            name=_text(name, f"{where}.name") if name is not None else member_id,
            birth_date=_date(_get(raw, "birth_date", where, None), f"{where}.birth_date", optional=True),
            president=_bool(_get(raw, "president", where, False), f"{where}.president"),
            interests=tuple(_ids(_get(raw, "interests", where, []), f"{where}.interests")),
        ))
    return members


def _items(value) -> list[Item]:
    items = []
    for i, raw in enumerate(_list(value, "items")):
        where = f"items[{i}]"
        raw = _object(raw, where, "items")
        obj = _get(raw, "object", where, None)
        requests = _object(_get(raw, "requests", where, {}), f"{where}.requests")
        unknown = set(requests) - {"public", "secret"}
        if unknown:
            raise RecordError(
                f"« {where}.requests » : demande inconnue {', '.join(sorted(unknown))} (attendu : public, secret)."
            )
        candidates = _object(_get(raw, "candidates", where, {}), f"{where}.candidates")
        items.append(Item(
            index=i,
            ref=_text(_get(raw, "ref", where), f"{where}.ref"),
            object=_text(obj, f"{where}.object") if obj is not None else None,
            ballot=_get(raw, "ballot", where, "show_of_hands"),
            withdrawn=_ids(_get(raw, "withdrawn", where, []), f"{where}.withdrawn"),
            requests={k: _ids(requests.get(k, []), f"{where}.requests.{k}") for k in ("public", "secret")},
            votes=_casts(_get(raw, "votes", where, {}), f"{where}.votes", candidates=False),
            rounds=[
                _casts(r, f"{where}.rounds[{n}]", candidates=True)
                for n, r in enumerate(_list(_get(raw, "rounds", where, []), f"{where}.rounds"))
            ],
            candidates={
                _text(k, f"{where}.candidates"): _date(v, f"{where}.candidates.{k}", optional=True)
                for k, v in candidates.items()
            },
            concerned=_ids(_get(raw, "concerned", where, []), f"{where}.concerned"),
            unanimous_open_vote=_bool(_get(raw, "unanimous_open_vote", where, False), f"{where}.unanimous_open_vote"),
            public_service_delegation=_bool(
                _get(raw, "public_service_delegation", where, False), f"{where}.public_service_delegation"
            ),
        ))
    return items


@dataclass(frozen=True)
class Record:
    """A sitting record read and type-checked, not yet judged."""
    kind: AuthorityKind
    population: int
    regime: Regime
    seats: int
    vacancies: int
    in_office: int
    members: list[Member]
    date: date
    sent: date | None
    urgency: bool
    urgency_approved: bool | None
    second_convocation: bool
    failed_sitting: date | None
    attendance: dict
    proxies: list[Proxy]
    items: list[Item]


def read(record: Mapping) -> Record:
    """Check the record's structure and types; raises ``RecordError`` (French) on the first problem."""
    record = _object(record, "(racine)", "(racine)")
    assembly = _object(_get(record, "assembly", "(racine)"), "assembly", "assembly")
    kind, population, regime = _regime(assembly)
    seats = _int(_get(assembly, "seats", "assembly"), "assembly.seats", minimum=1)
    vacancies = _int(_get(assembly, "vacancies", "assembly", 0), "assembly.vacancies")
    try:
        in_office = members_in_office(seats, vacancies)
    except ValueError as exc:
        raise RecordError(f"« assembly » : {exc}") from None
    members = _members(_get(record, "members", "(racine)"))
    if len(members) > in_office:
        raise RecordError(
            f"Le relevé liste {len(members)} membres alors que l'assemblée n'en compte que {in_office} en exercice."
        )
    sitting = _object(_get(record, "sitting", "(racine)"), "sitting", "sitting")
    urgency_approved = _get(sitting, "urgency_approved", "sitting", None)
    proxies = []
    for i, raw in enumerate(_list(_get(sitting, "proxies", "sitting", []), "sitting.proxies")):
        where = f"sitting.proxies[{i}]"
        raw = _object(raw, where, "proxies")
        proxies.append(Proxy(
            mandator=_text(_get(raw, "from", where), f"{where}.from"),
            holder=_text(_get(raw, "to", where), f"{where}.to"),
            sittings=_int(_get(raw, "sittings", where, 1), f"{where}.sittings", minimum=1),
            illness=_bool(_get(raw, "illness", where, False), f"{where}.illness"),
        ))
    return Record(
        kind=kind, population=population, regime=regime, seats=seats, vacancies=vacancies, in_office=in_office,
        members=members,
        date=_date(_get(sitting, "date", "sitting"), "sitting.date"),
        sent=_date(_get(sitting, "convocation_sent", "sitting"), "sitting.convocation_sent", optional=True),
        urgency=_bool(_get(sitting, "urgency", "sitting", False), "sitting.urgency"),
        urgency_approved=None if urgency_approved is None else _bool(urgency_approved, "sitting.urgency_approved"),
        second_convocation=_bool(_get(sitting, "second_convocation", "sitting", False), "sitting.second_convocation"),
        failed_sitting=_date(
            _get(sitting, "failed_sitting_date", "sitting", None), "sitting.failed_sitting_date", optional=True
        ),
        attendance=_object(_get(sitting, "attendance", "sitting"), "sitting.attendance"),
        proxies=proxies,
        items=_items(_get(record, "items", "(racine)")),
    )


# --- replaying it ----------------------------------------------------------------------------

@dataclass
class _Sitting:
    """What every item needs to know about the sitting."""
    regime: Regime
    members: dict[str, Member]
    in_office: int
    present: set[str]
    proxies: dict[str, str]  # valid: mandator → holder
    refused_mandators: set[str]
    president: str | None
    second_convocation: bool
    urgency: bool
    convocation_valid: bool
    sitting_date: date
    sent: date | None


def replay(record: Mapping) -> dict:
    """Replay a decoded sitting record; raises ``RecordError`` if it cannot be read."""
    r = read(record)
    regime = r.regime
    by_id = {m.id: m for m in r.members}
    errors = _record_errors(r, by_id)
    present = {m for m, value in r.attendance.items() if m in by_id and value == "present"}
    presidents = [m.id for m in r.members if m.president]

    convocation = check_convocation(
        sitting=r.date, sent=r.sent, regime=regime, urgency=r.urgency, urgency_approved=r.urgency_approved,
        second_convocation=r.second_convocation, failed_sitting=r.failed_sitting,
    )
    proxy_check = check_proxies(r.proxies, members=by_id, present=present, regime=regime)
    errors.extend(proxy_check.errors)
    opening = check_quorum(
        members_in_office=r.in_office, present=len(present), second_convocation=r.second_convocation,
        article=regime.quorum_article,
    )
    context = _Sitting(
        regime=regime, members=by_id, in_office=r.in_office, present=present, proxies=proxy_check.valid,
        refused_mandators={p.mandator for p in proxy_check.refused},
        president=presidents[0] if len(presidents) == 1 else None,
        second_convocation=r.second_convocation, urgency=r.urgency, convocation_valid=convocation.valid,
        sitting_date=r.date, sent=r.sent,
    )
    item_results = [_replay_item(item, context) for item in r.items]
    return {
        "assembly": {
            "kind": r.kind.value, "population": r.population, "regime": regime.name, "seats": r.seats,
            "vacancies": r.vacancies, "members_in_office": r.in_office,
        },
        "convocation": {
            "required_days": convocation.required_days,
            "latest_send_date": convocation.latest_send_date.isoformat(),
            "sent": r.sent.isoformat() if r.sent else None,
            "jours_francs": convocation.jours_francs,
            "urgency": convocation.urgency,
            "urgency_vote_required": convocation.urgency_vote_required,
            "urgency_approved": r.urgency_approved,
            "second_convocation": r.second_convocation,
            "quorum_required": convocation.quorum_required,
            "article": convocation.article,
            "valid": convocation.valid,
            "errors": [e.as_dict() for e in convocation.errors],
        },
        "opening": {
            "present": opening.present,
            "represented": len(proxy_check.valid),
            "quorum_required": opening.quorum_required,
            "quorum_met": opening.quorum_met,
        },
        "proxies": [
            {"from": p.mandator, "to": p.holder, "valid": p not in proxy_check.refused} for p in r.proxies
        ],
        "errors": [e.as_dict() for e in errors],
        "items": item_results,
        "valid": not errors and convocation.valid and all(not i["errors"] for i in item_results),
    }


def _record_errors(r: Record, by_id: dict[str, Member]) -> list[RuleError]:
    """Problems of the record as a whole: members, presidents, attendance, duplicate items."""
    article = r.regime.quorum_article
    errors: list[RuleError] = []
    if len(r.members) < r.in_office:
        errors.append(RuleError(
            "members_missing",
            f"Le relevé liste {len(r.members)} membres pour {r.in_office} en exercice : les autres sont comptés absents.",
            article,
        ))
    presidents = [m.id for m in r.members if m.president]
    if len(presidents) > 1:
        errors.append(RuleError(
            "several_presidents", f"Plusieurs présidents de séance indiqués : {', '.join(presidents)}.", "L2121-14"
        ))
    for member_id, value in r.attendance.items():
        if member_id not in by_id:
            errors.append(_unknown(member_id, "feuille de présence", article))
        elif value not in ATTENDANCE_VALUES:
            errors.append(RuleError(
                "invalid_attendance",
                f"Présence de {member_id} : {_show(value)} n'est ni present ni absent ; "
                "compté(e) absent(e).",
                article, member_id,
            ))
    for member in r.members:
        if member.id not in r.attendance:
            errors.append(RuleError(
                "attendance_missing", f"Présence de {member.id} non renseignée : compté(e) absent(e).",
                article, member.id,
            ))
    seen: set[str] = set()
    for item in r.items:
        if item.ref in seen:
            errors.append(RuleError(
                "duplicate_ref", f"Affaire « {item.ref} » présente deux fois à l'ordre du jour.", "L2121-10"
            ))
        seen.add(item.ref)
    return errors


def _unknown(member_id: str, where: str, article: str) -> RuleError:
    return RuleError(
        "unknown_member", f"« {member_id} » ({where}) n'est pas membre de l'assemblée.", article, member_id
    )


def _replay_item(item: Item, s: _Sitting) -> dict:
    """One item, in the order of the sitting: withdrawals and quorum, ballot, votes, result."""
    regime = s.regime
    errors: list[RuleError] = []
    if not s.convocation_valid:
        errors.append(RuleError(
            "convocation_irregular",
            "Convocation irrégulière (voir « convocation ») : la délibération est exposée à l'annulation.",
            regime.convocation_article,
        ))
    if item.public_service_delegation and not (s.second_convocation or s.urgency):
        delegation = check_convocation(
            sitting=s.sitting_date, sent=s.sent, regime=regime, public_service_delegation=True
        )
        if delegation.required_days > regime.convocation_days:
            errors.extend(delegation.errors)

    # 1. Who leaves the room, who should have (L2131-11); the quorum of those who stay (L2121-17).
    withdrawn, interested = _withdrawals(item, s, errors)
    barred = set(withdrawn) | {w.member for w in interested}
    in_room = present_for_item(s.present, withdrawn)
    quorum = check_quorum(
        members_in_office=s.in_office, present=len(in_room), second_convocation=s.second_convocation,
        article=regime.quorum_article,
    )

    # 2. Which ballot the requests impose (L2121-21, L3121-15), against the one held.
    requests = _counted_requests(item, s, in_room, errors)
    appointment = item.ballot == "appointment"
    decision = required_ballot(
        present=len(in_room), public_requests=requests["public"], secret_requests=requests["secret"],
        regime=regime, appointment=appointment, unanimous_open_vote=item.unanimous_open_vote,
    )
    errors.extend(_ballot_errors(item.ballot, decision, appointment, regime))

    # 3. The votes: every entry checked, only regular ones counted (L2121-20).
    if appointment and item.votes:
        errors.append(RuleError(
            "votes_on_appointment", "Nomination : les voix se relèvent par tours (« rounds »), pas dans « votes ».",
            regime.ballot_article,
        ))
    if not appointment and item.rounds:
        errors.append(RuleError(
            "rounds_without_appointment", "Des tours de scrutin ne se relèvent que pour une nomination.",
            regime.ballot_article,
        ))
    counted = [] if appointment else _counted_votes(item, s, barred, errors)
    tally = Tally.of(v for _, v in counted)

    result = {
        "ref": item.ref,
        "object": item.object,
        "ballot": item.ballot,
        "ballot_required": decision.ballot.value,
        "ballot_reason": decision.reason,
        "members_in_office": s.in_office,
        "present": len(in_room),
        "represented": sum(
            1 for mandator, holder in s.proxies.items()
            if mandator not in barred and holder in in_room and holder not in barred
        ),
        "withdrawn": withdrawn,
        "must_withdraw": [w.member for w in interested],
        "quorum_required": quorum.quorum_required,
        "quorum_met": quorum.quorum_met,
        "pour": tally.pour, "contre": tally.contre, "abstention": tally.abstention, "nppv": tally.nppv,
        "exprimes": tally.exprimes,
        "casting_vote_used": False,
        "elected": None,
        "rounds": [],
    }

    # 4. The result: rounds for an appointment (L2121-21), majority and casting vote otherwise (L2121-20).
    if appointment:
        rounds = [
            [cast.value for cast in round_casts if _check_cast(cast, s, barred, errors, round_number=number)]
            for number, round_casts in enumerate(item.rounds, start=1)
        ]
        appointment_result = elect(rounds, birth_dates=_birth_dates(item, s.members), article=regime.ballot_article)
        errors.extend(appointment_result.errors)
        result["rounds"] = [r.as_dict() for r in appointment_result.rounds]
        if appointment_result.rounds:
            result["exprimes"] = appointment_result.rounds[-1].exprimes
        counted_outcome = "elected" if appointment_result.elected else "not_elected"
        recorded = any(item.rounds)
    else:
        president_vote = None
        if s.president in in_room:  # the casting vote is the presiding member's own vote
            president_vote = next((v for owner, v in counted if owner == s.president), None)
        secret = item.ballot == Ballot.SECRET
        outcome = decide(tally, secret=secret, president_vote=president_vote, article=regime.majority_article)
        counted_outcome = outcome.result
        if tally.exprimes and tally.pour == tally.contre and not secret and s.president is None:
            errors.append(RuleError(
                "president_unknown",
                "Partage égal des voix : le président de séance n'est pas indiqué, sa voix prépondérante ne peut être "
                "appliquée.",
                regime.majority_article,
            ))
        recorded = bool(item.votes)

    if not quorum.quorum_met:
        if recorded:
            errors.append(quorum.error())
        final = "no_quorum"
    elif errors:
        final = "invalid"
    else:
        final = counted_outcome
    if final == "elected":
        result["elected"] = appointment_result.elected
    if final in ("adopted", "rejected"):
        result["casting_vote_used"] = outcome.casting_vote_used
    result.update(outcome=final, counted_outcome=counted_outcome, errors=[e.as_dict() for e in errors])
    return result


def _withdrawals(item: Item, s: _Sitting, errors: list[RuleError]):
    """Members who withdrew (known ones), and members whose declared interests oblige them to."""
    withdrawn = []
    for member_id in dict.fromkeys(item.withdrawn):
        if member_id in s.members:
            withdrawn.append(member_id)
        else:
            errors.append(_unknown(member_id, "retraits", CONFLICT_ARTICLE))
    interested = must_withdraw({m.id: m.interests for m in s.members.values()}, item.concerned)
    for w in interested:
        if w.member in s.present and w.member not in withdrawn:
            errors.append(RuleError(
                "interested_member_not_withdrawn",
                f"{w.member} a déclaré un intérêt ({', '.join(w.organisations)}) et ne s'est pas retiré(e) : "
                "un élu intéressé ne prend part ni au débat ni au vote.",
                CONFLICT_ARTICLE, w.member,
            ))
    return withdrawn, interested


def _counted_requests(item: Item, s: _Sitting, in_room: set[str], errors: list[RuleError]) -> dict[str, int]:
    """Requests for a public / secret ballot, counted only from members present in the room."""
    article = s.regime.ballot_article
    counted = {}
    for kind, ids in item.requests.items():
        valid = set()
        for member_id in ids:
            if member_id not in s.members:
                errors.append(_unknown(member_id, f"demande de scrutin {kind}", article))
            elif member_id not in in_room:
                errors.append(RuleError(
                    "request_not_present",
                    f"{member_id} a demandé un scrutin {kind} sans être présent(e) dans la salle : demande non comptée.",
                    article, member_id,
                ))
            else:
                valid.add(member_id)
        counted[kind] = len(valid)
    return counted


def _counted_votes(item: Item, s: _Sitting, barred: set[str], errors: list[RuleError]) -> list[tuple[str, Vote]]:
    """The regular votes, as (member whose vote it is, vote); every other entry becomes an error."""
    counted = []
    for cast in item.votes:
        if cast.owner not in s.members:
            errors.append(_unknown(cast.owner, "vote", s.regime.majority_article))
            continue
        value = cast.value.strip().lower() if isinstance(cast.value, str) else cast.value
        if value not in tuple(Vote):
            errors.append(RuleError(
                "invalid_vote_value",
                f"Vote de {cast.owner} : {_show(cast.value)} n'est pas pour, contre, abstention ou nppv ; "
                "vote non compté.",
                s.regime.majority_article, cast.owner,
            ))
            continue
        if value == Vote.NPPV and (cast.owner in barred or s.proxies.get(cast.owner) in barred):
            continue  # "ne prend pas part au vote" is what a withdrawn member does: nothing to count
        if _check_cast(cast, s, barred, errors) is not None:
            counted.append((cast.owner, Vote(value)))
    return counted


def _check_cast(
    cast: Cast, s: _Sitting, barred: set[str], errors: list[RuleError],
    round_number: int | None = None,
) -> str | None:
    """Who regularly cast this vote (the owner, or his proxy holder), or None after recording the error."""
    article = s.regime.proxy_article
    where = f" (tour {round_number})" if round_number else ""
    owner = cast.owner
    if owner not in s.members:
        errors.append(_unknown(owner, f"vote{where}", s.regime.majority_article))
        return None
    if cast.by is not None and cast.by not in s.members:
        errors.append(_unknown(cast.by, f"auteur du vote de {owner}{where}", s.regime.majority_article))
        return None
    if owner in s.present:
        caster = owner
        if cast.by is not None and cast.by != owner:
            errors.append(RuleError(
                "vote_cast_by_other",
                f"{owner} est présent(e) mais son vote{where} est enregistré comme émis par {cast.by} : vote non compté.",
                article, owner,
            ))
            return None
    elif owner in s.proxies:
        caster = s.proxies[owner]
        if cast.by is not None and cast.by != caster:
            errors.append(RuleError(
                "proxy_holder_mismatch",
                f"{cast.by} a voté{where} pour {owner}, qui a donné pouvoir à {caster} : vote non compté.",
                article, cast.by,
            ))
            return None
    elif owner in s.refused_mandators:
        errors.append(RuleError(
            "vote_with_refused_proxy",
            f"{owner} est absent(e) et son pouvoir a été refusé (voir les erreurs de la séance) : son vote{where} "
            "n'est pas compté.",
            article, owner,
        ))
        return None
    elif cast.by is not None:
        errors.append(RuleError(
            "proxy_holder_mismatch",
            f"{cast.by} a voté{where} pour {owner}, qui ne lui a pas donné pouvoir : vote non compté.",
            article, cast.by,
        ))
        return None
    else:
        errors.append(RuleError(
            "vote_without_proxy",
            f"{owner} est absent(e) et n'a donné aucun pouvoir : son vote{where} n'est pas compté.",
            article, owner,
        ))
        return None
    barred_error = barred_vote(owner, caster, barred)
    if barred_error is not None:
        errors.append(barred_error)
        return None
    return caster


def _ballot_errors(declared: object, decision: BallotDecision, appointment: bool, regime: Regime) -> list[RuleError]:
    """The declared ballot against the one the requests imposed (L2121-21, L3121-15)."""
    article = regime.ballot_article
    required = decision.ballot
    if declared not in BALLOT_KINDS:
        return [RuleError(
            "invalid_ballot",
            f"Mode de scrutin inconnu : {_show(declared)} (attendu : {', '.join(BALLOT_KINDS)}).",
            article,
        )]
    if appointment:
        return []  # secret ballot, or any public form when the assembly unanimously decided so
    if required is Ballot.SECRET and declared != "secret":
        return [RuleError(
            "secret_ballot_required", "Le scrutin secret était obligatoire (demande d'un tiers des présents).", article
        )]
    if required is Ballot.PUBLIC and declared == "show_of_hands":
        return [RuleError(
            "public_ballot_required",
            "Le scrutin public était demandé : le nom des votants et le sens de leur vote doivent figurer au registre.",
            article,
        )]
    if required is Ballot.PUBLIC and declared == "secret" and decision.secret_requested:
        return [RuleError(
            "public_ballot_prevails",
            "Scrutin public et secret demandés : dans ce régime, le scrutin public l'emporte.", article,
        )]
    if declared == "secret" and required is not Ballot.SECRET:
        return [RuleError(
            "secret_ballot_not_requested",
            "Scrutin secret sans demande d'un tiers des membres présents ni nomination : le vote devait être public.",
            article,
        )]
    return []


def _birth_dates(item: Item, members: dict[str, Member]) -> dict[str, date | None]:
    """Candidates' birth dates: the item's ``candidates``, else the member of that id or name."""
    by_name: dict[str, list[Member]] = {}
    for member in members.values():
        by_name.setdefault(member.name, []).append(member)
    names = {c.value.strip() for r in item.rounds for c in r if isinstance(c.value, str) and c.value.strip()}
    dates = {}
    for name in names:
        if name in item.candidates:
            dates[name] = item.candidates[name]
        elif name in members:
            dates[name] = members[name].birth_date
        elif len(by_name.get(name, [])) == 1:
            dates[name] = by_name[name][0].birth_date
        else:
            dates[name] = None
    return dates
