"""hemicycle import_classification --authority SLUG FILE: import a prefecture's classification."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hemicycle.acts.classification import MAX_CLASSIFICATION_BYTES, ClassificationError, import_classification
from hemicycle.organisation.models import Authority


class Command(BaseCommand):
    help = "Importe la classification des actes (RetourClassification @CTES) d'une collectivité."

    def add_arguments(self, parser):
        parser.add_argument("--authority", required=True, help="identifiant (slug) de la collectivité")
        parser.add_argument("file", help="fichier XML reçu de la préfecture")

    def handle(self, *args, authority, file, **options):
        try:
            target = Authority.objects.get(slug=authority)
        except Authority.DoesNotExist as exc:
            raise CommandError(f"Collectivité « {authority} » inconnue.") from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        if path.stat().st_size > MAX_CLASSIFICATION_BYTES:
            raise CommandError(f"Le fichier dépasse {MAX_CLASSIFICATION_BYTES // (1024 * 1024)} Mo : "
                               "ce n'est pas une classification.")
        try:
            result = import_classification(target, path.read_bytes())
        except ClassificationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.message)
