from django.core.management.base import BaseCommand

from hemicycle.journal.services import verify


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal ; code de sortie non nul si elle est rompue."

    def handle(self, *args, **options):
        result = verify()
        if result.ok:
            self.stdout.write(f"Journal intègre : {result.checked} entrées vérifiées.")
            return
        self.stderr.write(
            f"Journal rompu à l'entrée n° {result.first_broken_seq} : {result.reason} "
            f"({result.checked} entrées valides avant)."
        )
        raise SystemExit(1)
