import time

from django.core.management.base import BaseCommand, CommandError

from hemicycle.organisation.models import Authority


class Command(BaseCommand):
    help = "Charge la collectivité de démonstration (ou, avec --preset paris, le jeu de données à l'échelle de Paris)."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=["commune", "paris"], default="commune")
        parser.add_argument("--if-empty", action="store_true", help="Ne rien faire si la collectivité existe déjà.")
        parser.add_argument("--acts", type=int, default=800, help="Nombre d'actes du jeu Paris (800 par défaut).")

    def handle(self, *args, preset, if_empty, acts, **options):
        from hemicycle.demo.load import load_commune, load_paris

        slug = "belval" if preset == "commune" else "paris"
        if Authority.objects.filter(slug=slug).exists():
            if if_empty:
                self.stdout.write("Données de démonstration déjà chargées.")
                return
            raise CommandError(f"La collectivité « {slug} » existe déjà : base à réinitialiser (supprimez var/).")
        started = time.monotonic()
        loaded = load_commune() if preset == "commune" else load_paris(acts=acts)
        from hemicycle.sittings.models import Sitting

        sittings = Sitting.objects.filter(authority=loaded.authority).count()
        self.stdout.write(f"{loaded.authority.name} : {loaded.acts} actes et {sittings} séance(s) chargés "
                          f"en {time.monotonic() - started:.1f} s.")
