"""hemicycle fixity_check [--authority SLUG] [--quiet]

Re-reads every stored file referenced by final documents, signatures, annexes, transmissions,
prefecture messages, registers and SEDA packages, and reports each one missing or altered with
what it belongs to. Exit code 0 when everything is intact, 1 otherwise. The result is journaled
("fixity.checked")."""

from django.core.management.base import BaseCommand, CommandError

from hemicycle.archives import fixity


class Command(BaseCommand):
    help = "Contrôle l'intégrité des fichiers stockés (empreintes SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("--authority", help="identifiant (slug) d'une collectivité ; toutes par défaut")
        parser.add_argument("--quiet", action="store_true", help="n'affiche que les anomalies")

    def handle(self, *args, authority=None, quiet=False, **options):
        scope = None
        if authority:
            from hemicycle.organisation.models import Authority

            scope = Authority.objects.filter(slug=authority).first()
            if scope is None:
                raise CommandError(f"Collectivité inconnue : {authority}")
        report = fixity.check(scope)
        fixity.record_result(report)
        for problem in report.problems:
            self.stderr.write(problem.describe())
        counts = report.counts()
        summary = (f"{counts['checked']} fichier(s) contrôlé(s) ({counts['references']} référence(s)) : "
                   f"{counts['missing']} absent(s), {counts['altered']} altéré(s).")
        if report.ok:
            if not quiet:
                self.stdout.write(summary)
            return
        self.stderr.write(summary)
        raise SystemExit(1)
