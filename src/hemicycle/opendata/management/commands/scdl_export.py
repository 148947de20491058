"""hemicycle scdl_export --out FILE.csv [--authority SLUG] [--year YYYY]: SCDL deliberations file."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hemicycle.opendata.scdl import ScdlError, export
from hemicycle.organisation.models import Authority


class Command(BaseCommand):
    help = ("Exporte les délibérations publiées au format SCDL « Délibérations » 2.1.5 (CSV), "
            "vérifié avec frictionless avant d'être écrit.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="fichier CSV à écrire")
        parser.add_argument("--authority", help="identifiant (slug) de la collectivité (toutes par défaut)")
        parser.add_argument("--year", type=int, help="année des séances (toutes par défaut)")

    def handle(self, *args, out, authority=None, year=None, **options):
        target = None
        if authority:
            try:
                target = Authority.objects.get(slug=authority)
            except Authority.DoesNotExist as exc:
                raise CommandError(f"Collectivité « {authority} » inconnue.") from exc
        if year is not None and not 1800 <= year <= 9999:
            raise CommandError(f"Année invalide : {year}.")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"Dossier introuvable : {path.parent}")
        try:
            result = export(authority=target, year=year)
        except ScdlError as exc:
            raise CommandError(str(exc)) from exc
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".scdl-", suffix=".csv")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(result.data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(f"{result.rows} délibération(s) exportée(s) dans {path} (SCDL 2.1.5, valide).")
