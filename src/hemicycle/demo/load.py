"""Build the demo authority (a fictional commune) and the Paris-scale benchmark preset.

Everything goes through the same actions as the interface (create_act, submit_act, approve…),
so the demo's acts carry real versions, journal entries, notifications and circuit history.
The commune's sittings (a past one held, the next one convened, a later one in preparation)
are built by ``demo/sittings.py`` with the sittings' actions; its history starts about three
months before the day it is loaded (see ``sittings.DemoClock``). The past sitting's acts then go
the whole way — final documents, signatures, prefecture (through the shipped simulator),
publication, register, SEDA package — with ``demo/after_vote.py``.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hemicycle.accounts.models import RoleAssignment, User
from hemicycle.acts import actions as act_actions
from hemicycle.acts.classification import load_default_classification
from hemicycle.acts.models import Act, Matiere
from hemicycle.circuits import actions as circuit_actions
from hemicycle.circuits.permissions import active_step
from hemicycle.circuits.models import CircuitTemplate, StepRule, StepTemplate
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Authority, Committee, Department, Mandate, Member, PoliticalGroup

from . import after_vote
from . import sittings as demo_sittings
from . import vocabulary as V
from .annexes import annex_pdf

DEMO_PASSWORD = "demo-hemicycle"
PERSONAL_DATA_ACT = 0  # the plan's act that names a private person (adopted at the past sitting)


@dataclass
class DemoAccount:
    username: str
    name: str
    role: str


@dataclass
class Loaded:
    authority: Authority
    accounts: list[DemoAccount] = field(default_factory=list)
    acts: int = 0
    sittings: "demo_sittings.DemoSittings | None" = None
    after_vote: "after_vote.AfterVote | None" = None


class _Password:
    """The demo password, hashed once per load: the hasher is deliberately slow (about 0.4 s), and
    every demo account shares this public password anyway."""

    def __init__(self):
        self._hash = ""

    @property
    def hash(self) -> str:
        if not self._hash:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash


def _user(authority, username, first, last, roles, department=None, scoped=False, title="", accounts=None,
          password: "_Password | None" = None, email: str = ""):
    """A user with the demo password (``password``), or without a usable password."""
    user = User.objects.create_user(username=username, password=None, authority=authority,
                                    department=department, first_name=first, last_name=last, title=title,
                                    email=email or f"{username}@demo.hemicycle.localhost")
    if password is not None:
        user.password = password.hash
        user.save(update_fields=["password"])
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role, department=department if scoped else None)
    if accounts is not None:
        accounts.append(DemoAccount(username, f"{first} {last}", title))
    return user


def _members(authority, rng, count, groups, committees, start):
    """Elected members with mandates; the first is the mayor/president."""
    members, used = [], set()
    for i in range(count):
        while True:
            female = i % 2 == 0
            first = rng.choice(V.FIRST_NAMES_F if female else V.FIRST_NAMES_M)
            last = rng.choice(V.LAST_NAMES)
            if (first, last) not in used:
                used.add((first, last))
                break
        group = groups[0] if i < count * 0.55 else groups[1 + (i % (len(groups) - 1))]
        member = Member.objects.create(
            authority=authority, civility="Mme" if female else "M.", first_name=first, last_name=last,
            birth_date=datetime.date(1950 + rng.randrange(45), rng.randrange(1, 13), rng.randrange(1, 28)),
            email=f"{first}.{last}@elus.demo.hemicycle.localhost".lower().replace(" ", ""),
            group=group, paper_convocation=(i % 17 == 16),
        )
        member.committees.set([committees[i % len(committees)]])
        function = "Maire" if i == 0 else (f"{i}e adjoint(e)" if i <= 12 else "Conseiller(ère) municipal(e)")
        Mandate.objects.create(member=member, function=function, start_date=start, is_president=(i == 0))
        members.append(member)
    return members


def _fill(text: str, rng, year: int) -> str:
    return text.format(assoc=rng.choice(V.ASSOCIATIONS), year=year, year_next=f"{year}-{year + 1}",
                       n=rng.randrange(2, 40), amount=f"{rng.randrange(2, 60) * 500:,}".replace(",", " "))


def _act_content(rng, dept_code: str, year: int, matieres: list[str]) -> dict:
    objects = V.OBJECTS.get(dept_code) or V.OBJECTS["DAC"]
    assoc = rng.choice(V.ASSOCIATIONS)

    def fill(text):
        return text.format(assoc=assoc, year=year, year_next=f"{year}-{year + 1}", n=rng.randrange(2, 40),
                           amount=f"{rng.randrange(2, 60) * 500:,}".replace(",", " "))

    matiere = rng.choice(matieres) if matieres else None
    return {
        "object": fill(rng.choice(objects)),
        "report": fill(V.REPORT),
        "visas": [fill(v) for v in V.VISAS],
        "considerants": [fill(c) for c in V.CONSIDERANTS],
        "articles": [fill(a) for a in V.ARTICLES],
        "matiere_codes": [matiere.rsplit(".", 1)[0], matiere] if matiere and "." in matiere else [],
        "budget_year": year,
        "budget_name": "Budget principal",
        "amount": Decimal(rng.randrange(2, 60) * 500),
    }


def _second_level_matieres(authority) -> list[str]:
    return list(Matiere.objects.filter(version__authority=authority, level=2).values_list("code", flat=True))


def _circuits(authority, departments, dgs_user, cabinet_users, finance_user, legal_user):
    standard = CircuitTemplate.objects.create(authority=authority, name="Délibérations — circuit standard",
                                              natures=["DE"], approvers_can_edit=True)
    s1 = StepTemplate.objects.create(circuit=standard, position=1, name="Chef de service", rule=StepRule.ANY,
                                     deadline_days=3, approver_role=Role.APPROVER, role_in_act_department=True)
    s2 = StepTemplate.objects.create(circuit=standard, position=2, name="Direction générale des services",
                                     rule=StepRule.ANY, deadline_days=3)
    s2.approver_users.set([dgs_user])
    s3 = StepTemplate.objects.create(circuit=standard, position=3, name="Cabinet du maire et adjoint(e) délégué(e)",
                                     rule=StepRule.ALL, deadline_days=5)
    s3.approver_users.set(cabinet_users)
    del s1

    finance = CircuitTemplate.objects.create(authority=authority, name="Délibérations budgétaires et financières",
                                             natures=["DE", "BF"])
    finance.departments.set([departments["DFIN"]])
    f1 = StepTemplate.objects.create(circuit=finance, position=1, name="Direction des finances", deadline_days=3)
    f1.approver_users.set([finance_user])
    f2 = StepTemplate.objects.create(circuit=finance, position=2, name="Direction générale des services", deadline_days=3)
    f2.approver_users.set([dgs_user])

    arretes = CircuitTemplate.objects.create(authority=authority, name="Arrêtés du maire", natures=["AR", "AI"],
                                             sitting_types=["none"])
    a1 = StepTemplate.objects.create(circuit=arretes, position=1, name="Affaires juridiques", deadline_days=2)
    a1.approver_users.set([legal_user])
    a2 = StepTemplate.objects.create(circuit=arretes, position=2, name="Direction générale des services", deadline_days=2)
    a2.approver_users.set([dgs_user])
    return standard, finance, arretes


def _annex(user, act, title):
    pdf = annex_pdf(title, f"Annexe au projet {act.reference} — {act.object[:80]}")
    act_actions.add_annex(user, act, content=pdf, filename=f"{title.lower().replace(' ', '-')}.pdf", title=title)


@transaction.atomic
def load_commune(seed: int = 2026) -> Loaded:
    """A fictional commune of 52,000 inhabitants: 49 members in 5 groups, 10 departments,
    3 circuits, about 60 acts in every state with annexes, comments and history, a council
    and two committees, a council sitting held six weeks ago, the next one convened and a
    later one in preparation.

    The history starts about three months ago and is replayed at its dates (``DemoClock``): the
    people, the circuits and the acts of the past sitting first, then the sitting itself; the
    other acts and the sittings ahead are made at the real time of loading."""
    rng = random.Random(seed)
    year = datetime.date.today().year
    cal = demo_sittings.Calendar.around(timezone.localdate())
    with demo_sittings.DemoClock() as clock:
        clock.set(cal.setup)
        loaded, cast, people = _commune_setup(rng)
        clock.set(cal.first_acts)
        matieres = _second_level_matieres(loaded.authority)
        codes = [c for c, _, _ in V.DEPARTMENTS_COMMUNE if c != "DGS"]
        # (state wanted, how many): every state of the first half of an act's life.
        plan = ["ready"] * 22 + ["in_circuit_1"] * 6 + ["in_circuit_2"] * 5 + ["in_circuit_3"] * 4 + \
               ["sent_back"] * 8 + ["draft"] * 15
        past_acts = []
        for n, wanted in enumerate(plan):
            if n == demo_sittings.PAST_ACTS:
                past = demo_sittings.hold_past_sitting(cast, clock, cal, past_acts)
                after_vote.render_finals(cast, clock, cal, past)  # the day after the sitting
                clock.stop()  # from here on, the real time
            act = _plan_act(n, wanted, rng, year, codes, matieres, people, clock,
                            target=cal.past if n < demo_sittings.PAST_ACTS else datetime.date(year, 12, 15))
            loaded.acts += 1
            if n < demo_sittings.PAST_ACTS:
                past_acts.append(act)
    _age_some_steps(loaded.authority)
    upcoming = demo_sittings.convene_upcoming(cast, cal, past, people["elu"])
    planned = demo_sittings.plan_later(cast, cal)
    loaded.sittings = demo_sittings.DemoSittings(past=past, upcoming=upcoming, planned=planned)
    # The past sitting's acts signed, transmitted, acknowledged, published, in the register and
    # the archives; an individual arrêté signed and notified (demo/after_vote.py).
    loaded.after_vote = after_vote.complete(cast, past, people)
    loaded.acts += 1  # the arrêté
    return loaded


def _commune_setup(rng):
    """The authority, its departments, groups, committees, members, users, circuits and assemblies."""
    authority = Authority.objects.create(
        name="Ville de Belval-sur-Loire", slug="belval", kind="commune", siren="214500017",
        siret="21450001700018", department_code="045", arrondissement="2", population=52_340, seats=49)
    loaded = Loaded(authority)
    password = _Password()
    load_default_classification(authority)
    departments = {}
    for code, name, parent in V.DEPARTMENTS_COMMUNE:
        departments[code] = Department.objects.create(authority=authority, code=code, name=name,
                                                      parent=departments.get(parent))
    groups = [PoliticalGroup.objects.create(authority=authority, name=n, short_name=s, colour=c)
              for n, s, c in V.GROUPS_COMMUNE]
    committees = [Committee.objects.create(authority=authority, name=n, short_name=s) for n, s in V.COMMITTEES]
    members = _members(authority, rng, 49, groups, committees, datetime.date(2026, 3, 22))

    acc = loaded.accounts
    admin = _user(authority, "admin", "Patrice", "Lenoir", [Role.ADMINISTRATOR], title="Administrateur", accounts=acc,
                  password=password)
    # The secretariat is the @CTES referent: its e-mail is the envelope's return address, which
    # the XSD wants with a real top-level domain (``….localhost`` is refused).
    secretariat = _user(authority, "secretariat", "Sylvie", "Marchand", [Role.SECRETARIAT],
                        title="Secrétariat des assemblées", accounts=acc, password=password,
                        email="secretariat@belval-sur-loire.example.fr")
    dgs = _user(authority, "dgs", "Bernard", "Fontaine", [Role.APPROVER], departments["DGS"],
                title="Directeur général des services", accounts=acc, password=password)
    cabinet = _user(authority, "cabinet", "Inès", "Haddad", [Role.APPROVER], title="Directrice de cabinet",
                    accounts=acc, password=password)
    mayor_user = _user(authority, "maire", members[0].first_name, members[0].last_name,
                       [Role.SIGNATORY, Role.MEMBER, Role.APPROVER], title="Maire", accounts=acc, password=password)
    members[0].user = mayor_user
    members[0].save(update_fields=["user"])
    deputy_user = _user(authority, "adjointe", members[2].first_name, members[2].last_name,
                        [Role.APPROVER, Role.MEMBER, Role.SIGNATORY], title="Adjointe à la culture", accounts=acc,
                        password=password)
    members[2].user = deputy_user
    members[2].save(update_fields=["user"])
    elu = _user(authority, "elu", members[30].first_name, members[30].last_name, [Role.MEMBER],
                title="Conseillère municipale" if members[30].civility == "Mme" else "Conseiller municipal",
                accounts=acc, password=password)
    members[30].user = elu
    members[30].save(update_fields=["user"])
    _user(authority, "partenaire", "Lucie", "Moreau", [Role.PARTNER], title="Association partenaire", accounts=acc,
          password=password)
    _member_accounts(authority, members)

    drafters, chiefs = {}, {}
    for i, (code, _, _) in enumerate(V.DEPARTMENTS_COMMUNE):
        if code == "DGS":
            continue
        dept = departments[code]
        first = V.FIRST_NAMES_F[i] if i % 2 else V.FIRST_NAMES_M[i]
        drafters[code] = _user(authority, f"redac-{code.lower()}", first, V.LAST_NAMES[i + 10], [Role.DRAFTER],
                               dept, scoped=True, title=f"Rédacteur·rice {code}",
                               accounts=acc if code in ("DAC", "DFPE") else None, password=password)
        chiefs[code] = _user(authority, f"chef-{code.lower()}", V.FIRST_NAMES_M[i + 1], V.LAST_NAMES[i + 30],
                             [Role.APPROVER], dept, scoped=True, title=f"Chef·fe de service {code}",
                             accounts=acc if code == "DAC" else None, password=password)
    _circuits(authority, departments, dgs, [cabinet, deputy_user], chiefs["DFIN"], chiefs["DAJ"])
    cast = demo_sittings.Cast(authority=authority, admin=admin, secretariat=secretariat, members=members,
                              groups=groups, committees=committees)
    demo_sittings.assemblies(cast)
    people = {"departments": departments, "committees": committees, "members": members, "drafters": drafters,
              "chiefs": chiefs, "elu": elu}
    return loaded, cast, people


def _member_accounts(authority, members) -> None:
    """Every member has a portal account (to vote from their device in the sitting); apart from
    the demo's « maire », « adjointe » and « elu », without a usable password."""
    taken = set(User.objects.values_list("username", flat=True))
    for member in members:
        if member.user_id:
            continue
        username = f"{slugify(member.first_name)}.{slugify(member.last_name)}"
        while username in taken:
            username += "1"
        taken.add(username)
        member.user = _user(authority, username, member.first_name, member.last_name, [Role.MEMBER],
                            title=member.mandates.values_list("function", flat=True).first() or "")
        member.save(update_fields=["user"])


def _plan_act(n, wanted, rng, year, codes, matieres, people, clock, target):
    """The n-th act of the plan, brought to the ``wanted`` state through the circuits. While the
    past is replayed, each step takes some time (``clock``)."""
    departments, committees, members = people["departments"], people["committees"], people["members"]
    drafters, chiefs = people["drafters"], people["chiefs"]
    code = codes[n % len(codes)] if n > 1 else "DAC"
    drafter = drafters[code]
    content = _act_content(rng, code, year, matieres)
    if n == PERSONAL_DATA_ACT:  # a private person named in a visa: masked in the published copy
        content["visas"] = [v.replace(V.REQUEST_VISA, V.PERSONAL_REQUEST_VISA) for v in content["visas"]]
    clock.advance_office(hours=2)
    act = act_actions.create_act(drafter, department=departments[code], year=year, nature="DE",
                                 rapporteur=members[1 + n % 12], committees=[committees[n % 4]],
                                 target_sitting_date=target, **content)
    if n % 3 != 2:
        _annex(drafter, act, "Convention d'objectifs" if n % 2 else "Budget prévisionnel")
    if n % 4 == 0:
        clock.advance_office(minutes=40)
        act_actions.update_act(drafter, act, lock_version=act.lock_version,
                               articles=content["articles"][:3] + content["articles"][4:],
                               summary="Suppression de l'article sur le versement")
        act.refresh_from_db()
    if n % 5 == 1:
        clock.advance_office(minutes=25)
        act_actions.add_comment(chiefs[code], act, f"@{drafter.username} pouvez-vous vérifier le montant ?")
    if wanted == "draft":
        return act
    clock.advance_office(hours=1)
    circuit_actions.submit_act(drafter, act)
    if wanted == "sent_back":
        circuit_actions.send_back(chiefs[code] if code != "DFIN" else chiefs["DFIN"], act,
                                  "Le montant ne correspond pas au budget voté ; merci de le corriger.")
        return act
    steps_to_pass = {"in_circuit_1": 0, "in_circuit_2": 1, "in_circuit_3": 2, "ready": 99}[wanted]
    for _ in range(steps_to_pass):
        act.refresh_from_db()
        if act.state != "in_circuit":
            break
        step = active_step(act)
        for approver in list(step.approvers.all()):
            act.refresh_from_db()
            if act.state == "in_circuit" and active_step(act) == step:
                clock.advance_office(hours=3)
                circuit_actions.approve(approver, act, "Vu, avis favorable.")
    act.refresh_from_db()
    return act


def _age_some_steps(authority) -> None:
    """Demo only: make a few waiting steps late, as if submitted a week ago, so the
    "En retard" tab and the reminders have something to show on a fresh demo."""
    from datetime import timedelta

    from django.utils import timezone

    from hemicycle.circuits.models import StepRun

    late = StepRun.objects.filter(run__act__authority=authority, state=StepRun.State.ACTIVE).order_by("pk")[:4]
    week_ago = timezone.now() - timedelta(days=8)
    for step in late:
        StepRun.objects.filter(pk=step.pk).update(activated_at=week_ago,
                                                  deadline=week_ago + timedelta(days=step.deadline_days))


@transaction.atomic
def load_paris(seed: int = 75, acts: int = 800, annex_pages: int = 5) -> Loaded:
    """The Paris-scale preset (benchmarks.md): 163 members in 8 groups, 17 arrondissements,
    25 departments, `acts` deliberations ready for one sitting, each with a 5-page PDF annex."""
    rng = random.Random(seed)
    year = datetime.date.today().year
    authority = Authority.objects.create(
        name="Ville de Paris", slug="paris", kind="paris", siren="217500016", siret="21750001600019",
        department_code="075", arrondissement="0", population=2_113_705, seats=163)
    loaded = Loaded(authority)
    load_default_classification(authority)
    departments = {code: Department.objects.create(authority=authority, code=code, name=name)
                   for code, name in V.DEPARTMENTS_PARIS}
    groups = [PoliticalGroup.objects.create(authority=authority, name=n, short_name=s, colour=c)
              for n, s, c in V.GROUPS_PARIS]
    committees = [Committee.objects.create(authority=authority, name=n, short_name=s) for n, s in V.COMMITTEES]
    members = _members(authority, rng, 163, groups, committees, datetime.date(2026, 3, 22))
    acc = loaded.accounts
    password = _Password()
    _user(authority, "paris-secretariat", "Sylvie", "Marchand", [Role.SECRETARIAT],
          title="Secrétariat général du Conseil de Paris", accounts=acc, password=password)
    _user(authority, "paris-admin", "Patrice", "Lenoir", [Role.ADMINISTRATOR], title="Administrateur", accounts=acc,
          password=password)
    sg = _user(authority, "paris-sg", "Bernard", "Fontaine", [Role.APPROVER], title="Secrétaire général", accounts=acc,
               password=password)
    circuit = CircuitTemplate.objects.create(authority=authority, name="Projets de délibération", natures=[])
    step = StepTemplate.objects.create(circuit=circuit, position=1, name="Secrétariat général", deadline_days=5)
    step.approver_users.set([sg])
    drafters = {code: _user(authority, f"paris-redac-{code.lower()}", rng.choice(V.FIRST_NAMES_F),
                            rng.choice(V.LAST_NAMES), [Role.DRAFTER], dept, scoped=True, password=password)
                for code, dept in departments.items()}
    matieres = _second_level_matieres(authority)
    codes = list(departments)
    for n in range(acts):
        code = codes[n % len(codes)]
        content = _act_content(rng, code if code in V.OBJECTS else "DAC", year, matieres)
        act = act_actions.create_act(drafters[code], department=departments[code], year=year, nature="DE",
                                     rapporteur=members[1 + n % 36], committees=[committees[n % 4]],
                                     target_sitting_date=datetime.date(year, 12, 15), **content)
        pdf = annex_pdf("Annexe technique", f"{act.reference} — {act.object[:80]}", pages=annex_pages)
        act_actions.add_annex(drafters[code], act, content=pdf, filename="annexe-technique.pdf",
                              title="Annexe technique")
        circuit_actions.submit_act(drafters[code], act)
        circuit_actions.approve(sg, act, "")
        loaded.acts += 1
    assert Act.objects.filter(authority=authority, state="ready").count() == acts
    return loaded
