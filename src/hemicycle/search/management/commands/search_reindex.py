"""``hemicycle search_reindex [--authority SIREN|slug]``: rebuild the full-text index of acts."""

import time

from django.core.management.base import BaseCommand, CommandError

from hemicycle.search.indexing import reindex


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche plein texte des actes (par lots)."

    def add_arguments(self, parser):
        parser.add_argument("--authority", help="SIREN ou identifiant d'URL d'une collectivité (toutes par défaut)")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, authority=None, batch_size=500, **options):
        target = None
        if authority:
            from django.db.models import Q

            from hemicycle.organisation.models import Authority

            target = Authority.objects.filter(Q(siren=authority) | Q(slug=authority)).first()
            if target is None:
                raise CommandError(f"Collectivité inconnue : {authority}")
        started = time.perf_counter()
        result = reindex(authority=target, batch_size=max(1, batch_size),
                         progress=lambda n: self.stderr.write(f"\r{n} actes…", ending="") if options["verbosity"] > 1 else None)
        seconds = time.perf_counter() - started
        self.stdout.write(f"{result['acts']} actes indexés en {seconds:.1f} s "
                          f"({result['written']} lignes écrites, {result['removed']} retirées).")
