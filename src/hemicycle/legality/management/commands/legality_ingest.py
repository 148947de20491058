"""hemicycle legality_ingest FILE: record a message received from the prefecture (XML or .tar.gz)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hemicycle.legality.ingest import MAX_INPUT_BYTES, IngestError, ingest, summary


class Command(BaseCommand):
    help = ("Enregistre un message reçu de la préfecture (@CTES : ARActe, AnomalieActe, courrier, demande de "
            "pièces, lettre d'observations, déféré…), en XML ou en archive .tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier reçu (.xml ou .tar.gz)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise CommandError(f"Le fichier dépasse {MAX_INPUT_BYTES // (1024 * 1024)} Mo : refusé.")
        try:
            message = ingest(path.read_bytes(), filename=path.name)
        except IngestError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary(message))
