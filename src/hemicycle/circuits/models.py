"""Approval circuits: templates (what the authority configures) and runs (one per submission)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hemicycle.acts.models import Nature
from hemicycle.core.roles import Role


class StepRule(models.TextChoices):
    ANY = "any", _("Un seul valideur suffit")
    ALL = "all", _("Tous les valideurs doivent viser")


class CircuitTemplate(models.Model):
    """A circuit as configured. Chosen for an act by nature, department and sitting type;
    the most specific active template wins (see circuits.selection)."""

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="circuits")
    name = models.CharField(_("nom"), max_length=200)
    natures = models.JSONField(_("natures"), default=list, blank=True)  # empty = all natures
    departments = models.ManyToManyField("organisation.Department", blank=True, related_name="circuits",
                                         verbose_name=_("directions"))  # empty = all departments
    sitting_types = models.JSONField(_("types de séance"), default=list, blank=True)  # empty = all
    approvers_can_edit = models.BooleanField(_("les valideurs peuvent modifier l'acte"), default=False)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("circuit de validation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StepTemplate(models.Model):
    circuit = models.ForeignKey(CircuitTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("nom de l'étape"), max_length=200)
    rule = models.CharField(_("règle"), max_length=3, choices=StepRule.choices, default=StepRule.ANY)
    deadline_days = models.PositiveSmallIntegerField(_("délai (jours)"), default=5)
    approver_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                            verbose_name=_("valideurs nommés"))
    approver_role = models.CharField(_("ou rôle"), max_length=20, choices=Role.choices, blank=True)
    role_in_act_department = models.BooleanField(
        _("rôle limité à la direction de l'acte"), default=True,
        help_text=_("Seuls les titulaires du rôle dans la direction de l'acte (ou une direction parente) valident."),
    )

    class Meta:
        ordering = ["circuit", "position"]
        constraints = [models.UniqueConstraint(fields=["circuit", "position"], name="unique_step_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class CircuitRun(models.Model):
    """One passage of an act through a circuit (a new run after each resubmission)."""

    class State(models.TextChoices):
        RUNNING = "running", _("En cours")
        APPROVED = "approved", _("Validé")
        SENT_BACK = "sent_back", _("Renvoyé au rédacteur")
        CANCELLED = "cancelled", _("Annulé")

    act = models.ForeignKey("acts.Act", on_delete=models.CASCADE, related_name="circuit_runs")
    template = models.ForeignKey(CircuitTemplate, on_delete=models.PROTECT, related_name="runs")
    circuit_name = models.CharField(max_length=200)
    approvers_can_edit = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["act", "-started_at", "-pk"]


class StepRun(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("À venir")
        ACTIVE = "active", _("En attente de visa")
        APPROVED = "approved", _("Visée")
        SKIPPED = "skipped", _("Passée (urgence)")
        SENT_BACK = "sent_back", _("A renvoyé")
        RESET = "reset", _("À reprendre")

    run = models.ForeignKey(CircuitRun, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    rule = models.CharField(max_length=3, choices=StepRule.choices)
    deadline_days = models.PositiveSmallIntegerField(default=5)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="step_runs")
    # Who should approve, copied from the template at submission (named user ids, role, scope)
    # so that editing the template later does not change a circuit under way. Resolved into
    # ``approvers`` when the step first becomes active (see circuits.selection).
    approver_spec = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.WAITING, db_index=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    # Incremented at each activation: a step sent back to re-examines from scratch, and only
    # the decisions of the current round count towards its rule.
    round = models.PositiveSmallIntegerField(default=0)
    # Set when the step was re-activated by a send-back from a later step ("renvoyé vers moi").
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="unique_steprun_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def is_late(self) -> bool:
        """An active step whose deadline (activation + deadline_days) has passed."""
        return self.state == self.State.ACTIVE and self.deadline is not None and self.deadline < timezone.now()


class Decision(models.Model):
    """What someone did on a step: visa, send back, delegation, urgent skip."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Visa")
        SEND_BACK = "send_back", _("Renvoi")
        DELEGATE = "delegate", _("Délégation")
        SKIP = "skip", _("Passage en urgence")

    step = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.TextField(blank=True)
    target_position = models.PositiveSmallIntegerField(null=True, blank=True)  # send back to an earlier step
    delegate_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    round = models.PositiveSmallIntegerField(default=1)  # the step's round when the decision was taken
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
