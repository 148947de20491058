"""The bannette: what waits for a user in the approval circuits.

Three tabs, used by the bannette page and the home page's desk:
- "En attente de mon visa": active steps where the user is an approver and has not yet given
  their visa in this round;
- "Renvoyés vers moi": steps sent back to the user's step by a later approver, and acts the
  user drafted that an approver sent back to them;
- "En retard": active steps past their deadline that wait for the user — and, for the
  secretariat, every late step of the authority (they can skip it in an emergency), and for a
  drafter the late steps of their own acts.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from hemicycle.acts.models import Act, ActState
from hemicycle.core.roles import Role

from .models import CircuitRun, Decision, StepRun

DESK_LIMIT = 10


@dataclass
class InboxItem:
    act: Act
    step: StepRun | None
    since: datetime | None
    deadline: datetime | None = None
    late: bool = False
    note: str = ""
    note_by: str = ""
    mine: bool = True  # False: shown to the secretariat or the drafter, not awaiting this user's visa


def _active_steps(user):
    """Active steps of running circuits of the user's authority, annotated with whether they
    wait for the user's visa (``is_approver`` and not ``has_approved``)."""
    is_approver = StepRun.approvers.through.objects.filter(steprun_id=OuterRef("pk"), user_id=user.pk)
    approved = Decision.objects.filter(step=OuterRef("pk"), user_id=user.pk, kind=Decision.Kind.APPROVE,
                                       round=OuterRef("round"))
    return (StepRun.objects.filter(state=StepRun.State.ACTIVE, run__state=CircuitRun.State.RUNNING,
                                   run__act__authority_id=user.authority_id)
            .annotate(is_approver=Exists(is_approver), has_approved=Exists(approved))
            .select_related("run__act__department", "run__act__drafter"))


def _waiting_for(user):
    return _active_steps(user).filter(is_approver=True, has_approved=False)


def _step_item(step: StepRun, *, mine: bool = True, with_return_note: bool = False) -> InboxItem:
    item = InboxItem(act=step.run.act, step=step, since=step.returned_at or step.activated_at,
                     deadline=step.deadline, late=step.is_late, mine=mine)
    if with_return_note:
        decision = (Decision.objects.filter(step__run_id=step.run_id, kind=Decision.Kind.SEND_BACK,
                                            target_position=step.position)
                    .select_related("user").order_by("-at", "-pk").first())
        if decision is not None:
            item.note, item.note_by = decision.comment, decision.user.display_name
    return item


def _slice(qs, limit):
    return qs if limit is None else qs[:limit]


def inbox_sections(user, *, limit: int | None = DESK_LIMIT) -> dict:
    """The three tabs for ``user`` (at most ``limit`` items each; None: all), with their counts."""
    empty = {"inbox_to_approve": [], "inbox_sent_back": [], "inbox_late": [],
             "inbox_counts": {"to_approve": 0, "sent_back": 0, "late": 0}}
    if not user.is_authenticated or user.authority_id is None:
        return empty
    now = timezone.now()

    to_approve_qs = _waiting_for(user).filter(returned_at__isnull=True).order_by("deadline", "pk")
    to_approve = [_step_item(s) for s in _slice(to_approve_qs, limit)]

    returned_qs = _waiting_for(user).filter(returned_at__isnull=False).order_by("deadline", "pk")
    sent_back_acts_qs = (Act.objects.filter(authority_id=user.authority_id, drafter=user, state=ActState.SENT_BACK)
                         .select_related("department").order_by("-updated_at", "pk"))
    sent_back = [_step_item(s, with_return_note=True) for s in _slice(returned_qs, limit)]
    for act in _slice(sent_back_acts_qs, limit):
        decision = (Decision.objects.filter(step__run__act=act, kind=Decision.Kind.SEND_BACK,
                                            target_position__isnull=True)
                    .select_related("user", "step").order_by("-at", "-pk").first())
        sent_back.append(InboxItem(act=act, step=decision.step if decision else None,
                                   since=decision.at if decision else act.updated_at,
                                   note=decision.comment if decision else "",
                                   note_by=decision.user.display_name if decision else ""))
    if limit is not None:
        sent_back = sent_back[:limit]

    late_qs = _active_steps(user).filter(deadline__lt=now)
    if not user.has_role(Role.SECRETARIAT):
        late_qs = late_qs.filter(Q(is_approver=True, has_approved=False) | Q(run__act__drafter=user))
    late_qs = late_qs.order_by("deadline", "pk")
    late = [_step_item(s, mine=s.is_approver and not s.has_approved) for s in _slice(late_qs, limit)]

    return {
        "inbox_to_approve": to_approve,
        "inbox_sent_back": sent_back,
        "inbox_late": late,
        "inbox_counts": {"to_approve": to_approve_qs.count(),
                         "sent_back": returned_qs.count() + sent_back_acts_qs.count(),
                         "late": late_qs.count()},
    }
