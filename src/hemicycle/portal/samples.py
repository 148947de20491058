"""URL parameters of the portal pages for the access-matrix test (core/tests/test_access_matrix.py).

``url_samples(world)`` makes, in ``world``'s authority, a council sitting 30 days ahead
(slug "portail-exemple") whose convocation is sent with a sitting pack, one act on its agenda,
an interest declared by the world's member user, a proxy given by that member and an amendment
that member filed on the act. With them the world's member user gets a page on every portal URL
(the proxy's revoke URL and the amendment's withdraw URL answer 405 to a GET), other roles a
403 (secretariat pages aside), another authority a 404. No object-level
refusal: ``OBJECT_LEVEL_DENIED`` is empty.
"""

import datetime

OBJECT_LEVEL_DENIED: dict = {}

_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def url_samples(world) -> dict:
    from django.utils import timezone

    from hemicycle.acts.actions import create_act
    from hemicycle.core import blobs
    from hemicycle.core.roles import Role
    from hemicycle.sittings.models import AgendaItem, Amendment, Assembly, Convocation, Interest, Proxy, Sitting

    authority = world.authority
    member, colleague = world.members[0], world.members[1]
    assembly = Assembly.objects.create(authority=authority, kind=Assembly.Kind.COUNCIL, name="Conseil (portail)")
    day = timezone.localdate() + datetime.timedelta(days=30)
    sitting = Sitting.objects.create(authority=authority, assembly=assembly, slug="portail-exemple", date=day,
                                     start_time=datetime.time(18, 0))
    act = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"],
                     object="Acte d'exemple pour le portail des élus", articles=["Article d'exemple."])
    item = AgendaItem.objects.create(sitting=sitting, position=1, act=act, title=act.object, on_convocation=True)
    convocation = Convocation.objects.create(sitting=sitting, state=Convocation.State.SENT, sent_at=timezone.now(),
                                             pack_sha256=blobs.put(_PDF))
    convocation.items.set([item])
    interest = Interest.objects.create(member=member, organisation="Association d'exemple", role="Trésorière")
    proxy = Proxy.objects.create(authority=authority, mandator=member, holder=colleague, given_by=member.user)
    proxy.sittings.set([sitting])
    amendment = Amendment.objects.create(item=item, number=1, group=member.group, filed_by=member.user, member=member,
                                         target="articles:1", new_text="Article d'exemple amendé.")
    slug = {"slug": sitting.slug}
    pack = {**slug, "key": f"dossier-{convocation.pk}"}
    return {
        "portal:sitting": slug, "portal:search": slug,
        "portal:document": pack, "portal:document_file": pack, "portal:document_download": pack,
        "portal:proxy_revoke": {"pk": proxy.pk},
        "portal:interest_edit": {"pk": interest.pk}, "portal:interest_end": {"pk": interest.pk},
        "portal:secretariat_proxies": slug,
        "portal:item_amendments": {**slug, "pk": item.pk}, "portal:amendment_withdraw": {"pk": amendment.pk},
    }
