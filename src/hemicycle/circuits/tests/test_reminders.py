from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from hemicycle.circuits.actions import approve, send_reminders, submit_act
from hemicycle.circuits.models import StepRun
from hemicycle.circuits.tasks import send_reminders as send_reminders_task
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification

from .factories import make_template, new_act, standard_circuit


def reminders(user):
    return Notification.objects.filter(user=user, kind=Notification.Kind.REMINDER).count()


def test_late_steps_are_reminded_at_most_once_a_day(world):
    approver = world.users[Role.APPROVER]
    make_template(world, steps=[{"name": "Chef de bureau", "users": [approver], "deadline_days": 3}])
    on_time, late = new_act(world), new_act(world)
    submit_act(world.users[Role.DRAFTER], on_time)
    submit_act(world.users[Role.DRAFTER], late)
    step = StepRun.objects.get(run__act=late)
    assert step.deadline - step.activated_at == timedelta(days=3) and not step.is_late

    now = timezone.now()
    StepRun.objects.filter(pk=step.pk).update(deadline=now - timedelta(hours=1))
    assert send_reminders(now=now) == 1
    assert reminders(approver) == 1
    assert Notification.objects.get(kind=Notification.Kind.REMINDER).act_id == late.pk
    assert send_reminders(now=now + timedelta(minutes=30)) == 0  # same day: nothing more
    assert reminders(approver) == 1
    assert send_reminders(now=now + timedelta(days=1)) == 1  # the next day: again
    assert reminders(approver) == 2
    assert JournalEntry.objects.filter(action="circuit.reminder_sent", object_id=str(late.pk)).count() == 2


def test_all_rule_reminds_only_who_has_not_approved_and_command_and_task_run(world):
    approver, approver2 = world.users[Role.APPROVER], world.users["approver2"]
    standard_circuit(world)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    approve(approver, act)  # step 1; step 2 ("all") asks both
    approve(approver, act)  # approver's visa on step 2; approver2 still due
    StepRun.objects.filter(run__act=act, position=2).update(deadline=timezone.now() - timedelta(days=1))
    call_command("send_reminders")
    assert reminders(approver2) == 1 and reminders(approver) == 0
    assert send_reminders_task.call() == 0  # already reminded today
