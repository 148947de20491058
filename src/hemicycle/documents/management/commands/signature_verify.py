"""``hemicycle signature_verify FILE.pdf``: check every signature of a PDF.

Prints a JSON report (one object per signature: signer, capacity, signing time, timestamp,
intact, covers the whole file or later changes, trusted chain) and exits with status 1 when a
signature is broken (document altered since, invalid signature or timestamp, changes after
signing other than further signatures) or when the file cannot be read; 0 otherwise.

Each signature is also checked at its signing time with the validation data the document
embeds (``trusted_at_signing_time``): a certificate expired since still proves the document.
``--at 2031-06-30`` checks as if on that day (e.g. after the signer's certificate expires).
"""

import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hemicycle.documents.signing import VerificationError, verify_pdf


class Command(BaseCommand):
    help = "Vérifie les signatures électroniques (PAdES) d'un PDF ; code de sortie 1 si l'une est rompue."

    def add_arguments(self, parser):
        parser.add_argument("file", help="le PDF à vérifier")
        parser.add_argument("--at", help="vérifier à cette date (AAAA-MM-JJ ou date et heure ISO 8601), "
                                         "aujourd'hui par défaut")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Impossible de lire {path} : {exc.strerror or exc}.") from exc
        at = None
        if options.get("at"):
            try:
                at = datetime.datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError(f"Date invalide : {options['at']} (attendu AAAA-MM-JJ).") from exc
            if at.tzinfo is None:
                at = at.replace(tzinfo=datetime.UTC)
        try:
            reports = verify_pdf(data, at=at)
        except VerificationError as exc:
            self.stdout.write(json.dumps({"file": str(path), "error": str(exc), "signatures": []},
                                         ensure_ascii=False, indent=2))
            sys.exit(1)
        broken = any(r.broken for r in reports)
        self.stdout.write(json.dumps({"file": str(path), "signatures": [r.as_dict() for r in reports],
                                      "broken": broken}, ensure_ascii=False, indent=2))
        if broken:
            sys.exit(1)
