"""hemicycle seda_export (--sitting ID | --year YYYY [--authority SLUG]) --out FILE.zip

Writes the SEDA 2.3 transfer package (manifest.xml + every file it references, with SHA-512
and size) of a closed sitting or of a whole year, records it (ArchiveTransfer) and journals
"seda.exported". The manifest is validated against the SEDA 2.3 schema before anything is
written. Exit code 0 on success, 1 on error (clear message, nothing written)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Produit le paquet de versement SEDA 2.3 d'une séance ou d'une année."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--sitting", type=int, help="identifiant numérique de la séance")
        group.add_argument("--year", type=int, help="année (toutes les séances closes de l'année)")
        parser.add_argument("--authority", help="identifiant (slug) de la collectivité, avec --year")
        parser.add_argument("--out", required=True, help="fichier .zip à écrire")

    def handle(self, *args, sitting=None, year=None, authority=None, out=None, **options):
        from hemicycle.archives.actions import export_package
        from hemicycle.organisation.models import Authority
        from hemicycle.sittings.models import Sitting

        target = Path(out)
        if not target.parent.exists():
            raise CommandError(f"Dossier inexistant : {target.parent}")
        if sitting is not None:
            s = Sitting.objects.select_related("authority", "assembly").filter(pk=sitting).first()
            if s is None:
                raise CommandError(f"Séance inconnue : {sitting}")
            scope_authority, kwargs = s.authority, {"sitting": s}
        else:
            authorities = Authority.objects.all()
            if authority:
                authorities = authorities.filter(slug=authority)
            found = list(authorities[:2])
            if not found:
                raise CommandError(f"Collectivité inconnue : {authority}" if authority else "Aucune collectivité.")
            if len(found) > 1:
                raise CommandError("Plusieurs collectivités : précisez --authority SLUG.")
            scope_authority, kwargs = found[0], {"year": year}
        try:
            transfer, warnings = export_package(None, scope_authority, **kwargs)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        from hemicycle.core import blobs

        target.write_bytes(blobs.get(transfer.zip_sha256))
        for w in warnings:
            self.stderr.write(f"Attention : {w}")
        self.stdout.write(f"{target} : {len(transfer.files)} fichier(s), {transfer.acts_count} acte(s), "
                          f"bordereau {transfer.message_identifier}")
