"""Enqueue periodic tasks (reminders…) at their interval; the task worker runs them.

A plain loop, like Healthchecks' `sendalerts`: no broker, no cron needed in embedded mode.
In production run exactly one scheduler (or call the tasks' commands from cron instead).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Planifie les tâches périodiques (relances des étapes en retard…)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every periodic task once, then exit.")

    def handle(self, *args, once=False, **options):
        schedule = [(import_string(path), interval) for path, interval in settings.HEMICYCLE_PERIODIC_TASKS]
        next_run = [0.0] * len(schedule)
        while True:
            now = time.monotonic()
            for i, (task, interval) in enumerate(schedule):
                if now >= next_run[i]:
                    task.enqueue()
                    self.stdout.write(f"Tâche planifiée : {task.name}")
                    next_run[i] = now + interval
            if once:
                return
            time.sleep(5)
