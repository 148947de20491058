"""``hemicycle prefecture_simulator --port 8010``: the prefecture simulator (S²LOW API on loopback).

Accounts are Hémicycle's authorities: login = SIREN, password = HEMICYCLE_ACTES_OPERATOR_PASSWORD
(what the connector sends by default), department and arrondissement from the authority, current
classification date from its latest imported classification. State in
``$HEMICYCLE_DATA/prefecture-simulator/``. The operator page is at http://127.0.0.1:8010/.
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from hemicycle.legality.simulator import Account, Simulator, make_server


def authority_accounts(ttl: float = 30.0):
    """login → Account from the Authority table (cached ``ttl`` seconds)."""
    cache: dict = {}

    def resolve(login: str):
        hit = cache.get(login)
        if hit and time.monotonic() - hit[0] < ttl:
            return hit[1]
        from hemicycle.acts.matieres import latest_classification
        from hemicycle.organisation.models import Authority

        if not connection.in_atomic_block:  # a long-running server: drop stale connections
            close_old_connections()
        authority = Authority.objects.filter(siren=login).first()
        account = None
        if authority is not None:
            version = latest_classification(authority)
            account = Account(login=login, password=settings.HEMICYCLE_ACTES_OPERATOR_PASSWORD, siren=authority.siren,
                              department=authority.department_code,
                              arrondissement=getattr(authority, "arrondissement", "") or "0", name=authority.name,
                              classification_date=version.version_date.isoformat() if version else "")
        cache[login] = (time.monotonic(), account)
        return account

    return resolve


class Command(BaseCommand):
    requires_system_checks = []  # a standalone server: it does not serve Hémicycle's URLs
    help = "Lance le simulateur de préfecture (API S²LOW, contrôle de légalité @CTES) sur la boucle locale."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument("--step", type=float, default=2.0,
                            help="Secondes entre deux étapes (posté → transmis → acquitté). 0 : immédiat.")
        parser.add_argument("--manual", action="store_true",
                            help="Les transactions n'avancent que depuis la page de l'opérateur.")
        parser.add_argument("--data-dir", default="", help="Dossier d'état (défaut : $HEMICYCLE_DATA/prefecture-simulator).")

    def handle(self, *args, host, port, step, manual, data_dir, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        directory = data_dir or (settings.DATA_DIR / "prefecture-simulator")
        simulator = Simulator(directory, account_resolver=authority_accounts(), step_seconds=None if manual else step)
        server = make_server(simulator, host, port)
        self.stdout.write(f"Simulateur de préfecture : http://{host}:{server.server_address[1]}/ (état : {directory})")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
