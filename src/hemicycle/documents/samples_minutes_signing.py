"""URL parameters of the minutes-signature pages for the access-matrix test
(core/tests/test_access_matrix.py), and the helper tests use: a held sitting whose minutes
were adopted at the next sitting."""

from hemicycle.core.roles import Role


def adopted_minutes(world, *, slug: str = "seance-pv-a-signer", days_ago: int = 20, members=None):
    """(HeldSitting, Minutes): a closed sitting (president and secretary: its first two
    members) whose minutes were drafted, submitted to the next sitting and adopted there."""
    from hemicycle.sittings.actions.minutes import generate, on_item_decided, submit_minutes
    from hemicycle.sittings.models import AgendaItem
    from hemicycle.sittings.samples_minutes import build_held_sitting

    secretariat = world.users[Role.SECRETARIAT]
    held = build_held_sitting(world, slug=slug, days_ago=days_ago, next_sitting=True, members=members)
    minutes = generate(held.sitting, actor=secretariat)
    item = submit_minutes(secretariat, minutes)
    item.state = AgendaItem.State.ADOPTED
    item.save(update_fields=["state"])
    minutes = on_item_decided(item, actor=secretariat)
    return held, minutes


def url_samples(world) -> dict:
    from .minutes_signing import freeze_minutes

    held, minutes = adopted_minutes(world, slug="exemple-pv-signature", days_ago=40)
    freeze_minutes(minutes, actor=world.users[Role.SECRETARIAT], notify_signatories=False)
    kwargs = {"slug": held.sitting.slug}
    return {name: kwargs for name in ("documents:minutes_signatures", "documents:minutes_sign",
                                      "documents:minutes_prepare", "documents:minutes_signed_pdf")}
