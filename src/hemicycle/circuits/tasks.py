"""Background work of the circuits.

``send_reminders`` reminds the approvers of overdue steps (at most once a day per step). In
the embedded mode (``make demo``) the task worker runs it: the scheduler (`hemicycle
run_scheduler`) enqueues it periodically from ``settings.HEMICYCLE_PERIODIC_TASKS`` — e.g.
``("hemicycle.circuits.tasks.send_reminders", 3600)`` — and ``hemicycle db_worker`` executes
it. It is idempotent within a day, so running it every hour (or from cron via the
``hemicycle send_reminders`` command) sends each late step's approvers one reminder a day.
"""

from django.tasks import task

from . import actions


@task()
def send_reminders() -> int:
    """Notify the approvers of every late active step (kind "reminder"); returns how many steps."""
    return actions.send_reminders()
