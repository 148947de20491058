"""Declared interests: declared, corrected and ended by the member, journaled, listed for the
secretariat; before a sitting, the items the member must withdraw from."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions.interests import declare_interest, end_interest, interests_at, update_interest
from hemicycle.sittings.models import Interest, ItemConcern

from .helpers import convene, member_user


@pytest.mark.django_db
def test_declare_update_end_are_journaled(sw, colleague):
    member = sw.members[1]
    interest = declare_interest(colleague, member, organisation="  Les Amis   du Théâtre ", role="Trésorier",
                                since=datetime.date(2024, 1, 1))
    assert interest.organisation == "Les Amis du Théâtre"
    update_interest(colleague, interest, organisation="Les Amis du Théâtre", role="Président",
                    since=datetime.date(2024, 1, 1))
    end_interest(colleague, interest)
    interest.refresh_from_db()
    assert interest.role == "Président" and interest.until == timezone.localdate()
    actions = list(JournalEntry.objects.filter(object_type="organisation.member", object_id=str(member.pk)).values_list("action", flat=True)
                   .order_by("seq"))
    assert actions == ["member.interest_declared", "member.interest_updated", "member.interest_ended"]
    with pytest.raises(ValidationError):
        end_interest(colleague, interest)  # already ended


@pytest.mark.django_db
def test_bad_declarations_are_refused(world, sw, colleague):
    member = sw.members[1]
    with pytest.raises(ValidationError) as exc:
        declare_interest(colleague, member, organisation="   ")
    assert "organisation" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        declare_interest(colleague, member, organisation="SEM", since=datetime.date(2025, 5, 1),
                         until=datetime.date(2025, 1, 1))
    assert "until" in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        declare_interest(world.users[Role.MEMBER], member, organisation="Usurpation")
    # The secretariat may record a declaration received on paper.
    declare_interest(world.users[Role.SECRETARIAT], member, organisation="Office HLM")
    assert Interest.objects.filter(member=member).count() == 1


def test_interests_at_a_date(db, world, sw, colleague):
    member = sw.members[1]
    day = datetime.date(2026, 6, 1)
    Interest.objects.create(member=member, organisation="Ancienne association", until=datetime.date(2026, 1, 1))
    Interest.objects.create(member=member, organisation="Future société", since=datetime.date(2026, 9, 1))
    Interest.objects.create(member=member, organisation="Club sportif", since=datetime.date(2020, 1, 1))
    assert interests_at([member], day) == {member.pk: ["Club sportif"]}


@pytest.mark.django_db
def test_interest_pages(client, sw, colleague):
    client.force_login(colleague)
    url = reverse("portal:interests")
    bad = client.post(url, {"organisation": "", "role": "Gérant", "since": "2024-13-45"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Indiquez l" in html and "Date invalide" in html and 'value="Gérant"' in html
    assert client.post(url, {"organisation": "Théâtre de la Ville", "role": "Administrateur",
                             "since": "2023-02-01"}).status_code == 302
    interest = Interest.objects.get(member=sw.members[1])
    assert "Théâtre de la Ville" in client.get(url).content.decode()
    edit = reverse("portal:interest_edit", args=[interest.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"organisation": "Théâtre de la Ville", "role": "Président",
                              "since": "2023-02-01"}).status_code == 302
    interest.refresh_from_db()
    assert interest.role == "Président"
    assert client.post(reverse("portal:interest_end", args=[interest.pk]), {"until": "2023-01-01"}).status_code == 400
    assert client.post(reverse("portal:interest_end", args=[interest.pk]), {"until": ""}).status_code == 302
    interest.refresh_from_db()
    assert interest.until == timezone.localdate()


@pytest.mark.django_db
def test_another_members_interest_is_404(client, world, sw, colleague, other_world):
    interest = Interest.objects.create(member=sw.members[1], organisation="Association privée")
    client.force_login(world.users[Role.MEMBER])  # another member of the same authority
    assert client.get(reverse("portal:interest_edit", args=[interest.pk])).status_code == 404
    assert client.post(reverse("portal:interest_end", args=[interest.pk])).status_code == 404
    client.force_login(member_user(other_world, other_world.members[1], "elu-ailleurs"))
    assert client.get(reverse("portal:interest_edit", args=[interest.pk])).status_code == 404


@pytest.mark.django_db
def test_secretariat_sees_the_register(client, world, sw, colleague):
    Interest.objects.create(member=sw.members[1], organisation="Les Amis du Théâtre", role="Trésorier")
    Interest.objects.create(member=sw.members[2], organisation="Ancien club", until=datetime.date(2020, 1, 1))
    client.force_login(world.users[Role.SECRETARIAT])
    html = client.get(reverse("portal:secretariat_interests")).content.decode()
    assert "Les Amis du Théâtre — Trésorier" in html and "Ancien club" in html
    assert "1 élu a des intérêts déclarés en cours" in html
    client.force_login(colleague)
    assert client.get(reverse("portal:secretariat_interests")).status_code == 403


@pytest.mark.django_db
def test_member_is_told_where_to_withdraw(client, sw, colleague):
    item = sw.items[1]
    ItemConcern.objects.create(item=item, organisation="Les Amis du THEATRE")
    ItemConcern.objects.create(item=sw.items[2], organisation="Club de football")
    Interest.objects.create(member=sw.members[1], organisation="Les amis du théâtre", role="Trésorier")
    Interest.objects.create(member=sw.members[1], organisation="Club de football",
                            until=timezone.localdate() - datetime.timedelta(days=1))  # ended before the sitting
    client.force_login(colleague)
    url = reverse("portal:sitting", args=[sw.sitting.slug])
    assert "Vous devrez vous retirer" not in client.get(url).content.decode()  # agenda not sent yet
    convene(sw.sitting)
    html = client.get(url).content.decode()
    assert "Vous devrez vous retirer pour :" in html
    warning = html.split('id="withdrawals"')[1].split("</div>")[0]
    assert item.title in warning and "Les Amis du THEATRE" in warning
    assert sw.items[2].title not in warning
    home = client.get(reverse("portal:home")).content.decode()
    assert "vous devrez vous retirer pour : " + item.title in home
