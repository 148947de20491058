"""OParl 1.1 (the German standard API for council information systems), read-only and public.

Objects (ids are absolute URLs under ``HEMICYCLE_BASE_URL``/oparl/v1/, types
``https://schema.oparl.org/1.1/<Type>``):

- System: the Hémicycle installation; Body: one per authority.
- Organization: the authority's assemblies (council, standing committee…), its committees
  (a committee's assembly is the committee itself) and its political groups.
- Person: the elected members — names and functions only, never e-mail, birth date or address.
- Membership: mandates (in the council), political group, committees.
- Meeting: sittings once convened; AgendaItem: their items (from the convocation on);
  Consultation: an act examined at an agenda item.
- Paper: acts that are not confidential, once on the agenda of a convened sitting or published.
- File: the published PDF of an act (on the public portal), public annexes of published acts
  not decided behind closed doors, the adopted minutes and the list of deliberations of public
  sittings.

Confidential acts: their agenda item is shown as « Point non public » (``public: false``) with no
paper, consultation, votes nor file. Huis clos sittings: items are ``public: false``, without
votes nor debate times, and no participants, minutes nor annexes are exposed (an act decided
behind closed doors still has its published PDF once the secretariat published it).

Extension fields (prefix ``hemicycle:``), documented in the OpenAPI description:
``hemicycle:votes`` on AgendaItem — every closed ballot: method, round, amendment, totals,
outcome, and for public ballots (roll call, electronic, by group) the vote of each member as a
Person id; never for a secret ballot. ``hemicycle:place``, ``hemicycle:public``,
``hemicycle:state`` on Meeting; ``hemicycle:state``, ``hemicycle:matieres``,
``hemicycle:legalityControl`` (IDActe and date of reception once acknowledged, published acts
only) on Paper; ``hemicycle:siren``, ``hemicycle:siret``, ``hemicycle:scdl`` on Body.

Lists are paginated (``data``, ``pagination``, ``links``) and filtered by ``created_since``,
``created_until``, ``modified_since``, ``modified_until``; ``limit`` (or ``elementsPerPage``)
sets the page size (default 100, at most 1000). ``created``/``modified`` come from the stamps
kept by opendata/stamps.py, else from the object's own dates.
"""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hemicycle.acts.models import Act, Annex, Nature
from hemicycle.organisation.models import Authority, Committee, Mandate, Member, PoliticalGroup
from hemicycle.sittings.models import AgendaItem, Assembly, Attendance, Ballot, Minutes, Sitting, Vote

from .models import Stamp
from .sources import acknowledgements, published, published_objects

NS = "https://schema.oparl.org/1.1/"
LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"  # Licence Ouverte 2.0 (Etalab)
X = "hemicycle:"
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000

VISIBLE_SITTING_STATES = [Sitting.State.CONVENED, Sitting.State.OPEN, Sitting.State.SUSPENDED, Sitting.State.CLOSED,
                          Sitting.State.NO_QUORUM]
PUBLIC_BALLOT_METHODS = (Ballot.Method.ROLL_CALL, Ballot.Method.ELECTRONIC, Ballot.Method.BY_GROUP)
MEETING_STATE = {  # OParl's recommended values (German, as the standard defines them)
    Sitting.State.CONVENED: "eingeladen", Sitting.State.OPEN: "eingeladen", Sitting.State.SUSPENDED: "eingeladen",
    Sitting.State.CLOSED: "durchgeführt", Sitting.State.NO_QUORUM: "durchgeführt",
}
HIDDEN_ITEM_NAME = "Point non public"


class OParlError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# --- URLs and values ---------------------------------------------------------------------------

def base_url() -> str:
    return settings.HEMICYCLE_BASE_URL.rstrip("/")


def api_url(name: str, **kwargs) -> str:
    return base_url() + reverse(f"opendata:{name}", kwargs=kwargs)


def object_url(authority_slug: str, kind: str, key) -> str:
    return api_url("oparl_object", authority=authority_slug, kind=kind, key=str(key))


def list_url(authority_slug: str, kind: str) -> str:
    return api_url("oparl_list", authority=authority_slug, kind=kind)


def typ(name: str) -> str:
    return NS + name


def when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat()


def start_of(sitting) -> str:
    if sitting.start_time is None:
        return sitting.date.isoformat()
    moment = datetime.datetime.combine(sitting.date, sitting.start_time, tzinfo=timezone.get_current_timezone())
    return when(moment)


def clean(data: dict) -> dict:
    """Drop empty optional values (OParl: absent rather than null)."""
    return {k: v for k, v in data.items() if v is not None and v != "" and v != []}


def stamp(label: str, ref: str = "pk", field: str = "modified"):
    return Subquery(Stamp.objects.filter(model=label, object_id=OuterRef(ref)).values(field)[:1],
                    output_field=DateTimeField())


def stamped(qs, label: str, fallback, *, ref: str = "pk", modified_floor=None):
    """Annotate oparl_created / oparl_modified from the stamps, else ``fallback``."""
    modified = Coalesce(stamp(label, ref), fallback, output_field=DateTimeField())
    if modified_floor is not None:
        modified = Greatest(modified, Coalesce(modified_floor, fallback), output_field=DateTimeField())
    return qs.annotate(oparl_created=Coalesce(stamp(label, ref, "created"), fallback, output_field=DateTimeField()),
                       oparl_modified=modified)


def act_pdf_url(authority_slug: str, act_slug: str) -> str | None:
    try:
        return base_url() + reverse("publication:act_pdf", kwargs={"authority": authority_slug, "slug": act_slug})
    except NoReverseMatch:
        return None


def act_pdf_available() -> bool:
    try:
        reverse("publication:act_pdf", kwargs={"authority": "x", "slug": "x"})
        return True
    except NoReverseMatch:
        return False


def optional_url(name: str, **kwargs) -> str | None:
    try:
        return base_url() + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- What is public ------------------------------------------------------------------------------

def visible_sittings(authority):
    return Sitting.objects.filter(authority=authority, state__in=VISIBLE_SITTING_STATES)


def visible_items(authority):
    """Items of convened sittings that were on the convocation (or taken up once the sitting opened)."""
    return AgendaItem.objects.filter(sitting__authority=authority, sitting__state__in=VISIBLE_SITTING_STATES).filter(
        Q(on_convocation=True) | ~Q(sitting__state=Sitting.State.CONVENED))


def visible_acts(authority):
    on_agenda = Exists(visible_items(authority).filter(act=OuterRef("pk")))
    return Act.objects.filter(authority=authority, confidential=False).filter(Q(published("pk")) | Q(on_agenda))


def published_acts(authority):
    return Act.objects.filter(authority=authority, confidential=False).filter(published("pk"))


def visible_annexes(authority):
    behind_closed_doors = Exists(AgendaItem.objects.filter(act=OuterRef("act_id"), sitting__public=False))
    return (Annex.objects.filter(act__authority=authority, act__confidential=False, published=True, confidential=False,
                                 removed_at__isnull=True)
            .filter(published("act_id")).exclude(behind_closed_doors))


def minutes_sittings(authority):
    adopted = Q(minutes__state=Minutes.State.ADOPTED) | Q(minutes__adopted_at_item__state=AgendaItem.State.ADOPTED)
    return visible_sittings(authority).filter(public=True).filter(adopted)


def list_sittings(authority):
    return visible_sittings(authority).filter(public=True, minutes__list_published_at__isnull=False)


def item_is_public(item) -> bool:
    return bool(item.sitting.public and not (item.act_id and item.act.confidential))


# --- Sources: one model behind (part of) an OParl object type ---------------------------------------

@dataclass
class Context:
    authority: Authority

    @property
    def slug(self) -> str:
        return self.authority.slug

    def url(self, kind: str, key) -> str:
        return object_url(self.slug, kind, key)

    def body(self) -> str:
        return api_url("oparl_body", authority=self.slug)


class Source(ABC):
    kind = ""  # the OParl list it belongs to
    prefix = ""  # key prefix ("assembly-12"); empty: the key is the pk

    @abstractmethod
    def queryset(self, authority):
        """The objects of this list for ``authority``."""

    def key(self, obj) -> str:
        return f"{self.prefix}-{obj.pk}" if self.prefix else str(obj.pk)

    def match(self, key: str) -> int | None:
        """The pk named by ``key`` when it is this source's, else None."""
        raw = key
        if self.prefix:
            if not key.startswith(self.prefix + "-"):
                return None
            raw = key[len(self.prefix) + 1:]
        elif "-" in key:
            return None
        return int(raw) if raw.isdigit() else None

    @abstractmethod
    def serialize(self, objs: list, ctx: Context) -> list[dict]:
        """The OParl objects of ``objs``."""

    def common(self, obj, ctx: Context, type_name: str) -> dict:
        return {"id": ctx.url(self.kind, self.key(obj)), "type": typ(type_name), "body": ctx.body()}

    @staticmethod
    def dates(obj) -> dict:
        return {"created": when(obj.oparl_created), "modified": when(obj.oparl_modified)}


def _authority_created(path: str = "authority__created_at"):
    return F(path)


# Organizations -------------------------------------------------------------------------------------

def council_of(authority):
    return (Assembly.objects.filter(authority=authority, kind=Assembly.Kind.COUNCIL, committee__isnull=True)
            .order_by("pk").first())


class AssemblySource(Source):
    kind, prefix = "organization", "assembly"

    def queryset(self, authority):
        qs = Assembly.objects.filter(authority=authority, committee__isnull=True).select_related("authority")
        return stamped(qs, "sittings.assembly", _authority_created()).order_by("pk")

    def serialize(self, objs, ctx):
        council = council_of(ctx.authority)
        mandates = list(Mandate.objects.filter(member__authority=ctx.authority).values_list("pk", flat=True)) \
            if council is not None and any(o.pk == council.pk for o in objs) else []
        out = []
        for a in objs:
            try:
                in_office = a.seat_count - a.vacancies
            except TypeError:
                in_office = None
            out.append(clean({
                **self.common(a, ctx, "Organization"), "name": a.name, "organizationType": "Gremium",
                "classification": a.get_kind_display(),
                "membership": [ctx.url("membership", f"mandate-{pk}") for pk in mandates]
                if council is not None and a.pk == council.pk else [],
                f"{X}kind": a.kind, f"{X}membersInOffice": in_office if in_office and in_office > 0 else None,
                **self.dates(a),
            }))
        return out


class CommitteeSource(Source):
    kind, prefix = "organization", "committee"

    def queryset(self, authority):
        qs = Committee.objects.filter(authority=authority).select_related("authority")
        return stamped(qs, "organisation.committee", _authority_created()).order_by("pk")

    def serialize(self, objs, ctx):
        through = Member.committees.through
        by_committee: dict = {}
        for pk, committee_id in through.objects.filter(committee_id__in=[o.pk for o in objs]).values_list(
                "pk", "committee_id"):
            by_committee.setdefault(committee_id, []).append(pk)
        council = council_of(ctx.authority)
        return [clean({
            **self.common(c, ctx, "Organization"), "name": c.name, "shortName": c.short_name,
            "organizationType": "Gremium", "classification": "Commission",
            "subOrganizationOf": ctx.url("organization", f"assembly-{council.pk}") if council else None,
            "membership": [ctx.url("membership", f"committee-{pk}") for pk in sorted(by_committee.get(c.pk, []))],
            **self.dates(c),
        }) for c in objs]


class GroupSource(Source):
    kind, prefix = "organization", "group"

    def queryset(self, authority):
        qs = PoliticalGroup.objects.filter(authority=authority).select_related("authority")
        return stamped(qs, "organisation.politicalgroup", _authority_created()).order_by("pk")

    def serialize(self, objs, ctx):
        by_group: dict = {}
        for pk, group_id in Member.objects.filter(group_id__in=[o.pk for o in objs]).values_list("pk", "group_id"):
            by_group.setdefault(group_id, []).append(pk)
        return [clean({
            **self.common(g, ctx, "Organization"), "name": g.name, "shortName": g.short_name,
            "organizationType": "Fraktion", "classification": "Groupe politique",
            "membership": [ctx.url("membership", f"group-{pk}") for pk in sorted(by_group.get(g.pk, []))],
            **self.dates(g),
        }) for g in objs]


def organization_url(ctx: Context, assembly) -> str:
    if assembly.committee_id:
        return ctx.url("organization", f"committee-{assembly.committee_id}")
    return ctx.url("organization", f"assembly-{assembly.pk}")


# Memberships and persons ----------------------------------------------------------------------------

class MandateSource(Source):
    kind, prefix = "membership", "mandate"

    def queryset(self, authority):
        qs = Mandate.objects.filter(member__authority=authority)
        if council_of(authority) is None:
            qs = qs.none()
        return stamped(qs, "organisation.mandate", _authority_created("member__authority__created_at")).order_by("pk")

    def serialize(self, objs, ctx):
        council = council_of(ctx.authority)
        return [clean({
            "id": ctx.url("membership", self.key(m)), "type": typ("Membership"),
            "person": ctx.url("person", m.member_id),
            "organization": ctx.url("organization", f"assembly-{council.pk}") if council else None,
            "role": m.function, "votingRight": True, "startDate": when(m.start_date), "endDate": when(m.end_date),
            **self.dates(m),
        }) for m in objs]


class GroupMembershipSource(Source):
    """A member's political group (one per member: the key is the member's)."""

    kind, prefix = "membership", "group"

    def queryset(self, authority):
        qs = Member.objects.filter(authority=authority, group__isnull=False)
        return stamped(qs, "organisation.member", _authority_created()).order_by("pk")

    def serialize(self, objs, ctx):
        return [clean({
            "id": ctx.url("membership", self.key(m)), "type": typ("Membership"),
            "person": ctx.url("person", m.pk), "organization": ctx.url("organization", f"group-{m.group_id}"),
            "role": "Membre", "votingRight": False, **self.dates(m),
        }) for m in objs]


class CommitteeMembershipSource(Source):
    kind, prefix = "membership", "committee"

    def queryset(self, authority):
        qs = Member.committees.through.objects.filter(member__authority=authority)
        return stamped(qs, "organisation.member", _authority_created("member__authority__created_at"),
                       ref="member_id").order_by("pk")

    def serialize(self, objs, ctx):
        return [clean({
            "id": ctx.url("membership", self.key(t)), "type": typ("Membership"),
            "person": ctx.url("person", t.member_id), "organization": ctx.url("organization", f"committee-{t.committee_id}"),
            "role": "Membre", "votingRight": True, **self.dates(t),
        }) for t in objs]


MEMBERSHIP_SOURCES = [MandateSource(), GroupMembershipSource(), CommitteeMembershipSource()]


class PersonSource(Source):
    kind = "person"

    def queryset(self, authority):
        # Only public fields are ever read from Member (no e-mail, birth date, user account).
        qs = Member.objects.filter(authority=authority).only("pk", "authority_id", "civility", "first_name",
                                                             "last_name", "group_id")
        return stamped(qs, "organisation.member", _authority_created()).order_by("pk")

    def serialize(self, objs, ctx):
        ids = [m.pk for m in objs]
        memberships: dict = {pk: [] for pk in ids}
        for source in MEMBERSHIP_SOURCES:
            qs = source.queryset(ctx.authority)
            field = "pk" if isinstance(source, GroupMembershipSource) else "member_id"
            rows = list(qs.filter(**{f"{field}__in": ids}))
            for data, row in zip(source.serialize(rows, ctx), rows, strict=True):
                owner = row.pk if isinstance(source, GroupMembershipSource) else row.member_id
                memberships[owner].append(data)
        today = timezone.localdate()
        status: dict = {pk: [] for pk in ids}
        for member_id, function in (Mandate.objects.filter(member_id__in=ids).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=today)).order_by("-start_date", "pk")
                .values_list("member_id", "function")):
            status[member_id].append(function)
        return [clean({
            **self.common(m, ctx, "Person"), "name": f"{m.first_name} {m.last_name}",
            "familyName": m.last_name, "givenName": m.first_name, "formOfAddress": m.civility,
            "status": status[m.pk], "membership": memberships[m.pk], **self.dates(m),
        }) for m in objs]


# Meetings, agenda items, consultations ---------------------------------------------------------------

def _sitting_fallback():
    return Coalesce(F("closed_at"), F("opened_at"), F("authority__created_at"), output_field=DateTimeField())


def _published_ids(act_ids) -> set:
    return set(Act.objects.filter(pk__in=list(act_ids)).filter(published("pk")).values_list("pk", flat=True))


def votes_extension(items, public_ids) -> dict:
    """item pk → the ``hemicycle:votes`` list (closed ballots; per-person only for public methods)."""
    ballots = list(Ballot.objects.filter(item_id__in=[i.pk for i in items if i.pk in public_ids],
                                         state=Ballot.State.CLOSED)
                   .select_related("amendment").order_by("item_id", "pk"))
    public_ballots = [b.pk for b in ballots if b.method in PUBLIC_BALLOT_METHODS]
    votes: dict = {}
    for ballot_id, member_id, cast_by_id, value, choice in (Vote.objects.filter(ballot_id__in=public_ballots)
                                                            .order_by("ballot_id", "member_id")
                                                            .values_list("ballot_id", "member_id", "cast_by_id",
                                                                         "value", "choice")):
        votes.setdefault(ballot_id, []).append((member_id, cast_by_id, value, choice))
    out: dict = {}
    for b in ballots:
        entry = {
            "method": b.method, "methodLabel": Ballot.Method(b.method).label if b.method in Ballot.Method.values
            else b.method, "round": b.round, "amendment": b.amendment.number if b.amendment_id else None,
            "secret": b.method == Ballot.Method.SECRET,
            "present": b.present, "represented": b.represented, "pour": b.pour, "contre": b.contre,
            "abstention": b.abstention, "nppv": b.nppv, "outcome": b.outcome,
            "castingVoteUsed": b.casting_vote_used, "elected": b.elected or None,
        }
        out.setdefault(b.item_id, []).append((b, entry))
    result = {}
    for item_id, entries in out.items():
        result[item_id] = [(b, e, votes.get(b.pk, []) if b.method in PUBLIC_BALLOT_METHODS else None)
                           for b, e in entries]
    return result


class ItemSource(Source):
    kind = "agendaItem"

    def queryset(self, authority):
        qs = visible_items(authority).select_related("sitting", "act")
        return stamped(qs, "sittings.agendaitem",
                       Coalesce(stamp("sittings.sitting", "sitting_id"), F("sitting__closed_at"),
                                F("sitting__authority__created_at"), output_field=DateTimeField())).order_by("pk")

    def serialize(self, objs, ctx):
        public_ids = {i.pk for i in objs if item_is_public(i)}
        files = FILE_SOURCES["act"].embedded({i.act_id for i in objs if i.act_id and not i.act.confidential}, ctx)
        votes = votes_extension(objs, public_ids)
        out = []
        for i in objs:
            public = i.pk in public_ids
            act_visible = bool(i.act_id and not i.act.confidential)
            data = {
                "id": ctx.url("agendaItem", i.pk), "type": typ("AgendaItem"),
                "meeting": ctx.url("meeting", i.sitting_id),
                "number": str(i.number) if i.number else None, "order": max(i.position - 1, 0),
                "name": i.title if (act_visible or not i.act_id) else HIDDEN_ITEM_NAME,
                "public": public, "result": i.get_state_display() if i.state != AgendaItem.State.PENDING else None,
                "consultation": ctx.url("consultation", i.pk) if act_visible else None,
                "resolutionFile": files.get(i.act_id) if act_visible else None,
                "start": when(i.debate_started_at) if public else None,
                "end": when(i.debate_ended_at) if public else None,
                f"{X}kind": i.kind,
                **self.dates(i),
            }
            if public:
                data[f"{X}votes"] = [self._ballot(b, entry, cast, ctx) for b, entry, cast in votes.get(i.pk, [])]
            out.append(clean(data))
        return out

    @staticmethod
    def _ballot(ballot, entry, cast, ctx) -> dict:
        data = {k: v for k, v in entry.items() if v is not None}
        if cast is not None and ballot.method != Ballot.Method.SECRET:
            data["votes"] = [clean({"person": ctx.url("person", member_id), "vote": value,
                                    "castBy": ctx.url("person", cast_by) if cast_by != member_id else None,
                                    "choice": choice or None})
                             for member_id, cast_by, value, choice in cast]
        return data


class ConsultationSource(Source):
    kind = "consultation"

    def queryset(self, authority):
        qs = (visible_items(authority).filter(act__isnull=False, act__confidential=False)
              .select_related("sitting", "sitting__assembly", "act"))
        return stamped(qs, "sittings.agendaitem",
                       Coalesce(stamp("sittings.sitting", "sitting_id"), F("sitting__closed_at"),
                                F("sitting__authority__created_at"), output_field=DateTimeField())).order_by("pk")

    def serialize(self, objs, ctx):
        decided = {AgendaItem.State.ADOPTED, AgendaItem.State.REJECTED}
        return [clean({
            "id": ctx.url("consultation", i.pk), "type": typ("Consultation"),
            "paper": ctx.url("paper", i.act_id), "agendaItem": ctx.url("agendaItem", i.pk),
            "meeting": ctx.url("meeting", i.sitting_id), "organization": [organization_url(ctx, i.sitting.assembly)],
            "authoritative": i.state in decided, "role": "Décision" if i.state in decided else "Examen",
            **self.dates(i),
        }) for i in objs]


class MeetingSource(Source):
    kind = "meeting"

    def queryset(self, authority):
        qs = visible_sittings(authority).select_related("assembly", "authority")
        return stamped(qs, "sittings.sitting", _sitting_fallback()).order_by("pk")

    def serialize(self, objs, ctx):
        ids = [s.pk for s in objs]
        item_source = SOURCES["agendaItem"][0]
        items = list(item_source.queryset(ctx.authority).filter(sitting_id__in=ids).order_by("sitting_id", "position",
                                                                                              "pk"))
        by_sitting: dict = {pk: [] for pk in ids}
        for data, item in zip(item_source.serialize(items, ctx), items, strict=True):
            by_sitting[item.sitting_id].append(data)
        # Attendance of public sittings once closed (it is in their minutes); none for huis clos.
        closed = [s.pk for s in objs if s.public and s.state in (Sitting.State.CLOSED, Sitting.State.NO_QUORUM)]
        participants: dict = {}
        for sitting_id, member_id in (Attendance.objects.filter(
                sitting_id__in=closed, status__in=[Attendance.Status.PRESENT, Attendance.Status.LEFT])
                .order_by("sitting_id", "member_id").values_list("sitting_id", "member_id")):
            participants.setdefault(sitting_id, []).append(ctx.url("person", member_id))
        minutes_ids = set(minutes_sittings(ctx.authority).filter(pk__in=ids).values_list("pk", flat=True))
        list_ids = set(list_sittings(ctx.authority).filter(pk__in=ids).values_list("pk", flat=True))
        minutes_files = {f.pk: f for f in FILE_SOURCES["minutes"].queryset(ctx.authority).filter(pk__in=minutes_ids)}
        list_files = {f.pk: f for f in FILE_SOURCES["list"].queryset(ctx.authority).filter(pk__in=list_ids)}
        out = []
        for s in objs:
            out.append(clean({
                **self.common(s, ctx, "Meeting"), "name": str(s), "meetingState": MEETING_STATE.get(s.state),
                "cancelled": False, "start": start_of(s), "end": when(s.closed_at),
                "organization": [organization_url(ctx, s.assembly)],
                "participant": participants.get(s.pk, []),
                "verbatimProtocol": FILE_SOURCES["minutes"].serialize([minutes_files[s.pk]], ctx)[0]
                if s.pk in minutes_files else None,
                "resultsProtocol": FILE_SOURCES["list"].serialize([list_files[s.pk]], ctx)[0]
                if s.pk in list_files else None,
                "agendaItem": by_sitting[s.pk],
                f"{X}state": s.state, f"{X}public": s.public, f"{X}place": s.place or None,
                **self.dates(s),
            }))
        return out


# Papers and files -----------------------------------------------------------------------------------

class PaperSource(Source):
    kind = "paper"

    def queryset(self, authority):
        qs = visible_acts(authority).select_related("authority")
        return stamped(qs, "acts.act", F("created_at"), modified_floor=F("updated_at")).order_by("pk")

    def serialize(self, objs, ctx):
        ids = [a.pk for a in objs]
        published_ids = _published_ids(ids)
        consultation_source = SOURCES["consultation"][0]
        consultations: dict = {pk: [] for pk in ids}
        dates: dict = {}
        rows = list(consultation_source.queryset(ctx.authority).filter(act_id__in=ids)
                    .order_by("sitting__date", "position", "pk"))
        for data, item in zip(consultation_source.serialize(rows, ctx), rows, strict=True):
            consultations[item.act_id].append(data)
            if item.state in (AgendaItem.State.ADOPTED, AgendaItem.State.REJECTED):
                dates[item.act_id] = item.sitting.date
        annex_source = FILE_SOURCES["annex"]
        annexes: dict = {pk: [] for pk in ids}
        annex_rows = list(annex_source.queryset(ctx.authority).filter(act_id__in=ids).order_by("position", "pk"))
        for data, annex in zip(annex_source.serialize(annex_rows, ctx), annex_rows, strict=True):
            annexes[annex.act_id].append(data)
        acks = acknowledgements(list(published_ids))
        files = FILE_SOURCES["act"].embedded(published_ids, ctx)
        shown = published_objects(published_ids)
        out = []
        for a in objs:
            is_published = a.pk in published_ids
            ack = acks.get(a.pk) if is_published else None
            out.append(clean({
                **self.common(a, ctx, "Paper"), "name": shown.get(a.pk) or a.object, "reference": a.reference,
                "date": when(dates.get(a.pk) or timezone.localtime(a.created_at).date()),
                "paperType": Nature(a.nature).label if a.nature in Nature.values else a.nature,
                "mainFile": files.get(a.pk),
                "auxiliaryFile": annexes[a.pk],
                "consultation": consultations[a.pk],
                "web": optional_url("publication:act", authority=ctx.slug, slug=a.slug) if is_published else None,
                f"{X}state": a.state, f"{X}matieres": list(a.matiere_codes or []),
                f"{X}published": is_published,
                f"{X}legalityControl": {"idActe": ack["id_acte"], "receivedOn": when(ack["received_on"])}
                if ack and ack["received_on"] else None,
                **self.dates(a),
            }))
        return out


class FileSource(Source):
    kind = "file"


class ActFileSource(FileSource):
    """The act's published PDF, as the public portal serves it."""

    prefix = "act"

    def queryset(self, authority):
        qs = published_acts(authority).select_related("authority")
        if not act_pdf_available():
            qs = qs.none()
        return stamped(qs, "acts.act", F("created_at"), modified_floor=F("updated_at")).order_by("pk")

    def embedded(self, act_ids, ctx) -> dict:
        """act id → its File object, for the published ones among ``act_ids`` (one query)."""
        rows = list(self.queryset(ctx.authority).filter(pk__in=list(act_ids)))
        return {row.pk: data for row, data in zip(rows, self.serialize(rows, ctx), strict=True)}

    def serialize(self, objs, ctx):
        shown = published_objects([a.pk for a in objs])
        return [clean({
            "id": ctx.url("file", self.key(a)), "type": typ("File"),
            "name": f"{a.reference} — {shown.get(a.pk) or a.object}"[:300],
            "fileName": f"{a.slug}.pdf", "mimeType": "application/pdf",
            "accessUrl": act_pdf_url(ctx.slug, a.slug), "downloadUrl": act_pdf_url(ctx.slug, a.slug),
            "fileLicense": LICENSE, "paper": [ctx.url("paper", a.pk)], **self.dates(a),
        }) for a in objs]


class AnnexFileSource(FileSource):
    prefix = "annex"

    def queryset(self, authority):
        return stamped(visible_annexes(authority), "acts.annex", F("uploaded_at")).order_by("pk")

    def serialize(self, objs, ctx):
        out = []
        for a in objs:
            download = api_url("oparl_annex_download", authority=ctx.slug, key=self.key(a))
            out.append(clean({
                "id": ctx.url("file", self.key(a)), "type": typ("File"), "name": a.title, "fileName": a.original_name,
                "mimeType": a.mime_type, "size": a.size, "date": when(a.uploaded_at.date()),
                "accessUrl": download, "downloadUrl": download, "fileLicense": LICENSE,
                "paper": [ctx.url("paper", a.act_id)], f"{X}sha256": a.sha256, **self.dates(a),
            }))
        return out


class MinutesFileSource(FileSource):
    """The adopted minutes (procès-verbal) of a public sitting."""

    prefix = "minutes"

    def queryset(self, authority):
        qs = minutes_sittings(authority).select_related("assembly")
        return stamped(qs, "sittings.sitting", _sitting_fallback()).order_by("pk")

    def serialize(self, objs, ctx):
        out = []
        for s in objs:
            url = base_url() + reverse("sittings:minutes_public_pdf", kwargs={"slug": s.slug}) + \
                f"?collectivite={ctx.slug}"
            out.append(clean({
                "id": ctx.url("file", self.key(s)), "type": typ("File"), "name": f"Procès-verbal — {s}",
                "fileName": f"proces-verbal-{s.slug}.pdf", "mimeType": "application/pdf", "date": when(s.date),
                "accessUrl": url, "downloadUrl": url, "fileLicense": LICENSE, "meeting": [ctx.url("meeting", s.pk)],
                **self.dates(s),
            }))
        return out


class ListFileSource(FileSource):
    """The list of deliberations of a public sitting (L2121-25), once put online."""

    prefix = "list"

    def queryset(self, authority):
        qs = list_sittings(authority).select_related("assembly")
        return stamped(qs, "sittings.sitting", _sitting_fallback()).order_by("pk")

    def serialize(self, objs, ctx):
        out = []
        for s in objs:
            url = base_url() + reverse("sittings:deliberations_list_pdf", kwargs={"slug": s.slug}) + \
                f"?collectivite={ctx.slug}"
            out.append(clean({
                "id": ctx.url("file", self.key(s)), "type": typ("File"),
                "name": f"Liste des délibérations — {s}", "fileName": f"liste-des-deliberations-{s.slug}.pdf",
                "mimeType": "application/pdf", "date": when(s.date), "accessUrl": url, "downloadUrl": url,
                "fileLicense": LICENSE, "meeting": [ctx.url("meeting", s.pk)], **self.dates(s),
            }))
        return out


FILE_SOURCES = {"act": ActFileSource(), "annex": AnnexFileSource(), "minutes": MinutesFileSource(),
                "list": ListFileSource()}


class LegislativeTermSource(Source):
    """No legislative terms are recorded: the list exists (OParl 1.1) and is empty."""

    kind = "legislativeTerm"

    def queryset(self, authority):
        return stamped(Authority.objects.none(), "organisation.authority", F("created_at"))

    def serialize(self, objs, ctx):
        return []


SOURCES = {
    "organization": [AssemblySource(), CommitteeSource(), GroupSource()],
    "person": [PersonSource()],
    "membership": MEMBERSHIP_SOURCES,
    "meeting": [MeetingSource()],
    "agendaItem": [ItemSource()],
    "consultation": [ConsultationSource()],
    "paper": [PaperSource()],
    "file": list(FILE_SOURCES.values()),
    "legislativeTerm": [LegislativeTermSource()],
}
for _kind, _sources in SOURCES.items():
    for _source in _sources:
        _source.kind = _kind
TYPE_NAMES = {"organization": "Organization", "person": "Person", "membership": "Membership", "meeting": "Meeting",
              "agendaItem": "AgendaItem", "consultation": "Consultation", "paper": "Paper", "file": "File",
              "legislativeTerm": "LegislativeTerm"}
BODY_LISTS = {"organization": "organization", "person": "person", "meeting": "meeting", "paper": "paper",
              "agendaItem": "agendaItem", "consultation": "consultation", "file": "file", "membership": "membership",
              "legislativeTermList": "legislativeTerm"}


# --- System and Body -----------------------------------------------------------------------------------

def authorities():
    return stamped(Authority.objects.all(), "organisation.authority", F("created_at")).order_by("pk")


def body_data(authority) -> dict:
    ctx = Context(authority)
    lists = {attr: list_url(authority.slug, kind) for attr, kind in BODY_LISTS.items()}
    return clean({
        "id": ctx.body(), "type": typ("Body"), "system": api_url("oparl_system"),
        "shortName": authority.slug, "name": authority.name, "license": LICENSE,
        "classification": authority.get_kind_display(), **lists, "legislativeTerm": [],
        "web": optional_url("publication:home", authority=authority.slug),
        f"{X}siren": authority.siren, f"{X}siret": authority.siret or None,
        f"{X}scdl": optional_url("opendata:scdl", authority=authority.slug),
        "created": when(authority.oparl_created), "modified": when(authority.oparl_modified),
        "deleted": False,
    }) | {"legislativeTerm": []}


def system_data() -> dict:
    first = Authority.objects.order_by("created_at").values_list("created_at", flat=True).first()
    last = Stamp.objects.filter(model="organisation.authority").order_by("-modified").values_list(
        "modified", flat=True).first()
    return clean({
        "id": api_url("oparl_system"), "type": typ("System"), "oparlVersion": NS, "otherOparlVersions": [],
        "license": LICENSE, "body": api_url("oparl_bodies"), "name": "Hémicycle", "product": "Hémicycle",
        f"{X}openapi": api_url("oparl_openapi"),
        "created": when(first), "modified": when(max(filter(None, [first, last]), default=None)),
    }) | {"otherOparlVersions": []}


# --- Lists: filters and pagination -----------------------------------------------------------------------

FILTERS = {"created_since": ("oparl_created", "gte"), "created_until": ("oparl_created", "lte"),
           "modified_since": ("oparl_modified", "gte"), "modified_until": ("oparl_modified", "lte")}


def parse_filters(params) -> dict:
    lookups = {}
    for name, (field, op) in FILTERS.items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        value = parse_datetime(raw.strip().replace(" ", "+"))
        if value is None:
            raise OParlError(f"Paramètre {name} invalide : date-heure ISO 8601 attendue "
                             "(par exemple 2026-01-01T00:00:00+01:00).")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        lookups[f"{field}__{op}"] = value
    return lookups


def parse_limit(params) -> int:
    raw = params.get("limit") or params.get("elementsPerPage")
    if raw in (None, ""):
        return DEFAULT_LIMIT
    if not str(raw).isdigit() or int(raw) < 1:
        raise OParlError("Paramètre limit invalide : un entier positif est attendu.")
    return min(int(raw), MAX_LIMIT)


def parse_page(params) -> int:
    raw = params.get("page")
    if raw in (None, ""):
        return 1
    if not str(raw).isdigit() or int(raw) < 1:
        raise OParlError("Paramètre page invalide : un entier positif est attendu.")
    return int(raw)


def paginate(querysets: list, serializers: list, ctx, params, page_url: str) -> dict:
    """One list page over several querysets chained in order (each ordered by pk)."""
    filters = parse_filters(params)
    limit, page = parse_limit(params), parse_page(params)
    filtered = [qs.filter(**filters) for qs in querysets]
    counts = [qs.count() for qs in filtered]
    total = sum(counts)
    pages = max((total + limit - 1) // limit, 1)
    start, end = (page - 1) * limit, page * limit
    data, offset = [], 0
    for qs, count, serialize in zip(filtered, counts, serializers, strict=True):
        lo, hi = max(start - offset, 0), min(end - offset, count)
        if lo < hi:
            data.extend(serialize(list(qs[lo:hi]), ctx))
        offset += count
    kept = {k: v for k, v in params.items() if k in FILTERS and v}
    if "limit" in params or "elementsPerPage" in params:
        kept["limit"] = str(limit)

    def link(n):
        from urllib.parse import urlencode

        query = urlencode({**kept, "page": n} if n > 1 else kept)
        return page_url + (f"?{query}" if query else "")

    links = {"first": link(1), "self": link(page), "last": link(pages)}
    if page > 1:
        links["prev"] = link(min(page - 1, pages))
    if page < pages:
        links["next"] = link(page + 1)
    return {"data": data,
            "pagination": {"totalElements": total, "elementsPerPage": limit, "currentPage": page, "totalPages": pages},
            "links": links}


def object_list(authority, kind: str, params) -> dict:
    sources = SOURCES[kind]
    ctx = Context(authority)
    return paginate([s.queryset(authority) for s in sources], [s.serialize for s in sources], ctx, params,
                    list_url(authority.slug, kind))


def body_list(params) -> dict:
    def serialize(objs, ctx):
        return [body_data(a) for a in objs]

    return paginate([authorities()], [serialize], None, params, api_url("oparl_bodies"))


def one_object(authority, kind: str, key: str) -> dict | None:
    ctx = Context(authority)
    for source in SOURCES.get(kind, []):
        pk = source.match(key)
        if pk is None:
            continue
        rows = list(source.queryset(authority).filter(pk=pk))
        if rows:
            return source.serialize(rows, ctx)[0]
    return None


def visible_annex(authority, key: str):
    pk = FILE_SOURCES["annex"].match(key)
    if pk is None:
        return None
    return visible_annexes(authority).filter(pk=pk).first()


__all__ = ["OParlError", "SOURCES", "TYPE_NAMES", "body_data", "body_list", "object_list", "one_object",
           "system_data", "visible_annex"]
