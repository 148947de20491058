"""The service worker and offline page, the member's home, sittings and committees pages, the
menu entry."""

import datetime

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.organisation.models import Committee
from hemicycle.sittings.actions.proxies import give_proxy
from hemicycle.sittings.models import Assembly, Sitting

from .helpers import convene


@pytest.mark.django_db
def test_service_worker_is_served_for_the_portal_scope(client):
    response = client.get("/elu/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/elu/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert 'addEventListener("fetch"' in source and "hors-ligne/" in source
    offline = client.get(reverse("portal:offline"))
    assert offline.status_code == 200 and "Hors ligne" in offline.content.decode()


@pytest.mark.django_db
def test_portal_pages_register_the_service_worker(client, sw, colleague):
    client.force_login(colleague)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'data-member="{sw.members[1].pk}"' in html
    assert 'data-sw="/elu/sw.js"' in html and 'data-scope="/elu/"' in html
    assert "portal/portal.js" in html


@pytest.mark.django_db
def test_menu_entry_for_members_only(client, world, sw, colleague):
    client.force_login(colleague)
    assert 'href="/elu/"' in client.get(reverse("core:home")).content.decode()
    client.force_login(world.users[Role.DRAFTER])
    assert 'href="/elu/"' not in client.get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_home_lists_upcoming_sittings_and_proxies(client, world, sw, colleague):
    give_proxy(colleague, mandator=sw.members[1], holder=sw.members[2], sittings=[sw.sitting])
    client.force_login(colleague)
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:sitting", args=[sw.sitting.slug]) in html
    assert "Convocation à venir" in html
    assert f"Vous avez donné pouvoir à {sw.members[2]}" in html
    convene(sw.sitting)
    assert "Convocation reçue" in client.get(reverse("portal:home")).content.decode()
    sittings = client.get(reverse("portal:sittings")).content.decode()
    assert reverse("portal:sitting", args=[sw.sitting.slug]) in sittings


@pytest.mark.django_db
def test_committee_work(client, world, sw, colleague):
    committee = world.committee
    sw.members[1].committees.add(committee)
    sw.acts[2].committees.add(committee)
    assembly = Assembly.objects.create(authority=world.authority, kind=Assembly.Kind.COMMITTEE,
                                       name="Commission culture", committee=committee)
    day = sw.sitting.date - datetime.timedelta(days=5)
    meeting = Sitting.objects.create(authority=world.authority, assembly=assembly, slug=f"{day}-cult", date=day)
    other = Committee.objects.create(authority=world.authority, name="Commission des sports", short_name="SPORT")
    client.force_login(colleague)
    html = client.get(reverse("portal:committees")).content.decode()
    assert "Commission culture" in html and "Commission des sports" not in html
    assert reverse("portal:sitting", args=[meeting.slug]) in html
    assert sw.items[2].title not in html  # the council's agenda is not sent yet
    convene(sw.sitting)
    html = client.get(reverse("portal:committees")).content.decode()
    assert sw.items[2].title in html and sw.items[0].title not in html
    assert other.name not in html
