from django.core.management.base import BaseCommand

from hemicycle.circuits.actions import send_reminders


class Command(BaseCommand):
    help = ("Relance les valideurs des étapes de circuit en retard (au plus une relance par jour et par étape). "
            "Le worker de démonstration exécute la même tâche (hemicycle.circuits.tasks.send_reminders).")

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} étape(s) en retard relancée(s).")
