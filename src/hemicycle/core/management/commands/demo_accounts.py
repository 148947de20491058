from django.core.management.base import BaseCommand
from django.urls import reverse

from hemicycle.accounts.models import User


class Command(BaseCommand):
    help = "Affiche l'adresse et les comptes de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        from hemicycle.demo.load import DEMO_PASSWORD
        from hemicycle.documents.render import french_date
        from hemicycle.sittings.models import Sitting

        base = url.rstrip("/")
        self.stdout.write("")
        self.stdout.write(f"Hémicycle est prêt : {url}")
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        shown = ["secretariat", "redac-dac", "chef-dac", "dgs", "cabinet", "adjointe", "maire", "elu",
                 "partenaire", "admin"]
        users = {u.username: u for u in User.objects.filter(username__in=shown, authority__slug="belval")}
        for username in shown:
            user = users.get(username)
            if user:
                self.stdout.write(f"  {username:<14} {user.display_name:<28} {user.title}")

        members = [users[name] for name in ("elu", "maire") if name in users]
        if members:
            self.stdout.write("")
            self.stdout.write(f"Espace des élus : {base}{reverse('portal:home')}")
            self.stdout.write("  connectez-vous avec « elu » (" + members[0].display_name + ")"
                              + (" ou « maire »" if len(members) > 1 else "")
                              + " : séances, documents, pouvoirs, déclarations d'intérêts.")
        sittings = Sitting.objects.filter(authority__slug="belval")
        past = sittings.filter(state=Sitting.State.CLOSED).order_by("-date").first()
        upcoming = sittings.filter(state=Sitting.State.CONVENED).order_by("date").first()
        if past or upcoming:
            self.stdout.write("")
            self.stdout.write("Séances du conseil municipal :")
        if past:
            self.stdout.write(f"  séance tenue le {french_date(past.date)} : "
                              f"{base}{reverse('sittings:detail', args=[past.slug])}")
            self.stdout.write(f"    {'écran public':<24}{base}{reverse('sittings:live_screen', args=[past.slug])}")
            self.stdout.write(f"    {'liste des délibérations':<24}"
                              f"{base}{reverse('sittings:deliberations_list', args=[past.slug])}")
        if upcoming:
            self.stdout.write(f"  prochaine séance, le {french_date(upcoming.date)} : "
                              f"{base}{reverse('sittings:detail', args=[upcoming.slug])}")
        from hemicycle.documents.models import FinalDocument

        if past and FinalDocument.objects.filter(item__sitting=past).exists():
            # The demo's after-vote chain (demo/after_vote.py): where to see it.
            self.stdout.write("")
            self.stdout.write(f"Après le vote de la séance du {french_date(past.date)} :")
            for label, path in [
                ("actes définitifs, signatures", reverse("documents:sitting_finals", args=[past.slug])),
                ("contrôle de légalité", reverse("legality:dashboard")),
                ("registre des délibérations", reverse("archives:register", args=[past.date.year])),
                ("portail public (sans compte)", reverse("publication:home", kwargs={"authority": "belval"})),
                ("données ouvertes (SCDL)", reverse("opendata:scdl", kwargs={"authority": "belval"})),
            ]:
                self.stdout.write(f"  {label:<30}{base}{path}")
        self.stdout.write("")
