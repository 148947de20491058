"""hemicycle actes_export REF --out DIR: write the @CTES archive (.tar.gz) of act REF."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hemicycle.acts.models import Act
from hemicycle.legality.actes import ActesError, acte_data_for, build_archive, trigramme, validate_message


class Command(BaseCommand):
    help = "Écrit l'archive @CTES (.tar.gz) d'un acte, désigné par sa référence (ex. « 2026 DAC 123 »)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="référence de l'acte, par exemple « 2026 DAC 123 »")
        parser.add_argument("--out", required=True, help="dossier où écrire l'archive")
        parser.add_argument("--authority", help="identifiant (slug) de la collectivité, si plusieurs ont cette référence")
        parser.add_argument("--serial", type=int, default=1, help="numéro d'envoi du jour (défaut : 1)")
        parser.add_argument("--date", help="date d'envoi AAAA-MM-JJ (défaut : aujourd'hui)")

    def handle(self, *args, reference, out, authority=None, serial=1, date=None, **options):
        reference = " ".join(reference.split())
        acts = Act.objects.filter(reference=reference).select_related("authority")
        if authority:
            acts = acts.filter(authority__slug=authority)
        found = list(acts[:2])
        if not found:
            where = f" dans la collectivité « {authority} »" if authority else ""
            raise CommandError(f"Aucun acte de référence « {reference} »{where}.")
        if len(found) > 1:
            raise CommandError(f"Plusieurs collectivités ont un acte « {reference} » : précisez --authority.")
        act = found[0]
        sent_on = _parse_date(date)
        if serial < 1:
            raise CommandError("Le numéro d'envoi (--serial) commence à 1.")
        try:
            data = acte_data_for(act)
            archive = build_archive(data, serial, sent_on=sent_on, trigramme=trigramme())
        except ActesError as exc:
            raise CommandError(f"Archive @CTES impossible : {exc}") from exc
        errors = [e for name, content in archive.files.items() if name.endswith(".xml")
                  for e in validate_message(content)]
        if errors:  # pragma: no cover - the builders produce valid files; this guards regressions
            raise CommandError("Archive non conforme au schéma @CTES : " + " ; ".join(errors))
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / archive.name
        path.write_bytes(archive.data)
        self.stdout.write(f"{path} ({len(archive.data)} octets) : {', '.join(archive.files)}")


def _parse_date(value):
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date d'envoi « {value} » invalide : format AAAA-MM-JJ attendu.") from exc
