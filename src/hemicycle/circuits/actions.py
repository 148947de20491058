"""Every change in an approval circuit goes through these functions: they check rights, apply
the change in a transaction, write the journal (on the act, so that its history page shows
it) and queue notifications.

The life of a run: ``submit_act`` creates it from the template chosen for the act and
activates step 1; each step waits for one visa (rule "any") or for every approver's (rule
"all"); ``approve`` moves to the next step and, after the last one, the act becomes "ready".
An approver may ``send_back`` (comment mandatory) to the drafter — the run ends and the act
goes back to the drafter, to be resubmitted from step 1 — or to an earlier step, which
re-examines the act. An absent approver ``delegate``s to a colleague; the secretariat may
``urgent_skip`` a step, giving its reason. Nothing here is silent: every decision is a
``Decision`` row and a journal entry.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.acts.actions import set_state
from hemicycle.acts.models import Act, ActState, Nature, SittingType
from hemicycle.core.roles import Role
from hemicycle.journal.services import record
from hemicycle.notifications.models import Notification
from hemicycle.notifications.services import notify

from . import permissions
from .models import CircuitRun, CircuitTemplate, Decision, StepRule, StepRun, StepTemplate
from .selection import approver_spec, choose_template, resolve_approvers, steps_of


def act_url(act) -> str:
    return reverse("acts:detail", args=[act.slug])


def _label(act) -> str:
    return f"{act.reference} « {act.object[:120]} »"


def _lock(act) -> Act:
    """Re-read the act under a row lock: concurrent decisions on one act queue up."""
    return Act.objects.select_for_update(of=("self",)).select_related("department", "drafter").get(pk=act.pk)


def _refresh(target, source) -> None:
    """Give the caller's act object the state the action left in the database."""
    target.state = source.state


def _require_view(user, act) -> None:
    if not permissions.can_view(user, act):
        raise PermissionDenied(_("Vous n'avez pas accès à cet acte."))


def _clean_text(value, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message)
    if len(text) > 5000:
        raise ValidationError(_("Le texte ne peut pas dépasser 5 000 caractères."))
    return text


def _active_step_or_error(act) -> StepRun:
    step = permissions.active_step(act)
    if step is None or act.state != ActState.IN_CIRCUIT:
        raise ValidationError(_("Cet acte n'est pas en attente de visa."))
    return step


def _secretariat(authority_id):
    return (get_user_model().objects.filter(authority_id=authority_id, is_active=True,
                                            role_assignments__role=Role.SECRETARIAT).distinct())


def _activate(step: StepRun, act, *, approvers=None, returned: bool = False) -> list:
    """Make ``step`` the active one. Approvers are resolved at its first activation (from the
    spec copied at submission); a re-activated step keeps its approvers (delegations included).
    Returns the approvers to notify."""
    now = timezone.now()
    if step.round == 0 or not step.approvers.exists():
        if approvers is None:
            approvers = resolve_approvers(step.approver_spec, act)
        step.approvers.set(approvers)
    step.state = StepRun.State.ACTIVE
    step.round += 1
    step.activated_at = now
    step.deadline = now + timedelta(days=step.deadline_days)
    step.completed_at = None
    step.last_reminder_at = None
    step.returned_at = now if returned else None
    step.save()
    return list(step.approvers.all())


def _notify_to_approve(step: StepRun, act, approvers) -> None:
    if approvers:
        notify(approvers, Notification.Kind.TO_APPROVE,
               _("L'acte %(act)s attend votre visa (étape « %(step)s », avant le %(deadline)s).") % {
                   "act": _label(act), "step": step.name,
                   "deadline": timezone.localtime(step.deadline).strftime("%d/%m/%Y")},
               act=act, url=act_url(act))
    else:
        # Nobody holds the role any more: the secretariat must unblock (urgent skip).
        notify(_secretariat(act.authority_id), Notification.Kind.TO_APPROVE,
               _("L'étape « %(step)s » de l'acte %(act)s n'a aucun valideur : passez-la en urgence "
                 "ou faites compléter le circuit.") % {"step": step.name, "act": _label(act)},
               act=act, url=act_url(act))


def _advance(user, act, step: StepRun) -> None:
    """After ``step`` is approved or skipped: activate the next step, or finish the run."""
    run = step.run
    following = (run.steps.filter(position__gt=step.position)
                 .exclude(state__in=[StepRun.State.APPROVED, StepRun.State.SKIPPED]).order_by("position").first())
    if following is not None:
        approvers = _activate(following, act)
        _notify_to_approve(following, act, approvers)
        return
    now = timezone.now()
    run.state = CircuitRun.State.APPROVED
    run.finished_at = now
    run.save(update_fields=["state", "finished_at"])
    set_state(act, ActState.READY, actor=user, reason=_("Circuit « %(name)s » validé") % {"name": run.circuit_name})
    record("circuit.approved", actor=user, obj=act, data={"run": run.pk, "circuit": run.circuit_name})
    notify([act.drafter, *_secretariat(act.authority_id)], Notification.Kind.READY,
           _("L'acte %(act)s a été visé par tout le circuit « %(circuit)s » : il est prêt pour la séance.") % {
               "act": _label(act), "circuit": run.circuit_name},
           act=act, url=act_url(act))


def _delegation_origin(step: StepRun, user):
    """The approver ``user`` stands in for, following chains of delegation (A → B → C)."""
    delegation = (step.decisions.filter(kind=Decision.Kind.DELEGATE, delegate_to=user)
                  .order_by("-at", "-pk").first())
    if delegation is None:
        return None
    return delegation.on_behalf_of or delegation.user


# --- Submission -----------------------------------------------------------------------------

def describe_act_criteria(act) -> str:
    return _("nature « %(nature)s », direction %(dept)s, séance « %(sitting)s »") % {
        "nature": Nature(act.nature).label, "dept": act.department.code,
        "sitting": SittingType(act.target_sitting_type).label}


def check_submittable(act) -> tuple[CircuitTemplate, list[tuple[StepTemplate, dict, list]]]:
    """The template the act would go through, with each step's approvers; ValidationError with a
    clear message when there is no circuit or a step would have nobody to approve."""
    template = choose_template(act)
    if template is None:
        raise ValidationError(_("Aucun circuit de validation ne s'applique à cet acte (%(criteria)s). "
                                "Un administrateur doit en configurer un.") % {"criteria": describe_act_criteria(act)})
    steps = steps_of(template)
    if not steps:
        raise ValidationError(_("Le circuit « %(name)s » ne comporte aucune étape : un administrateur doit le "
                                "compléter.") % {"name": template.name})
    resolved = []
    for step in steps:
        spec = approver_spec(step)
        approvers = resolve_approvers(spec, act)
        if not approvers:
            raise ValidationError(_("L'étape « %(step)s » du circuit « %(name)s » n'a aucun valideur pour cet acte : "
                                    "un administrateur doit y désigner un valideur.") % {
                                        "step": step.name, "name": template.name})
        resolved.append((step, spec, approvers))
    return template, resolved


@transaction.atomic
def submit_act(user, act) -> CircuitRun:
    """The drafter (or a drafter of the department) submits a draft or sent-back act: a new run
    of the chosen circuit starts at step 1 and the act becomes read-only for its drafter."""
    locked = _lock(act)
    if not permissions.is_drafter_of(user, locked):
        raise PermissionDenied(_("Seul le rédacteur de l'acte ou un rédacteur de sa direction peut le soumettre."))
    if locked.state not in permissions.SUBMITTABLE_STATES:
        raise ValidationError(_("Seul un brouillon ou un acte renvoyé peut être soumis (état actuel : %(state)s).")
                              % {"state": locked.get_state_display()})
    if CircuitRun.objects.filter(act=locked, state=CircuitRun.State.RUNNING).exists():
        raise ValidationError(_("Cet acte est déjà dans un circuit de validation."))
    template, resolved = check_submittable(locked)
    resubmission = CircuitRun.objects.filter(act=locked).exists()
    run = CircuitRun.objects.create(act=locked, template=template, circuit_name=template.name,
                                    approvers_can_edit=template.approvers_can_edit)
    step_runs = [StepRun.objects.create(run=run, position=i, name=step.name, rule=step.rule,
                                        deadline_days=step.deadline_days, approver_spec=spec)
                 for i, (step, spec, _approvers) in enumerate(resolved, start=1)]
    first = step_runs[0]
    approvers = _activate(first, locked, approvers=resolved[0][2])
    set_state(locked, ActState.IN_CIRCUIT, actor=user,
              reason=_("Soumis au circuit « %(name)s »") % {"name": template.name})
    record("circuit.submitted", actor=user, obj=locked, data={
        "run": run.pk, "circuit": template.name, "steps": [s.name for s in step_runs],
        "resubmission": resubmission, "first_step": first.name,
        "approvers": [u.display_name for u in approvers]})
    _notify_to_approve(first, locked, approvers)
    _refresh(act, locked)
    return run


# --- Decisions on the active step ------------------------------------------------------------

@transaction.atomic
def approve(user, act, comment: str = "") -> StepRun:
    """An approver of the active step gives their visa. Rule "any": the step is approved;
    rule "all": once every approver has given theirs. Then the next step, or "ready"."""
    locked = _lock(act)
    _require_view(user, locked)
    step = _active_step_or_error(locked)
    if not permissions.is_approver(user, step):
        raise PermissionDenied(_("Vous n'êtes pas valideur de l'étape en cours."))
    if user.pk in permissions.approved_this_round(step):
        raise ValidationError(_("Vous avez déjà visé cette étape."))
    comment = (comment or "").strip()[:5000]
    on_behalf_of = _delegation_origin(step, user)
    Decision.objects.create(step=step, user=user, kind=Decision.Kind.APPROVE, comment=comment,
                            on_behalf_of=on_behalf_of, round=step.round)
    approved = permissions.approved_this_round(step)
    required = set(step.approvers.values_list("pk", flat=True))
    complete = step.rule == StepRule.ANY or required <= approved
    record("circuit.step_approved", actor=user, obj=locked, data={
        "run": step.run_id, "step": step.name, "position": step.position, "comment": comment,
        "on_behalf_of": on_behalf_of.display_name if on_behalf_of else None, "step_complete": complete})
    if complete:
        step.state = StepRun.State.APPROVED
        step.completed_at = timezone.now()
        step.save(update_fields=["state", "completed_at"])
        _advance(user, locked, step)
    _refresh(act, locked)
    return step


@transaction.atomic
def send_back(user, act, comment: str, to_position: int | None = None) -> StepRun:
    """An approver of the active step sends the act back, with a mandatory comment: to the
    drafter (the run ends; the act is editable again and will be resubmitted from step 1), or
    to an earlier step, which re-activates with its approvers while later steps are reset."""
    locked = _lock(act)
    _require_view(user, locked)
    step = _active_step_or_error(locked)
    if not permissions.is_approver(user, step):
        raise PermissionDenied(_("Vous n'êtes pas valideur de l'étape en cours."))
    comment = _clean_text(comment, _("Un commentaire est obligatoire pour renvoyer l'acte : dites ce qui doit "
                                     "être repris."))
    run = step.run
    now = timezone.now()
    target = None
    if to_position is not None:
        target = run.steps.filter(position=to_position, position__lt=step.position).first()
        if target is None:
            raise ValidationError(_("L'étape choisie pour le renvoi n'existe pas ou n'est pas antérieure à "
                                    "l'étape en cours."))
    Decision.objects.create(step=step, user=user, kind=Decision.Kind.SEND_BACK, comment=comment,
                            target_position=to_position, round=step.round, on_behalf_of=_delegation_origin(step, user))
    step.state = StepRun.State.SENT_BACK
    step.completed_at = now
    step.save(update_fields=["state", "completed_at"])
    if target is None:
        run.state = CircuitRun.State.SENT_BACK
        run.finished_at = now
        run.save(update_fields=["state", "finished_at"])
        set_state(locked, ActState.SENT_BACK, actor=user, reason=comment)
        record("circuit.sent_back", actor=user, obj=locked, data={
            "run": run.pk, "step": step.name, "position": step.position, "comment": comment,
            "target": "drafter", "target_label": locked.drafter.display_name})
        notify([locked.drafter], Notification.Kind.SENT_BACK,
               _("%(who)s vous renvoie l'acte %(act)s (étape « %(step)s ») : %(comment)s") % {
                   "who": user.display_name, "act": _label(locked), "step": step.name, "comment": comment},
               act=locked, url=act_url(locked))
    else:
        run.steps.filter(position__gt=target.position, position__lt=step.position).update(state=StepRun.State.RESET)
        approvers = _activate(target, locked, returned=True)
        record("circuit.sent_back", actor=user, obj=locked, data={
            "run": run.pk, "step": step.name, "position": step.position, "comment": comment,
            "target": target.position, "target_label": target.name})
        notify(approvers, Notification.Kind.SENT_BACK,
               _("%(who)s renvoie l'acte %(act)s à votre étape « %(target)s » : %(comment)s") % {
                   "who": user.display_name, "act": _label(locked), "target": target.name, "comment": comment},
               act=locked, url=act_url(locked))
    _refresh(act, locked)
    return step


@transaction.atomic
def delegate(user, act, to_user, comment: str = "") -> StepRun:
    """An approver of the active step, absent, hands their visa to a colleague of the same
    authority, who becomes approver in their place; the colleague's visa is recorded on behalf
    of the original approver."""
    locked = _lock(act)
    _require_view(user, locked)
    step = _active_step_or_error(locked)
    if not permissions.awaits_visa_from(user, step):
        raise PermissionDenied(_("Seul un valideur de l'étape en cours qui n'a pas encore visé peut déléguer."))
    if to_user is None or not permissions.delegation_candidates(user, locked, step).filter(pk=to_user.pk).exists():
        raise ValidationError(_("Choisissez un collègue de la collectivité qui n'est pas déjà valideur de cette "
                                "étape ni rédacteur de l'acte."))
    comment = (comment or "").strip()[:5000]
    origin = _delegation_origin(step, user) or user
    Decision.objects.create(step=step, user=user, kind=Decision.Kind.DELEGATE, comment=comment,
                            delegate_to=to_user, on_behalf_of=origin if origin.pk != user.pk else None,
                            round=step.round)
    step.approvers.remove(user)
    step.approvers.add(to_user)
    record("circuit.delegated", actor=user, obj=locked, data={
        "run": step.run_id, "step": step.name, "position": step.position, "comment": comment,
        "target": to_user.display_name, "target_id": to_user.pk, "on_behalf_of": origin.display_name})
    notify([to_user], Notification.Kind.DELEGATION,
           _("%(who)s vous délègue son visa sur l'acte %(act)s (étape « %(step)s »).") % {
               "who": user.display_name, "act": _label(locked), "step": step.name}
           + (f" {comment}" if comment else ""),
           act=locked, url=act_url(locked))
    _refresh(act, locked)
    return step


@transaction.atomic
def urgent_skip(user, act, reason: str) -> StepRun:
    """In an emergency the assembly secretariat passes the active step without its visa; the
    step shows as skipped, with who and why, and the circuit moves on."""
    locked = _lock(act)
    _require_view(user, locked)
    step = _active_step_or_error(locked)
    if not permissions.can_skip(user, locked, step):
        raise PermissionDenied(_("Seul le secrétariat des assemblées peut passer une étape en urgence."))
    reason = _clean_text(reason, _("Indiquez le motif de l'urgence pour passer l'étape."))
    Decision.objects.create(step=step, user=user, kind=Decision.Kind.SKIP, comment=reason, round=step.round)
    step.state = StepRun.State.SKIPPED
    step.completed_at = timezone.now()
    step.save(update_fields=["state", "completed_at"])
    record("circuit.step_skipped", actor=user, obj=locked, data={
        "run": step.run_id, "step": step.name, "position": step.position, "comment": reason,
        "approvers": [u.display_name for u in step.approvers.all()]})
    _advance(user, locked, step)
    _refresh(act, locked)
    return step


# --- Reminders --------------------------------------------------------------------------------

def send_reminders(now=None) -> int:
    """Remind the approvers of every overdue active step, at most once per calendar day and per
    step (``last_reminder_at``). Returns the number of steps reminded. Safe to run from several
    workers at once: each step is re-checked under a row lock."""
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    due = (StepRun.objects.filter(state=StepRun.State.ACTIVE, run__state=CircuitRun.State.RUNNING, deadline__lt=now)
           .exclude(last_reminder_at__gte=start_of_day).values_list("pk", flat=True))
    reminded = 0
    for pk in list(due):
        with transaction.atomic():
            step = (StepRun.objects.select_for_update(of=("self",)).select_related("run__act__department")
                    .filter(pk=pk, state=StepRun.State.ACTIVE, run__state=CircuitRun.State.RUNNING,
                            deadline__lt=now).exclude(last_reminder_at__gte=start_of_day).first())
            if step is None:
                continue
            act = step.run.act
            done = permissions.approved_this_round(step)
            waiting = [u for u in step.approvers.all() if u.pk not in done]
            step.last_reminder_at = now
            step.save(update_fields=["last_reminder_at"])
            days = (now - step.deadline).days
            notify(waiting, Notification.Kind.REMINDER,
                   _("Relance : l'acte %(act)s attend votre visa depuis le %(since)s (étape « %(step)s », "
                     "échéance dépassée le %(deadline)s).") % {
                       "act": _label(act), "step": step.name,
                       "since": timezone.localtime(step.activated_at).strftime("%d/%m/%Y"),
                       "deadline": timezone.localtime(step.deadline).strftime("%d/%m/%Y")},
                   act=act, url=act_url(act))
            record("circuit.reminder_sent", obj=act, data={
                "run": step.run_id, "step": step.name, "position": step.position, "days_late": days,
                "approvers": [u.display_name for u in waiting]})
            reminded += 1
    return reminded


# --- Administration of circuit templates --------------------------------------------------------

def _require_admin(user, authority) -> None:
    if not (user.is_authenticated and user.authority_id == authority.pk and user.has_role(Role.ADMINISTRATOR)):
        raise PermissionDenied(_("Seuls les administrateurs configurent les circuits de validation."))


@transaction.atomic
def save_circuit_template(user, template: CircuitTemplate | None, *, name: str, natures, departments,
                          sitting_types, approvers_can_edit: bool, active: bool, steps: list[dict]) -> CircuitTemplate:
    """Create or update a circuit template with its ordered steps (each a dict: name, rule,
    deadline_days, approver_users, approver_role, role_in_act_department). Circuits under way
    keep what they copied at submission."""
    authority = template.authority if template is not None else user.authority
    _require_admin(user, authority)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Le nom du circuit est obligatoire."))
    if not steps:
        raise ValidationError(_("Un circuit comporte au moins une étape."))
    if any(d.authority_id != authority.pk for d in departments):
        raise PermissionDenied(_("Direction d'une autre collectivité."))
    for step in steps:
        if any(u.authority_id != authority.pk for u in step["approver_users"]):
            raise PermissionDenied(_("Valideur d'une autre collectivité."))
        if not step["approver_users"] and not step["approver_role"]:
            raise ValidationError(_("L'étape « %(step)s » n'a ni valideur nommé ni rôle.") % {"step": step["name"]})
    created = template is None
    before = None if created else _template_snapshot(template)
    if created:
        template = CircuitTemplate(authority=authority)
    template.name = name[:200]
    template.natures = sorted(set(natures))
    template.sitting_types = sorted(set(sitting_types))
    template.approvers_can_edit = bool(approvers_can_edit)
    template.active = bool(active)
    template.save()
    template.departments.set(departments)
    # Runs copy their steps at submission, so the template's steps can simply be rewritten.
    template.steps.all().delete()
    for position, step in enumerate(steps, start=1):
        row = StepTemplate.objects.create(
            circuit=template, position=position, name=step["name"][:200], rule=step["rule"],
            deadline_days=step["deadline_days"], approver_role=step["approver_role"] or "",
            role_in_act_department=bool(step["role_in_act_department"]))
        row.approver_users.set(step["approver_users"])
    after = _template_snapshot(template)
    record("circuit_template.created" if created else "circuit_template.updated", actor=user, obj=template,
           data={"after": after, **({} if created else {"before": before})})
    return template


def _template_snapshot(template: CircuitTemplate) -> dict:
    return {
        "name": template.name, "natures": list(template.natures), "sitting_types": list(template.sitting_types),
        "departments": sorted(d.code for d in template.departments.all()),
        "approvers_can_edit": template.approvers_can_edit, "active": template.active,
        "steps": [{"position": s.position, "name": s.name, "rule": s.rule, "deadline_days": s.deadline_days,
                   "approver_users": sorted(u.username for u in s.approver_users.all()),
                   "approver_role": s.approver_role, "role_in_act_department": s.role_in_act_department}
                  for s in template.steps.order_by("position").prefetch_related("approver_users")],
    }
