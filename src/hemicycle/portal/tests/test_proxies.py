"""Proxies (pouvoirs, L2121-20) given and revoked from the portal, and the rules they obey."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification
from hemicycle.sittings.actions.proxies import give_proxy, longest_consecutive_run, revoke_proxy
from hemicycle.sittings.models import Assembly, Proxy, Sitting

from .helpers import member_user


def _more_sittings(sw, count, *, start_days=27, step=7):
    sittings = [sw.sitting]
    for i in range(count):
        day = sw.sitting.date + datetime.timedelta(days=start_days - 20 + i * step)
        sittings.append(Sitting.objects.create(authority=sw.sitting.authority, assembly=sw.assembly,
                                               slug=day.isoformat(), date=day))
    return sittings


def _messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


@pytest.fixture
def people(world, sw, colleague):
    """mandator (has an account), holder (has an account), a third member, the secretariat."""
    holder_user = member_user(world, sw.members[2], "elu-porteur")
    return {"mandator": sw.members[1], "mandator_user": colleague, "holder": sw.members[2],
            "holder_user": holder_user, "third": sw.members[3], "secretariat": world.users[Role.SECRETARIAT]}


@pytest.mark.django_db
def test_give_a_proxy_journals_and_notifies(sw, people):
    proxy = give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                       sittings=[sw.sitting])
    assert list(proxy.sittings.all()) == [sw.sitting]
    assert proxy.given_by == people["mandator_user"] and not proxy.illness and proxy.revoked_at is None
    entry = JournalEntry.objects.get(action="sitting.proxy_given")
    assert entry.object_id == str(sw.sitting.pk)
    assert entry.data["mandator"] == people["mandator"].pk and entry.data["holder"] == people["holder"].pk
    assert Notification.objects.filter(user=people["holder_user"], message__contains="vous donne pouvoir").exists()
    assert Notification.objects.filter(user=people["secretariat"], message__contains="Pouvoir de").exists()


@pytest.mark.django_db
def test_no_proxy_to_oneself(sw, people):
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["mandator"], sittings=[sw.sitting])
    assert "à lui-même" in _messages(exc) and "L2121-20" in _messages(exc)


@pytest.mark.django_db
def test_a_holder_carries_one_proxy_per_sitting(sw, people):
    give_proxy(people["secretariat"], mandator=people["third"], holder=people["holder"], sittings=[sw.sitting])
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                   sittings=[sw.sitting])
    text = _messages(exc)
    assert "porte déjà un pouvoir" in text and "L2121-20" in text
    assert Proxy.objects.filter(mandator=people["mandator"]).count() == 0
    # Another sitting, where the holder carries none: accepted.
    later = _more_sittings(sw, 1)[1]
    give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"], sittings=[later])


@pytest.mark.django_db
def test_one_proxy_per_mandator_and_sitting(sw, people):
    give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"], sittings=[sw.sitting])
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["third"], sittings=[sw.sitting])
    assert "a déjà donné pouvoir à" in _messages(exc) and "L2121-20" in _messages(exc)


@pytest.mark.django_db
def test_at_most_three_consecutive_sittings_unless_illness(sw, people):
    sittings = _more_sittings(sw, 4)  # five sittings of the assembly in a row
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                   sittings=sittings[:4])
    assert "plus de 3 séances consécutives" in _messages(exc) and "celui-ci en couvre 4" in _messages(exc)
    # Not consecutive (the 4th sitting is skipped): three in a row at most, accepted.
    proxy = give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                       sittings=[sittings[0], sittings[1], sittings[2], sittings[4]])
    assert proxy.sittings.count() == 4
    revoke_proxy(people["mandator_user"], proxy)
    # With duly established illness: accepted for the four.
    sick = give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                      sittings=sittings[:4], illness=True)
    assert sick.illness and sick.sittings.count() == 4


def test_longest_consecutive_run_counts_the_assemblys_sittings_in_order(db, world, sw):
    sittings = _more_sittings(sw, 3)
    assert longest_consecutive_run(sittings, sw.assembly) == 4
    assert longest_consecutive_run([sittings[0], sittings[2], sittings[3]], sw.assembly) == 2
    assert longest_consecutive_run([], sw.assembly) == 0


@pytest.mark.django_db
def test_reglement_interieur_can_tighten_the_limit(sw, people):
    sw.assembly.regime_overrides = {"proxy_max_consecutive_sittings": 2}
    sw.assembly.save()
    sittings = _more_sittings(sw, 2)
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"], sittings=sittings)
    assert "plus de 2 séances consécutives" in _messages(exc)


@pytest.mark.django_db
def test_no_chain_of_proxies(sw, people):
    # The holder has himself given his proxy: he cannot carry one.
    give_proxy(people["holder_user"], mandator=people["holder"], holder=people["third"], sittings=[sw.sitting])
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                   sittings=[sw.sitting])
    assert "a lui-même donné pouvoir" in _messages(exc)
    # The mandator carries a colleague's proxy: giving his own would make it useless.
    other = sw.members[4]
    give_proxy(people["secretariat"], mandator=other, holder=people["mandator"], sittings=[sw.sitting])
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=sw.members[5], sittings=[sw.sitting])
    assert f"porte le pouvoir de {other}" in _messages(exc)


@pytest.mark.django_db
def test_sittings_ahead_of_one_assembly_with_colleagues_of_it(world, sw, people):
    past_day = timezone.localdate() - datetime.timedelta(days=3)
    past = Sitting.objects.create(authority=world.authority, assembly=sw.assembly, slug=past_day.isoformat(),
                                  date=past_day, state=Sitting.State.CLOSED)
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"], sittings=[past])
    assert "ouverte ou passée" in _messages(exc)
    standing = Assembly.objects.create(authority=world.authority, kind=Assembly.Kind.STANDING_COMMITTEE,
                                       name="Commission permanente")
    other = Sitting.objects.create(authority=world.authority, assembly=standing, slug="cp", date=sw.sitting.date)
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                   sittings=[sw.sitting, other])
    assert "même assemblée" in _messages(exc)
    with pytest.raises(ValidationError):
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"], sittings=[])


@pytest.mark.django_db
def test_only_the_mandator_or_the_secretariat_gives_it(world, sw, people):
    with pytest.raises(PermissionDenied):
        give_proxy(people["holder_user"], mandator=people["mandator"], holder=people["holder"], sittings=[sw.sitting])
    with pytest.raises(PermissionDenied):
        give_proxy(world.users[Role.DRAFTER], mandator=people["mandator"], holder=people["holder"],
                   sittings=[sw.sitting])


@pytest.mark.django_db
def test_departement_cites_its_own_article(world, sw, people):
    world.authority.kind = "departement"
    world.authority.save()
    with pytest.raises(ValidationError) as exc:
        give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["mandator"],
                   sittings=[sw.sitting])
    assert "L3121-16" in _messages(exc)


@pytest.mark.django_db
def test_revoke_frees_the_holder_and_notifies(sw, people):
    proxy = give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                       sittings=[sw.sitting])
    with pytest.raises(PermissionDenied):
        revoke_proxy(people["holder_user"], proxy)
    revoke_proxy(people["mandator_user"], proxy)
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None
    assert JournalEntry.objects.filter(action="sitting.proxy_revoked", object_id=str(sw.sitting.pk)).exists()
    assert Notification.objects.filter(user=people["holder_user"], message__contains="a révoqué").exists()
    with pytest.raises(ValidationError):
        revoke_proxy(people["mandator_user"], proxy)
    # The holder can now carry the third member's proxy.
    give_proxy(people["secretariat"], mandator=people["third"], holder=people["holder"], sittings=[sw.sitting])


@pytest.mark.django_db
def test_revoking_keeps_the_sittings_already_held(world, sw, people):
    past_day = timezone.localdate() - datetime.timedelta(days=10)
    past = Sitting.objects.create(authority=world.authority, assembly=sw.assembly, slug=past_day.isoformat(),
                                  date=past_day, state=Sitting.State.CLOSED)
    proxy = Proxy.objects.create(authority=world.authority, mandator=people["mandator"], holder=people["holder"],
                                 given_by=people["mandator_user"])
    proxy.sittings.set([past, sw.sitting])
    revoke_proxy(people["mandator_user"], proxy)
    proxy.refresh_from_db()
    assert proxy.revoked_at is None
    assert list(proxy.sittings.all()) == [past]
    with pytest.raises(ValidationError) as exc:
        revoke_proxy(people["mandator_user"], proxy)
    assert "aucune séance à venir" in _messages(exc)


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_proxy_page_gives_and_revokes(client, sw, people):
    client.force_login(people["mandator_user"])
    page = client.get(reverse("portal:proxies") + f"?seance={sw.sitting.slug}")
    html = page.content.decode()
    assert page.status_code == 200
    assert str(people["holder"].last_name) in html
    assert f'value="{sw.sitting.pk}" id="id_sittings_0" checked' in html
    response = client.post(reverse("portal:proxies"), {"holder": people["holder"].pk, "sittings": [sw.sitting.pk]})
    assert response.status_code == 302
    proxy = Proxy.objects.get(mandator=people["mandator"])
    html = client.get(reverse("portal:proxies")).content.decode()
    assert "Pouvoir donné à" in html and "Révoquer" in html
    sitting_page = client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
    assert "Vous avez donné pouvoir à" in sitting_page
    assert client.get(reverse("portal:proxy_revoke", args=[proxy.pk])).status_code == 405
    client.post(reverse("portal:proxy_revoke", args=[proxy.pk]))
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None


@pytest.mark.django_db
def test_refused_proxy_keeps_what_was_typed(client, sw, people):
    give_proxy(people["secretariat"], mandator=people["third"], holder=people["holder"], sittings=[sw.sitting])
    client.force_login(people["mandator_user"])
    response = client.post(reverse("portal:proxies"), {"holder": people["holder"].pk, "sittings": [sw.sitting.pk],
                                                       "illness": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "porte déjà un pouvoir" in html and "L2121-20" in html
    assert f'<option value="{people["holder"].pk}" selected>' in html
    assert f'value="{sw.sitting.pk}" id="id_sittings_0" checked' in html
    assert 'name="illness" id="id_illness" checked' in html
    empty = client.post(reverse("portal:proxies"), {})
    assert empty.status_code == 400
    assert "Choisissez le collègue" in empty.content.decode()


@pytest.mark.django_db
def test_another_members_proxy_cannot_be_revoked(client, sw, people):
    proxy = give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"],
                       sittings=[sw.sitting])
    client.force_login(people["holder_user"])
    assert client.post(reverse("portal:proxy_revoke", args=[proxy.pk])).status_code == 404
    proxy.refresh_from_db()
    assert proxy.revoked_at is None


@pytest.mark.django_db
def test_secretariat_sees_every_proxy_of_a_sitting(client, world, sw, people, other_world):
    give_proxy(people["mandator_user"], mandator=people["mandator"], holder=people["holder"], sittings=[sw.sitting])
    revoked = give_proxy(people["secretariat"], mandator=people["third"], holder=sw.members[5], sittings=[sw.sitting])
    revoke_proxy(people["secretariat"], revoked)
    url = reverse("portal:secretariat_proxies", args=[sw.sitting.slug])
    client.force_login(world.users[Role.SECRETARIAT])
    html = client.get(url).content.decode()
    assert str(people["mandator"]) in html and str(people["holder"]) in html
    assert "Valable" in html and "Révoqué le" in html
    assert "1 pouvoir en cours" in html
    index = client.get(reverse("portal:secretariat_proxies_index")).content.decode()
    assert url in index
    client.force_login(people["mandator_user"])
    assert client.get(url).status_code == 403
    from hemicycle.core.testing import make_user

    client.force_login(make_user(other_world.authority, "sec-autreville", [Role.SECRETARIAT]))
    assert client.get(url).status_code == 404
