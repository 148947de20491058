"""URL parameters of the publication pages for the access-matrix test (core/tests/test_access_matrix.py).

A decided sitting (documents/testing.build_decided_sitting) whose minutes are adopted and list
of deliberations published; its first adopted act signed and published (public portal pages),
its second signed, not published, notified to a partner (secretariat pages, personal link)."""

from hemicycle.core.roles import Role


def url_samples(world) -> dict:
    from hemicycle.documents.testing import build_decided_sitting
    from hemicycle.sittings.actions.minutes import generate, on_item_decided, publish_list, submit_minutes
    from hemicycle.sittings.models import AgendaItem
    from hemicycle.sittings.samples_minutes import sitting_members

    from .actions import add_masking, notify_partner, publish
    from .testing import make_signed_final

    secretariat = world.users[Role.SECRETARIAT]
    decided = build_decided_sitting(world, slug="exemple-publication", days_ago=40, next_sitting=True,
                                    members=sitting_members(world))
    sitting = decided.sitting
    generate(sitting, actor=secretariat)
    publish_list(secretariat, sitting)
    item = submit_minutes(secretariat, sitting.minutes)
    item.state = AgendaItem.State.ADOPTED
    item.save(update_fields=["state"])
    on_item_decided(item, actor=secretariat)

    budget, subsidy = decided.adopted
    items = {i.act_id: i for i in decided.items}
    make_signed_final(budget, item=items[budget.pk], signer=world.users[Role.SIGNATORY])
    make_signed_final(subsidy, item=items[subsidy.pk], signer=world.users[Role.SIGNATORY])
    publish(secretariat, budget)
    add_masking(secretariat, subsidy, text="Les Amis du Moulin")
    notification = notify_partner(secretariat, subsidy, name="Association Les Amis du Moulin",
                                  email="contact@amis-du-moulin.example.org")
    mask = subsidy.maskings.first()

    portal_act = {"authority": world.authority.slug, "slug": budget.slug}
    portal_sitting = {"authority": world.authority.slug, "slug": sitting.slug}
    act = {"slug": subsidy.slug}
    return {
        "publication:home": {"authority": world.authority.slug},
        "publication:search": {"authority": world.authority.slug},
        "publication:feed": {"authority": world.authority.slug},
        "publication:act": portal_act, "publication:act_pdf": portal_act,
        "publication:sitting": portal_sitting, "publication:minutes_pdf": portal_sitting,
        "publication:notified": {"token": notification.token},
        "publication:notified_pdf": {"token": notification.token},
        "publication:publish": act, "publication:withdraw": {"slug": budget.slug},
        "publication:masking": act, "publication:masking_preview": act,
        "publication:masking_remove": {**act, "pk": mask.pk}, "publication:notify": act,
    }
