"""``hemicycle sitting_replay FILE.json``: what the rules make of a sitting record.

Thin on purpose: read the file, call ``hemicycle.rules.replay``, print the JSON. The format is
documented in docs/sitting-record.md. Exit codes: 0 replayed, 1 replayed with legal errors
(only with ``--strict``), 2 unreadable record (French message on stderr, no traceback).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from hemicycle.rules.replay import RecordError, dumps, load, replay


class Command(BaseCommand):
    help = (
        "Rejoue un relevé de séance (JSON) et affiche en JSON ce qu'en font les règles : validité de la "
        "convocation, quorum, pouvoirs, et pour chaque affaire les voix, le résultat et les erreurs de droit."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="Relevé de séance au format JSON (« - » pour l'entrée standard).")
        parser.add_argument(
            "--strict", action="store_true",
            help="Code de sortie 1 si le relevé contient des erreurs de droit (pour l'intégration continue).",
        )

    def handle(self, *args, file, strict, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            result = replay(load(text))
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
        self.stdout.write(dumps(result))
        if strict and not result["valid"]:
            raise SystemExit(1)

    def _fail(self, message: str):
        self.stderr.write(message)
        raise SystemExit(2)
