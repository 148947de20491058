"""``hemicycle sitting_import --authority SLUG FILE.json``: import a historical sitting.

Thin on purpose: read the file, call ``hemicycle.sittings.importer.import_record``, print the
result. The record format is documented in docs/sitting-record.md, the import in
docs/sitting-import.md. Exit codes: 0 imported (or already imported: nothing changed),
2 refused (unreadable record, legal errors without --accept-errors, unknown authority or
members, a sitting already there): a French message on stderr, no traceback.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from hemicycle.accounts.models import User
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Authority
from hemicycle.rules.replay import RecordError, load
from hemicycle.sittings.importer import ImportRefused, import_record


class Command(BaseCommand):
    help = (
        "Importe une séance passée depuis un relevé de séance (JSON) : le relevé est rejoué par les règles, "
        "refusé s'il contient des erreurs de droit (sauf --accept-errors), puis la séance, les présences, les "
        "pouvoirs, les affaires, les retraits, les votes et le procès-verbal sont créés. Les élus sont "
        "rapprochés par leur nom (prénom nom ou nom prénom, sans tenir compte des majuscules, accents, tirets "
        "et apostrophes). Ré-importer le même fichier ne crée rien de plus."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="Relevé de séance au format JSON (« - » pour l'entrée standard).")
        parser.add_argument("--authority", required=True, help="Identifiant (slug) de la collectivité.")
        parser.add_argument("--create-members", action="store_true",
                            help="Créer les élus du relevé introuvables dans la collectivité.")
        parser.add_argument("--accept-errors", action="store_true",
                            help="Importer malgré les erreurs de droit (elles sont consignées au procès-verbal).")
        parser.add_argument("--user", help="Identifiant de l'utilisateur qui importe (par défaut : le premier "
                                           "utilisateur du secrétariat des assemblées de la collectivité).")

    def handle(self, *args, file, authority, create_members, accept_errors, user, **options):
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
            data = load(raw.decode("utf-8"))
        except FileNotFoundError:
            self._fail(f"Fichier introuvable : {file}")
        except IsADirectoryError:
            self._fail(f"« {file} » est un dossier, pas un fichier.")
        except UnicodeDecodeError:
            self._fail(f"{file} n'est pas un texte UTF-8.")
        except OSError as exc:
            self._fail(f"Lecture impossible de {file} : {exc.strerror or exc}.")
        except RecordError as exc:
            self._fail(f"Relevé de séance illisible ({file}) : {exc}")
        target = Authority.objects.filter(slug=authority).first()
        if target is None:
            self._fail(f"Collectivité inconnue : « {authority} ».")
        actor = self._actor(target, user)
        try:
            result = import_record(target, data, raw=raw, actor=actor, create_members=create_members,
                                   accept_errors=accept_errors)
        except ImportRefused as exc:
            self._fail(str(exc))
        self.stdout.write(result.message)

    def _actor(self, authority, username):
        if username:
            actor = User.objects.filter(username=username, authority=authority, is_active=True).first()
            if actor is None:
                self._fail(f"Utilisateur « {username} » introuvable dans {authority.name}.")
            return actor
        for role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
            actor = (User.objects.filter(authority=authority, is_active=True, role_assignments__role=role)
                     .order_by("pk").first())
            if actor is not None:
                return actor
        return None

    def _fail(self, message: str):
        self.stderr.write(message)
        raise SystemExit(2)
