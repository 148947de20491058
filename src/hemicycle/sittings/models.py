"""Sittings: assemblies, agendas, convocations with proof, attendance, proxies, interests,
ballots and votes, amendments, vœux, minutes. The legal computations live in ``rules/``."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hemicycle.rules.outcome import Vote as VoteValue


class Assembly(models.Model):
    """A deliberative body of the authority: the council, its standing committee, a committee
    that examines items, a conseil d'arrondissement."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Conseil")
        STANDING_COMMITTEE = "standing_committee", _("Commission permanente")
        COMMITTEE = "committee", _("Commission")
        DISTRICT_COUNCIL = "district_council", _("Conseil d'arrondissement")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="assemblies")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.COUNCIL)
    name = models.CharField(_("nom"), max_length=200)
    committee = models.ForeignKey("organisation.Committee", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="assemblies", verbose_name=_("commission"))
    seats = models.PositiveSmallIntegerField(_("sièges"), default=0, help_text=_("0 : le nombre de sièges de la collectivité."))
    vacancies = models.PositiveSmallIntegerField(_("sièges vacants"), default=0)
    # Règlement intérieur: stricter settings than the law (rules.regime.Regime.tightened).
    regime_overrides = models.JSONField(_("règlement intérieur"), default=dict, blank=True)

    class Meta:
        verbose_name = _("assemblée")
        ordering = ["authority", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def regime(self):
        base = self.authority.regime
        return base.tightened(**self.regime_overrides) if self.regime_overrides else base

    @property
    def seat_count(self) -> int:
        return self.seats or self.authority.seats

    def members(self):
        """Members who sit in this assembly."""
        from hemicycle.organisation.models import Member

        if self.kind == self.Kind.COMMITTEE and self.committee_id:
            return self.committee.members.all()
        return Member.objects.filter(authority=self.authority)


class Sitting(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("En préparation")
        CONVENED = "convened", _("Convoquée")
        OPEN = "open", _("En cours")
        SUSPENDED = "suspended", _("Suspendue")
        CLOSED = "closed", _("Séance levée")
        NO_QUORUM = "no_quorum", _("Quorum non atteint")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="sittings")
    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="sittings")
    slug = models.SlugField(max_length=60)  # "2026-11-14", or "2026-11-14-commission-c1" for a second one that day
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    public = models.BooleanField(_("séance publique"), default=True)  # False: huis clos
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PLANNED, db_index=True)
    urgency = models.BooleanField(_("convocation en urgence"), default=False)
    second_convocation = models.BooleanField(_("seconde convocation (L2121-17)"), default=False)
    failed_sitting = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    president = models.ForeignKey("organisation.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("président de séance"))
    secretaries = models.ManyToManyField("organisation.Member", blank=True, related_name="+",
                                         verbose_name=_("secrétaires de séance"))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    current_item = models.ForeignKey("AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    speaker = models.CharField(_("orateur"), max_length=200, blank=True)  # shown on the public screen
    live_version = models.PositiveIntegerField(default=0)  # bumped on every live change (public screen polling)

    class Meta:
        verbose_name = _("séance")
        ordering = ["-date", "-start_time"]
        constraints = [models.UniqueConstraint(fields=["authority", "slug"], name="unique_sitting_slug")]

    def __str__(self) -> str:
        return f"{self.assembly.name} du {self.date:%d/%m/%Y}"


class Motion(models.Model):
    """A vœu (non-binding resolution) filed by a group; adopted ones are numbered "2026 V. 12"."""

    class State(models.TextChoices):
        FILED = "filed", _("Déposé")
        ADOPTED = "adopted", _("Adopté")
        REJECTED = "rejected", _("Rejeté")
        WITHDRAWN = "withdrawn", _("Retiré")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="motions")
    group = models.ForeignKey("organisation.PoliticalGroup", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="motions", verbose_name=_("groupe"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=500)
    considerants = models.JSONField(default=list, blank=True)
    text = models.TextField(_("texte du vœu"))
    number = models.CharField(_("numéro"), max_length=30, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.FILED)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vœu")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return self.number or self.title


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        ACT = "act", _("Projet de délibération")
        MOTION = "motion", _("Vœu")
        QUESTION = "question", _("Question")
        MINUTES = "minutes", _("Adoption du procès-verbal")
        URGENCY = "urgency", _("Vote sur l'urgence")
        INFORMATION = "information", _("Communication")

    class State(models.TextChoices):
        PENDING = "pending", _("À examiner")
        IN_DEBATE = "in_debate", _("En débat")
        VOTING = "voting", _("Vote en cours")
        ADOPTED = "adopted", _("Adopté")
        REJECTED = "rejected", _("Rejeté")
        ELECTED = "elected", _("Désignation faite")
        NO_QUORUM = "no_quorum", _("Quorum non atteint")
        WITHDRAWN = "withdrawn", _("Retiré")
        POSTPONED = "postponed", _("Reporté")
        NOTED = "noted", _("Pris acte")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    section = models.CharField(_("rubrique"), max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ACT)
    act = models.ForeignKey("acts.Act", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    title = models.CharField(_("intitulé"), max_length=500)
    rapporteur = models.ForeignKey("organisation.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    on_convocation = models.BooleanField(default=False)  # listed in a sent convocation (or addendum)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    number = models.PositiveIntegerField(null=True, blank=True)  # order number within the sitting, once voted
    debate_started_at = models.DateTimeField(null=True, blank=True)
    debate_ended_at = models.DateTimeField(null=True, blank=True)
    debate_summary = models.TextField(_("synthèse des débats"), blank=True)
    # Text of a question (or of a communication) put on the agenda by the secretariat.
    text = models.TextField(_("texte"), blank=True, default="")

    class Meta:
        ordering = ["sitting", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class CommitteeOpinion(models.Model):
    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("Favorable")
        UNFAVOURABLE = "unfavourable", _("Défavorable")
        RESERVED = "reserved", _("Réservé")
        NOTED = "noted", _("Pris acte")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="opinions")
    committee = models.ForeignKey("organisation.Committee", on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField(max_length=20, choices=Opinion.choices)
    note = models.TextField(blank=True)
    given_on = models.DateField(null=True, blank=True)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Convocation(models.Model):
    """The convocation of a sitting (or an addendum), its documents and its proof of sending."""

    class Kind(models.TextChoices):
        CONVOCATION = "convocation", _("Convocation")
        ADDENDUM = "addendum", _("Additif")

    class State(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        GENERATING = "generating", _("Documents en cours de génération")
        READY = "ready", _("Prête à envoyer")
        FAILED = "failed", _("Échec de génération")
        SENT = "sent", _("Envoyée")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="convocations")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CONVOCATION)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    letter_text = models.TextField(_("texte de la lettre"), blank=True)
    synthesis_note = models.TextField(_("note explicative de synthèse"), blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # 0–100 while generating
    error = models.TextField(blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    synthesis_sha256 = models.CharField(max_length=64, blank=True)
    pack_sha256 = models.CharField(max_length=64, blank=True)  # sitting pack: one PDF with bookmarks
    pack_pages = models.PositiveIntegerField(default=0)
    items = models.ManyToManyField(AgendaItem, blank=True, related_name="convocations")
    legal_errors = models.JSONField(default=list, blank=True)  # [{code, message, article}] at sending time
    override_reason = models.TextField(blank=True)  # required to send despite legal errors
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    manifest = models.JSONField(default=dict, blank=True)  # recipients, files and SHA-256
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    timestamp_token = models.BinaryField(null=True, blank=True)  # RFC 3161 TimeStampToken (DER)
    timestamped_at = models.DateTimeField(null=True, blank=True)
    # Added by the convocation work (sittings/actions/convocation.py):
    urgency = models.BooleanField(_("convocation en urgence"), default=False)
    synthesis_texts = models.JSONField(default=dict, blank=True)  # {"<item pk>": text of the note for that item}
    agenda_sha256 = models.CharField(max_length=64, blank=True)  # the agenda (ordre du jour) PDF
    documents_fingerprint = models.CharField(max_length=64, blank=True)  # what the documents were made from
    created_at = models.DateTimeField(default=timezone.now)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sitting", "pk"]


class ConvocationRecipient(models.Model):
    """Proof per member: sent, delivered/opened, documents consulted (CE 30 March 2021, n° 446461)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Courriel (lien personnel)")
        PAPER = "paper", _("Papier")

    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey("organisation.Member", on_delete=models.PROTECT, related_name="convocations")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    email = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    paper_posted_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # why the e-mail could not be sent (no address, refused by the server)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["convocation", "member"], name="unique_convocation_recipient")]


class DocumentConsultation(models.Model):
    recipient = models.ForeignKey(ConvocationRecipient, on_delete=models.CASCADE, related_name="consultations")
    document = models.CharField(max_length=100)  # "letter", "synthesis", "pack", "item:12", "annex:34"
    at = models.DateTimeField(auto_now_add=True)


class Interest(models.Model):
    """A member's declared interest: a board, a company, a body where they sit."""

    member = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="interests")
    organisation = models.CharField(_("organisme"), max_length=300)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    since = models.DateField(_("depuis"), null=True, blank=True)
    until = models.DateField(_("jusqu'au"), null=True, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)


class ItemConcern(models.Model):
    """An organisation an agenda item concerns (e.g. the association receiving the subsidy)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="concerns")
    organisation = models.CharField(max_length=300)


class Proxy(models.Model):
    """A pouvoir (L2121-20): written, to a colleague, revocable, for named sittings."""

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="proxies")
    mandator = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="proxies_given")
    holder = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="proxies_held")
    sittings = models.ManyToManyField(Sitting, related_name="proxies")
    illness = models.BooleanField(_("maladie dûment constatée"), default=False)
    given_at = models.DateTimeField(auto_now_add=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Présent")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excusé")
        LEFT = "left", _("Parti")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ABSENT)
    arrived_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sitting", "member"], name="unique_attendance")]


class AttendanceEvent(models.Model):
    """Arrivals and departures, in order, so the quorum of each item can be recomputed."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="attendance_events")
    member = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=[("arrive", _("Arrivée")), ("leave", _("Départ"))])
    at = models.DateTimeField()
    during_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")


class Withdrawal(models.Model):
    """A member not taking part in an item (conflict of interest: L2131-11)."""

    class Kind(models.TextChoices):
        LEFT_ROOM = "left_room", _("A quitté la salle")
        NOT_TAKING_PART = "not_taking_part", _("Ne prend pas part au débat ni au vote")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="withdrawals")
    member = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LEFT_ROOM)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="unique_withdrawal")]


class Ballot(models.Model):
    """One vote on an item (several for amendments first, or appointment rounds)."""

    class Method(models.TextChoices):
        SHOW_OF_HANDS = "show_of_hands", _("À main levée")
        BY_GROUP = "by_group", _("Par groupe politique")
        ROLL_CALL = "roll_call", _("Par appel nominal")
        ELECTRONIC = "electronic", _("Électronique")
        SECRET = "secret", _("Au scrutin secret")
        APPOINTMENT = "appointment", _("Désignation")

    class State(models.TextChoices):
        OPEN = "open", _("Ouvert")
        CLOSED = "closed", _("Clos")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    amendment = models.ForeignKey("Amendment", on_delete=models.CASCADE, null=True, blank=True, related_name="ballots")
    method = models.CharField(max_length=20, choices=Method.choices)
    round = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    public_requests = models.PositiveSmallIntegerField(default=0)
    secret_requests = models.PositiveSmallIntegerField(default=0)
    requesters = models.JSONField(default=dict, blank=True)  # {"public": [member ids], "secret": [...]}
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Results (totals are entered for a show of hands, computed from Vote rows otherwise).
    present = models.PositiveSmallIntegerField(default=0)
    represented = models.PositiveSmallIntegerField(default=0)
    pour = models.PositiveSmallIntegerField(default=0)
    contre = models.PositiveSmallIntegerField(default=0)
    abstention = models.PositiveSmallIntegerField(default=0)
    nppv = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=20, blank=True)  # adopted / rejected / elected / no_quorum
    casting_vote_used = models.BooleanField(default=False)
    elected = models.CharField(max_length=300, blank=True)
    results = models.JSONField(default=dict, blank=True)  # appointment rounds, per-group detail…

    class Meta:
        ordering = ["item", "pk"]


class Vote(models.Model):
    """One member's vote (public ballots). ``member`` is whose vote it is; ``cast_by`` the
    proxy holder who cast it for an absent mandator. Secret ballots keep only totals."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey("organisation.Member", on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey("organisation.Member", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=12, choices=[(v.value, v.label) for v in VoteValue])
    choice = models.CharField(max_length=300, blank=True)  # appointment candidate
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "member"], name="one_vote_per_member")]


class Amendment(models.Model):
    """Changes an act's text; voted before the act (becomes a version of the act if adopted)."""

    class State(models.TextChoices):
        FILED = "filed", _("Déposé")
        ADOPTED = "adopted", _("Adopté")
        REJECTED = "rejected", _("Rejeté")
        WITHDRAWN = "withdrawn", _("Retiré")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    group = models.ForeignKey("organisation.PoliticalGroup", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The member who files it (from the members' portal, or handed to the secretariat); empty when
    # the secretariat files it without naming one.
    member = models.ForeignKey("organisation.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="amendments", verbose_name=_("déposé par"))
    filed_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    target = models.CharField(_("partie modifiée"), max_length=40)  # "articles:2", "considerants:new"
    new_text = models.TextField(_("nouvelle rédaction"), blank=True)  # empty: deletion
    explanation = models.TextField(_("exposé"), blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.FILED)

    class Meta:
        ordering = ["item", "number"]


class Minutes(models.Model):
    """The procès-verbal (L2121-15): drafted automatically, edited, adopted at the next sitting."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Projet")
        SUBMITTED = "submitted", _("Soumis à l'adoption")
        ADOPTED = "adopted", _("Adopté")

    sitting = models.OneToOneField(Sitting, on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    body = models.JSONField(default=dict)  # the generated structure + edited debate summaries
    adopted_at_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=1)
    adopted_at = models.DateTimeField(_("adopté le"), null=True, blank=True)
    list_published_at = models.DateTimeField(_("liste des délibérations mise en ligne le"), null=True, blank=True)

    @property
    def current_state(self) -> str:
        """The state as the facts say it: adopted as soon as the adoption item is voted adopted,
        back to draft when that item was rejected, withdrawn or postponed (to be submitted again)."""
        if self.state == self.State.ADOPTED:
            return self.State.ADOPTED
        item = self.adopted_at_item
        if item is None:
            return self.State.DRAFT
        if item.state == AgendaItem.State.ADOPTED:
            return self.State.ADOPTED
        if item.state in (AgendaItem.State.REJECTED, AgendaItem.State.WITHDRAWN, AgendaItem.State.POSTPONED,
                          AgendaItem.State.NO_QUORUM):
            return self.State.DRAFT
        return self.State.SUBMITTED

    def get_current_state_display(self) -> str:
        return self.State(self.current_state).label
