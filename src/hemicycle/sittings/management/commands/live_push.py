"""``hemicycle live_push --port 8001``: the push channel of the public live screens
(server-sent events; see hemicycle/sittings/live_push.py)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Diffuse en direct l'état des séances publiques (server-sent events) aux écrans et aux élus."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)

    def handle(self, *args, host, port, **options):
        from aiohttp import web

        from hemicycle.sittings.live_push import make_app

        self.stdout.write(f"Diffusion en direct sur http://{host}:{port}/")
        web.run_app(make_app(), host=host, port=port, print=None, access_log=None, handle_signals=True)
