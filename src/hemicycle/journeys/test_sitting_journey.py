"""Issue 3's "done means" journey, in Chromium: the secretariat builds an agenda of 4 items and
sends the convocation (one member on paper); a member opens it on a phone and gives a proxy; at
the sitting the clerk takes the roll call, one member leaves mid-sitting (quorum re-checked), an
interested member withdraws from a subsidy item, one vote is electronic from the members' own
devices, one is a tie decided by the president, one is a secret ballot; then the minutes and the
list of deliberations come out with the right contents.

Set up in Python (not this journey's subject): a council of 7 members, accounts for six of them,
ready acts, a planned sitting, one member asking for paper convocations and one who declared an
interest in the association the subsidy goes to. The sitting is held today (a sitting opens on
its day, not before); everything before it — agenda, convocation, proxy — happens a week
earlier: Django's clock runs 7 days behind the real time until the sitting
(sittings.testing.ClockBehind), so the convocation leaves in time (5 jours francs). Everything else goes through
the pages. The convocation's documents and e-mails are produced by the real database task
worker, run when the pages wait for it. Screenshots in
test-artifacts/test_sitting_from_agenda_to_deliberations_list/."""

import re

from django.core import mail
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker

from hemicycle.acts.actions import create_act, set_state
from hemicycle.acts.models import Act, ActState
from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD, make_user
from hemicycle.sittings.models import (AgendaItem, Attendance, AttendanceEvent, Ballot, Convocation,
                                       ConvocationRecipient, Interest, ItemConcern, Minutes, Proxy, Sitting, Vote,
                                       Withdrawal)
from hemicycle.sittings.testing import ClockBehind, build_sitting_world

from .conftest import login

PHONE = {"width": 390, "height": 844}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ASSOCIATION = "Les Amis du Théâtre"
PEOPLE = [("Mme", "Claire", "Martin"), ("M.", "Paul", "Bernard"), ("Mme", "Sophie", "Durand"),
          ("M.", "Luc", "Petit"), ("Mme", "Anne", "Moreau"), ("M.", "Marc", "Laurent"), ("Mme", "Julie", "Roux")]
PREPARED_DAYS_BEFORE = 7  # agenda, convocation and proxy a week before the sitting
ACTS = [  # (department, object, exposé des motifs)
    ("DAC", f"Attribution d'une subvention de 3 000 € à l'association {ASSOCIATION}",
     "L'association anime la saison théâtrale du quartier des Tilleuls."),
    ("DAC", "Dénomination de la médiathèque du quartier des Tilleuls",
     "Le conseil de quartier propose le nom d'Olympe de Gouges."),
    ("DAC", "Convention de partenariat avec le conservatoire départemental",
     "La convention ouvre les classes du conservatoire aux élèves des écoles de la commune."),
    ("DFPE", "Tarifs des accueils périscolaires pour l'année 2027",
     "Les tarifs suivent le quotient familial et augmentent de 2 %."),
]


# --- Setup (not the journey's subject) ------------------------------------------------------

def council(world):
    """7 members ([0] Claire Martin presides), accounts for all but Marc Laurent (paper), ready
    acts, Julie Roux's declared interest in the association."""
    sw = build_sitting_world(world, members=7, acts=0, on_agenda=False, days_ahead=PREPARED_DAYS_BEFORE)
    members = sw.members
    for member, (civility, first, last) in zip(members, PEOPLE):
        member.civility, member.first_name, member.last_name = civility, first, last
        member.email = f"{first.lower()}.{last.lower()}@example.org"
        member.save()
    paper = members[5]
    paper.paper_convocation, paper.email = True, ""
    paper.save()
    users = {0: world.users[Role.MEMBER]}
    for i in (1, 2, 3, 4, 6):
        civility, first, last = PEOPLE[i]
        users[i] = make_user(world.authority, f"vil-{first.lower()}", [Role.MEMBER], first=first, last=last)
        members[i].user = users[i]
        members[i].save()
    Interest.objects.create(member=members[6], organisation=ASSOCIATION, role="Trésorière")
    secretariat = world.users[Role.SECRETARIAT]
    acts = []
    for code, obj, report in ACTS:
        drafter = world.users[Role.DRAFTER] if code == "DAC" else world.users["drafter2"]
        act = create_act(drafter, department=world.departments[code], object=obj, report=f"<p>{report}</p>",
                         visas=["Vu le code général des collectivités territoriales"],
                         considerants=["Considérant l'intérêt local"], articles=["La proposition est adoptée."])
        with transaction.atomic():
            set_state(act, ActState.READY, actor=secretariat, reason="circuit de validation achevé")
        acts.append(act)
    draft = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"],
                       object="Projet encore en rédaction", articles=["Brouillon."])
    return sw, members, users, acts, draft


def run_worker():
    """`hemicycle db_worker --batch`: what the background worker does, once."""
    Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="journey3", excluded_queue_names=[]).run()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def tick(page, box_id: str) -> None:
    """Tick a DSFR checkbox: the box a user sees is drawn by its label over the real input, so
    the click lands on the label (forced past Playwright's "another element receives the
    click" check), as a user's click does."""
    page.locator(f"#{box_id}").check(force=True)
    assert page.locator(f"#{box_id}").is_checked()


def row(page, scope: str, text: str):
    return page.locator(f"{scope} tr", has_text=text)


def point_url(item):
    """The console page of an item (redirects keep the fragment of the page left, e.g. #bureau)."""
    return re.compile(rf"/console/point/{item.pk}/(#.*)?$")


# --- The journey --------------------------------------------------------------------------------

def test_sitting_from_agenda_to_deliberations_list(world, settings, new_page, shots, request):
    settings.TASKS = DATABASE_TASKS
    clock = ClockBehind(days=PREPARED_DAYS_BEFORE)  # a week before the sitting
    request.addfinalizer(clock.stop)
    sw, m, users, acts, draft = council(world)
    sitting = sw.sitting
    slug = sitting.slug
    secretariat = world.users[Role.SECRETARIAT]
    claire, paul, sophie, luc, anne, marc, julie = m

    # 1. The secretariat builds the agenda: the 4 ready acts (a draft is not offered).
    sec = new_page()
    login(sec, secretariat.username, PASSWORD)
    sec.goto("/seances/")
    sec.locator(f"a[href='/seances/{slug}/']").first.click()
    sec.get_by_role("link", name="Composer l'ordre du jour").click()
    sec.wait_for_url(f"**/seances/{slug}/ordre-du-jour/**")
    for act in acts:
        assert sec.locator(f"#act-{act.pk}").count() == 1, act.reference
    assert draft.reference not in sec.locator("main").inner_text()
    for act in acts:
        tick(sec, f"act-{act.pk}")
    shots(sec, "actes-prets")
    sec.get_by_role("button", name="Inscrire les actes cochés à l'ordre du jour").click()
    sec.get_by_text("4 acte(s) inscrit(s) à l'ordre du jour.").wait_for()
    items = list(sitting.items.order_by("position"))
    assert [i.act_id for i in items] == [a.pk for a in acts]
    assert all(Act.objects.get(pk=a.pk).state == ActState.ON_AGENDA for a in acts)
    subsidy, naming, convention, fees = items
    assert sec.get_by_role("heading", name="4 points inscrits").is_visible()

    # The subsidy item concerns the association: its members with a declared interest get flagged.
    sec.get_by_role("link", name=subsidy.title).click()
    sec.wait_for_url(f"**/ordre-du-jour/{subsidy.pk}/")
    sec.get_by_label("Organisme concerné").fill(ASSOCIATION)
    sec.get_by_role("button", name="Ajouter l'organisme").click()
    sec.get_by_text(f"Organisme « {ASSOCIATION} » ajouté.").wait_for()
    assert list(ItemConcern.objects.filter(item=subsidy).values_list("organisation", flat=True)) == [ASSOCIATION]
    shots(sec, "point-subvention")

    # 2. The convocation: letter and synthesis note pre-filled, documents generated in the
    # background with a progress bar, legal checks, sending, proof.
    sec.goto(f"/seances/{slug}/")
    sec.get_by_role("link", name="Préparer la convocation").click()
    sec.wait_for_url(f"**/seances/{slug}/convocation/")
    assert "L'association anime la saison théâtrale" in sec.locator(f"#id_synthesis_{subsidy.pk}").input_value()
    sec.get_by_role("button", name="Enregistrer et générer les documents").click()
    progress = sec.locator("#convocation-progress")
    progress.wait_for()
    assert "Génération des documents" in progress.inner_text()
    assert Convocation.objects.get(sitting=sitting).state == Convocation.State.GENERATING
    shots(sec, "convocation-generation")
    run_worker()  # the page polls the progress and reloads itself once the documents are ready
    sec.locator("#convocation-documents").wait_for()
    documents = sec.locator("#convocation-documents").inner_text()
    for label in ("Lettre de convocation", "Ordre du jour", "Note explicative de synthèse", "Dossier de séance"):
        assert label in documents, label
    assert sec.locator("#convocation-legal-ok").is_visible()
    shots(sec, "convocation-prete")
    sec.get_by_role("button", name="Envoyer la convocation").click()
    sec.wait_for_url(re.compile(rf"/seances/{slug}/convocation/\d+/preuve/(#.*)?$"))
    convocation = Convocation.objects.get(sitting=sitting)
    assert convocation.state == Convocation.State.SENT and convocation.timestamp_token
    sitting.refresh_from_db()
    assert sitting.state == Sitting.State.CONVENED
    mail.outbox.clear()
    run_worker()  # the e-mails with each member's personal link
    assert sorted(msg.to[0] for msg in mail.outbox) == sorted(x.email for x in m if x.email)
    channels = dict(convocation.recipients.values_list("member_id", "channel"))
    assert channels[marc.pk] == ConvocationRecipient.Channel.PAPER
    assert list(channels.values()).count(ConvocationRecipient.Channel.EMAIL) == 6
    sec.reload()
    assert "7 élus convoqués : 6 par courriel (6 remis, 0 ouverts), 1 sur papier (0 postés)." in sec.locator(
        "#convocation-proof-stats").inner_text()
    # Marc Laurent's letter goes by post: the secretariat records the posting.
    sec.get_by_role("link", name="Convocations papier").first.click()
    row(sec, "#paper-recipients", "Marc Laurent").wait_for()
    sec.get_by_role("button", name="Enregistrer le dépôt au courrier").click()
    sec.get_by_text("Dépôt au courrier enregistré pour 1 élu(s).").wait_for()
    assert convocation.recipients.get(member=marc).paper_posted_at is not None
    shots(sec, "convocation-papier")

    # 3. Anne Moreau opens her convocation on her phone, then gives her proxy to Paul Bernard.
    letter = next(msg for msg in mail.outbox if msg.to == [anne.email])
    link = re.search(r"/seances/convocation/[\w-]+/", letter.body).group(0)
    phone = new_page(viewport=PHONE)
    phone.goto(link)
    assert phone.get_by_role("heading", name="Votre convocation").is_visible()
    agenda = phone.locator("#link-agenda").inner_text()
    assert all(a.object in agenda for a in acts)
    assert fits_the_screen(phone)
    assert convocation.recipients.get(member=anne).opened_at is not None
    shots(phone, "convocation-telephone")
    login(phone, users[4].username, PASSWORD)
    phone.locator("#button-menu").click()
    phone.get_by_role("link", name="Espace élu").click()
    phone.wait_for_url("**/elu/")
    assert phone.get_by_text("Convocation reçue").first.is_visible()
    phone.locator(f"a[href='/elu/seances/{slug}/']").first.click()
    phone.wait_for_url(f"**/elu/seances/{slug}/")
    phone.get_by_role("link", name="Donner pouvoir pour cette séance").click()
    phone.get_by_label("Collègue qui votera en votre nom").select_option(str(paul.pk))
    assert phone.locator(f"input[name='sittings'][value='{sitting.pk}']").is_checked()
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="Donner pouvoir").click()
    phone.wait_for_url("**/elu/pouvoirs/")
    assert phone.get_by_text(re.compile("Pouvoir donné à Paul Bernard")).is_visible()
    proxy = Proxy.objects.get(mandator=anne, revoked_at__isnull=True)
    assert proxy.holder == paul and list(proxy.sittings.all()) == [sitting]
    shots(phone, "pouvoir-telephone")

    # 4. The sitting, a week later (today): roll call, officers, opening.
    clock.stop()
    sec.goto(f"/seances/{slug}/")
    sec.get_by_role("link", name="Ouvrir la console de séance").click()
    sec.wait_for_url(f"**/seances/{slug}/console/")

    def roll_row(member):
        name = sec.locator("td:first-child", has_text=f"{member.first_name} {member.last_name}")
        return sec.locator("#appel tbody tr", has=name)

    def mark(member, button):
        with sec.expect_navigation():  # each button posts the roll call and reloads the console
            roll_row(member).get_by_role("button", name=button, exact=True).click()

    for member in (claire, paul, sophie, luc, julie):
        mark(member, "Présent")
    mark(anne, "Absent")
    mark(marc, "Excusé")
    assert "Donne pouvoir à Paul Bernard" in roll_row(anne).inner_text()
    assert "Porte le pouvoir de Anne Moreau" in roll_row(paul).inner_text()
    tick(sec, f"sec-{sophie.pk}")
    sec.get_by_role("button", name="Enregistrer le bureau").click()
    sec.get_by_text("Bureau de la séance enregistré.").wait_for()
    assert "Quorum atteint : 5 présent(s), il en faut 4 sur 7 en exercice." in sec.locator("#quorum").inner_text()
    flagged = row(sec, "#ordre-du-jour", subsidy.title).text_content()  # badges are upper-cased by CSS
    assert f"Intérêt déclaré : Julie Roux ({ASSOCIATION})" in flagged
    shots(sec, "appel")
    sec.get_by_role("button", name="Ouvrir la séance").click()
    sec.get_by_text(re.compile("La séance est ouverte")).wait_for()
    sitting.refresh_from_db()
    assert sitting.state == Sitting.State.OPEN and list(sitting.secretaries.all()) == [sophie]

    # The members open the voting page from their portal, on their own devices.
    devices = {}
    for i in (0, 1, 2, 6):
        device = new_page(viewport=PHONE)
        login(device, users[i].username, PASSWORD)
        device.goto("/elu/")
        device.locator(f"#live-sitting-{sitting.pk}").get_by_role("link", name="Voter depuis mon terminal").click()
        device.wait_for_url(f"**/seances/{slug}/voter/")
        device.get_by_text("Aucun vote électronique n'est ouvert.").wait_for()
        devices[i] = device

    # 5. Item 1, the subsidy: Julie Roux withdraws, then an electronic vote.
    row(sec, "#ordre-du-jour", subsidy.title).get_by_role("button", name="Appeler").click()
    sec.wait_for_url(point_url(subsidy))
    conflicts = sec.locator("#conflits").inner_text()
    assert "Julie Roux" in conflicts and "Doit se retirer (L2131-11)." in conflicts
    sec.locator("#w-member").select_option(str(julie.pk))
    sec.locator("#w-kind").select_option(Withdrawal.Kind.LEFT_ROOM)
    sec.locator("#w-reason").fill("Trésorière de l'association")
    sec.get_by_role("button", name="Enregistrer le retrait").click()
    sec.get_by_text("Retrait de Julie Roux enregistré.").wait_for()
    assert Withdrawal.objects.filter(item=subsidy, member=julie).exists()
    assert "4 présent(s), hors 1 élu(s) déporté(s), il en faut 4" in sec.locator("#quorum").inner_text()
    sec.locator("#method").select_option(Ballot.Method.ELECTRONIC)
    sec.get_by_role("button", name="Ouvrir le vote").click()
    sec.wait_for_url(re.compile(rf"/seances/{slug}/vote/\d+/(#.*)?$"))
    ballot = Ballot.objects.get(item=subsidy)
    assert ballot.method == Ballot.Method.ELECTRONIC and ballot.state == Ballot.State.OPEN

    # Each device reloads by itself and shows the buttons; the interested member is refused.
    for i, device in devices.items():
        device.get_by_role("heading", name=subsidy.title).wait_for()
    assert devices[6].get_by_text("Vous vous êtes retiré(e) de ce point").is_visible()
    assert devices[6].get_by_role("button", name="Pour").count() == 0
    shots(devices[6], "vote-membre-retire")
    devices[0].get_by_role("button", name="Pour", exact=True).click()
    devices[0].get_by_text("Vote enregistré : Pour.").wait_for()
    assert devices[1].get_by_text("Au nom de Anne Moreau (pouvoir)").is_visible()
    shots(devices[1], "vote-avec-pouvoir")
    devices[1].get_by_role("button", name="Pour", exact=True).click()
    devices[1].get_by_text("Vote enregistré : Pour.").wait_for()
    devices[1].get_by_role("button", name="Pour — au nom de Anne Moreau").click()
    devices[1].get_by_text("Vote enregistré pour Anne Moreau : Pour.").wait_for()
    devices[2].get_by_role("button", name="Contre", exact=True).click()
    devices[2].get_by_text("Vote enregistré : Contre.").wait_for()
    # Luc Petit does not vote. The clerk's tally follows the votes live, then the vote is closed.
    sec.locator("#ballot-tally").get_by_text(re.compile(r"4\s*/ 5 votes enregistrés")).wait_for()
    shots(sec, "vote-electronique")
    sec.get_by_role("button", name="Clore le vote").click()
    sec.get_by_text("Vote clos : adopté.").wait_for()
    ballot.refresh_from_db()
    assert (ballot.pour, ballot.contre, ballot.abstention, ballot.outcome) == (3, 1, 0, "adopted")
    assert not ballot.casting_vote_used and ballot.results["non_voters"] == ["Luc Petit"]
    assert dict(Vote.objects.filter(ballot=ballot).values_list("member_id", "value")) == {
        claire.pk: "pour", paul.pk: "pour", anne.pk: "pour", sophie.pk: "contre"}
    assert Vote.objects.get(ballot=ballot, member=anne).cast_by == paul
    for device in devices.values():  # the devices go back to waiting
        device.get_by_text("Aucun vote électronique n'est ouvert.").wait_for()

    # 6. Item 2: Luc Petit leaves during the debate; the quorum is checked again; the vote is a tie
    # decided by the president's casting vote.
    sec.get_by_role("link", name="Ordre du jour").click()
    row(sec, "#ordre-du-jour", naming.title).get_by_role("button", name="Appeler").click()
    sec.wait_for_url(point_url(naming))
    sec.get_by_role("link", name="Console de séance").click()
    mark(luc, "Départ")
    assert Attendance.objects.get(sitting=sitting, member=luc).status == Attendance.Status.LEFT
    assert AttendanceEvent.objects.get(sitting=sitting, member=luc, kind="leave").during_item == naming
    quorum = sec.locator("#quorum").inner_text()
    assert "Quorum atteint : 4 présent(s), il en faut 4 sur 7 en exercice." in quorum
    assert "Point n° 2 en cours" in quorum
    assert re.search(r"Luc Petit : départ \(pendant le point n° 2\)", sec.locator("main").inner_text())
    shots(sec, "depart-quorum")
    row(sec, "#ordre-du-jour", naming.title).get_by_role("link", name="Gérer").click()
    sec.wait_for_url(point_url(naming))
    assert "4 présent(s)" in sec.locator("#quorum").inner_text()
    sec.get_by_role("button", name="Ouvrir le vote").click()
    sec.wait_for_url(re.compile(rf"/seances/{slug}/vote/\d+/(#.*)?$"))
    sec.get_by_label("Pour", exact=True).fill("2")
    sec.get_by_label("Contre", exact=True).fill("2")
    sec.get_by_label("Abstentions").fill("1")
    sec.get_by_role("button", name="Enregistrer le résultat et clore le vote").click()
    sec.get_by_text(re.compile("Partage égal des voix : indiquez le vote du président de séance")).wait_for()
    assert sec.get_by_label("Pour", exact=True).input_value() == "2"  # what was typed is kept
    assert sec.get_by_label("Abstentions").input_value() == "1"
    sec.get_by_label("Vote du président de séance").select_option("pour")
    sec.get_by_role("button", name="Enregistrer le résultat et clore le vote").click()
    sec.get_by_text("Vote clos : adopté.").wait_for()
    tie = Ballot.objects.get(item=naming)
    assert (tie.pour, tie.contre, tie.abstention, tie.outcome, tie.casting_vote_used) == (2, 2, 1, "adopted", True)
    shots(sec, "egalite-voix-preponderante")

    # 7. Item 3: two members present ask for a secret ballot (a third of those present); totals only.
    sec.get_by_role("link", name="Ordre du jour").click()
    row(sec, "#ordre-du-jour", convention.title).get_by_role("button", name="Appeler").click()
    sec.wait_for_url(point_url(convention))
    tick(sec, f"sec-{sophie.pk}")
    tick(sec, f"sec-{julie.pk}")
    sec.get_by_role("button", name="Calculer le scrutin requis").click()
    sec.get_by_text("Mode proposé sélectionné ci-dessous.").wait_for()
    assert sec.locator("#method").input_value() == Ballot.Method.SECRET
    assert sec.locator(f"#sec-{julie.pk}").is_checked()
    sec.get_by_role("button", name="Ouvrir le vote").click()
    sec.wait_for_url(re.compile(rf"/seances/{slug}/vote/\d+/(#.*)?$"))
    sec.get_by_label("Pour", exact=True).fill("2")
    sec.get_by_label("Contre", exact=True).fill("3")
    sec.get_by_label("Blancs et nuls").fill("0")
    sec.get_by_role("button", name="Enregistrer le résultat et clore le vote").click()
    sec.get_by_text("Vote clos : rejeté.").wait_for()
    secret = Ballot.objects.get(item=convention)
    assert (secret.method, secret.pour, secret.contre, secret.outcome) == (Ballot.Method.SECRET, 2, 3, "rejected")
    assert secret.secret_requests == 2 and not secret.votes.exists()
    shots(sec, "scrutin-secret")

    # 8. Item 4 by show of hands, then the sitting is closed.
    sec.get_by_role("link", name="Ordre du jour").click()
    row(sec, "#ordre-du-jour", fees.title).get_by_role("button", name="Appeler").click()
    sec.wait_for_url(point_url(fees))
    sec.get_by_role("button", name="Ouvrir le vote").click()
    sec.wait_for_url(re.compile(rf"/seances/{slug}/vote/\d+/(#.*)?$"))
    sec.get_by_label("Pour", exact=True).fill("5")
    sec.get_by_label("Contre", exact=True).fill("0")
    sec.get_by_role("button", name="Enregistrer le résultat et clore le vote").click()
    sec.get_by_text("Vote clos : adopté.").wait_for()
    sec.get_by_role("link", name="Ordre du jour").click()
    sec.get_by_role("button", name="Lever la séance").click()
    sec.get_by_text("La séance est levée.").wait_for()
    sitting.refresh_from_db()
    assert sitting.state == Sitting.State.CLOSED
    assert [i.state for i in sitting.items.order_by("position")] == ["adopted", "adopted", "rejected", "adopted"]
    assert [Act.objects.get(pk=a.pk).state for a in acts] == [ActState.ADOPTED, ActState.ADOPTED,
                                                               ActState.REJECTED, ActState.ADOPTED]
    shots(sec, "seance-levee")

    # 9. The minutes, drafted from the sitting's data, then the debates written in.
    sec.goto(f"/seances/{slug}/")
    sec.get_by_role("link", name="Procès-verbal et liste des délibérations").click()
    sec.wait_for_url(f"**/seances/{slug}/proces-verbal/")
    sec.get_by_role("button", name="Établir le projet de procès-verbal").click()
    sec.get_by_text("Projet de procès-verbal établi.").wait_for()
    sec.get_by_role("link", name="Rédiger les débats et les textes").click()
    sec.locator(f"textarea[name='summary_{subsidy.pk}']").fill(
        "Mme Durand s'interroge sur le budget de l'association ; le rapporteur lui répond.")
    sec.get_by_role("button", name="Enregistrer").first.click()
    sec.get_by_text("Procès-verbal enregistré.").wait_for()
    for summary in sec.locator("details.hc-minutes-votes summary").all():
        summary.click()
    shots(sec, "proces-verbal")

    def section(title_id):
        return sec.locator(f"section[aria-labelledby='{title_id}']").inner_text()

    opening = section("pv-opening")
    assert "Mme Claire Martin" in opening  # presidency
    assert "Mme Sophie Durand" in opening  # secretary
    attendance = section("pv-attendance")
    present, rest = attendance.split("Représenté")
    represented, absent = rest.split("Absent")
    for name in ("Claire Martin", "Paul Bernard", "Sophie Durand", "Luc Petit", "Julie Roux"):
        assert name in present, name
    assert re.search(r"Luc Petit.*parti\(e\) à \d+ h \d\d", present)
    assert "Mme Anne Moreau — pouvoir à M. Paul Bernard" in represented
    assert "M. Marc Laurent — excusé(e)" in absent
    assert "Anne Moreau" not in present + absent and "Marc Laurent" not in present + represented

    def item_text(position):
        return sec.locator(f"#point-{position}").inner_text()

    first = item_text(1)
    assert "Mme Julie Roux — A quitté la salle (Trésorière de l'association)" in first
    assert "Mme Durand s'interroge sur le budget de l'association" in first
    assert "électronique" in first.lower() and "adopté" in first.lower()
    votes = {tr.locator("td").nth(0).inner_text(): tr.locator("td").nth(1).inner_text()
             for tr in sec.locator("#point-1 details.hc-minutes-votes tbody tr").all()}
    assert {k.split(" (")[0]: v for k, v in votes.items()} == {
        "Mme Claire Martin": "Pour", "M. Paul Bernard": "Pour", "Mme Anne Moreau": "Pour",
        "Mme Sophie Durand": "Contre"}
    assert "M. Paul Bernard, porteur du pouvoir" in sec.locator("#point-1 details.hc-minutes-votes").inner_text()
    assert re.search(r"N'ont pas pris part au vote électronique : (M\. )?Luc Petit\.", first), first
    second = item_text(2)
    assert "Partage égal des voix : la voix du président de séance a été prépondérante." in second
    assert re.search(r"Quorum\s+4 présents pour 4 requis \(L2121-17\) — atteint", second)  # after the departure
    assert re.search(r"Quorum\s+4 présents pour 4 requis \(L2121-17\) — atteint", first)  # withdrawal not counted
    assert re.search(r"Quorum à l'ouverture\s+5 présents pour 4 requis", opening)
    third = item_text(3)
    assert "au scrutin secret" in third.lower() and "Scrutin secret : seuls les totaux sont consignés." in third
    assert "Scrutin secret demandé par Mme Sophie Durand, Mme Julie Roux." in third and "rejeté" in third.lower()
    assert sec.locator("#point-3 details.hc-minutes-votes").count() == 0  # no names for a secret ballot
    assert re.search(r"\n2\t3\t0\t0\t5\n", third)  # pour, contre, blancs et nuls, nppv, exprimés
    assert not any(name in third for name in ("Claire Martin", "Paul Bernard", "Anne Moreau", "Luc Petit"))
    assert "adopté" in item_text(4).lower()
    stored = Minutes.objects.get(sitting=sitting)
    assert stored.body["items"][0]["debate_summary"].startswith("Mme Durand s'interroge")

    # 10. The list of deliberations is published, and the public reads it.
    sec.locator("#liste-des-deliberations").get_by_role("button", name="Publier").click()
    sec.get_by_text("La liste des délibérations est en ligne.").wait_for()
    assert Minutes.objects.get(sitting=sitting).list_published_at is not None
    public = new_page()
    public.goto(f"/seances/{slug}/liste-des-deliberations/?collectivite={world.authority.slug}")
    assert public.get_by_role("heading", name="Liste des délibérations").is_visible()
    expected = {a.object: outcome for a, outcome in zip(acts, ("Adopté", "Adopté", "Rejeté", "Adopté"))}
    rows = public.locator("main table tbody tr").all()
    assert len(rows) == 4
    for tr in rows:
        cells = [" ".join(t.split()) for t in tr.locator("td").all_text_contents()]
        title = next(t for t in expected if t in cells[2])
        assert cells[3].strip() == expected.pop(title), cells
        assert cells[1] == sitting.date.strftime("%d/%m/%Y")
    assert not expected
    shots(public, "liste-des-deliberations")
    assert AgendaItem.objects.filter(sitting=sitting, number__isnull=False).count() == 4
