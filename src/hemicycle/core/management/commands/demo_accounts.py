from django.core.management.base import BaseCommand

from hemicycle.accounts.models import User


class Command(BaseCommand):
    help = "Affiche l'adresse et les comptes de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        from hemicycle.demo.load import DEMO_PASSWORD

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
        self.stdout.write("")
