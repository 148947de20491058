"""hemicycle convocation_verify SITTING_SLUG [--authority SLUG]

Checks the proof of every sent convocation (and addendum) of a sitting: recomputes the SHA-256
of the sending manifest, checks the RFC 3161 timestamp token over it (message imprint,
signature, trusted certificate) and the files it lists, then prints the proof per member
(channel, sent, delivered, opened, documents consulted, posted). Exits with status 1 if any
proof does not verify.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hemicycle.sittings.actions.convocation import verify_proof
from hemicycle.sittings.convocation_documents import member_addressee
from hemicycle.sittings.models import Convocation, Sitting


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else "—"


class Command(BaseCommand):
    help = "Vérifie la preuve d'envoi (manifeste horodaté RFC 3161) des convocations d'une séance."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant de la séance, par exemple 2026-11-14")
        parser.add_argument("--authority", help="identifiant (slug) de la collectivité, si plusieurs ont cette séance")

    def handle(self, *args, slug, authority=None, **options):
        sittings = Sitting.objects.filter(slug=slug).select_related("authority", "assembly")
        if authority:
            sittings = sittings.filter(authority__slug=authority)
        sittings = list(sittings)
        if not sittings:
            raise CommandError(f"Aucune séance « {slug} ».")
        if len(sittings) > 1:
            names = ", ".join(s.authority.slug for s in sittings)
            raise CommandError(f"Plusieurs collectivités ont une séance « {slug} » ({names}) : précisez --authority.")
        sitting = sittings[0]
        convocations = list(sitting.convocations.filter(state=Convocation.State.SENT).order_by("sent_at", "pk"))
        if not convocations:
            raise CommandError(f"La séance « {slug} » n'a aucune convocation envoyée.")
        failures = 0
        out = self.stdout
        out.write(f"{sitting.authority.name} — {sitting}")
        for convocation in convocations:
            proof = verify_proof(convocation)
            out.write("")
            out.write(f"{convocation.get_kind_display()} n° {convocation.pk}, envoyée le {_when(convocation.sent_at)}")
            out.write(f"  manifeste : SHA-256 recalculé {proof.manifest_sha256}")
            out.write(f"              SHA-256 enregistré {proof.stored_sha256} "
                      f"({'identique' if proof.manifest_ok else 'DIFFÉRENT'})")
            ts = proof.timestamp
            if ts is None:
                out.write("  horodatage : AUCUN JETON")
            else:
                out.write(f"  horodatage : {_when(ts.gen_time)} par {ts.tsa_name}")
                out.write(f"               empreinte {'conforme' if ts.imprint_ok else 'NON CONFORME'}, "
                          f"signature {'valide' if ts.signature_ok else 'INVALIDE'}, "
                          f"certificat {'reconnu' if ts.trusted else 'non reconnu'}")
                for error in ts.errors:
                    out.write(f"               ! {error}")
            for f in proof.files:
                out.write(f"  fichier {f['name']} ({f['bytes']} octets) : {f['message']}")
            if convocation.override_reason:
                out.write(f"  dérogation : {convocation.override_reason}")
            out.write("  preuve par élu :")
            recipients = (convocation.recipients.select_related("member").prefetch_related("consultations")
                          .order_by("member__last_name", "member__first_name", "pk"))
            for r in recipients:
                consulted = ", ".join(f"{c.document} {_when(c.at)}" for c in sorted(r.consultations.all(),
                                                                                     key=lambda c: c.at))
                if r.channel == r.Channel.PAPER:
                    line = f"papier, posté le {r.paper_posted_at.strftime('%d/%m/%Y') if r.paper_posted_at else '—'}"
                else:
                    line = (f"courriel {r.email or '(sans adresse)'}, envoyé {_when(r.sent_at)}, "
                            f"remis {_when(r.delivered_at)}, ouvert {_when(r.opened_at)}")
                    if r.error:
                        line += f", erreur : {r.error}"
                out.write(f"    - {member_addressee(r.member)} (élu n° {r.member_id}) : {line}"
                          + (f" ; consulté : {consulted}" if consulted else ""))
            verdict = "PREUVE VALIDE" if proof.valid else "PREUVE NON VÉRIFIÉE"
            out.write(f"  => {verdict}")
            failures += 0 if proof.valid else 1
        if failures:
            raise CommandError(f"{failures} preuve(s) d'envoi ne se vérifie(nt) pas.", returncode=1)
