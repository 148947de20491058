"""Vœux filed by a member for their group, for a sitting ahead, listed in "Mes vœux"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification
from hemicycle.organisation.models import PoliticalGroup
from hemicycle.portal.actions import file_motion
from hemicycle.sittings.models import Motion, Sitting

from .helpers import member_user


@pytest.mark.django_db
def test_file_a_motion_for_the_group(world, sw, colleague):
    member = sw.members[1]
    motion = file_motion(colleague, member, sw.sitting, title="Vœu relatif aux pistes cyclables",
                         considerants=["Considérant la sécurité des enfants", ""], text="Le conseil émet le vœu…")
    assert motion.group == member.group and motion.filed_by == colleague and motion.state == Motion.State.FILED
    assert motion.considerants == ["Considérant la sécurité des enfants"]
    assert motion.target.sitting == sw.sitting
    assert JournalEntry.objects.filter(action="sitting.motion_filed", object_id=str(sw.sitting.pk)).exists()
    assert Notification.objects.filter(user=world.users[Role.SECRETARIAT], message__contains="pistes cyclables").exists()


@pytest.mark.django_db
def test_motion_rules(world, sw, colleague):
    member = sw.members[1]
    with pytest.raises(ValidationError) as exc:
        file_motion(colleague, member, sw.sitting, title="", considerants=[], text="")
    assert {"title", "text"} <= set(exc.value.error_dict)
    past_day = timezone.localdate() - datetime.timedelta(days=2)
    past = Sitting.objects.create(authority=world.authority, assembly=sw.assembly, slug=past_day.isoformat(),
                                  date=past_day, state=Sitting.State.CLOSED)
    with pytest.raises(ValidationError) as exc:
        file_motion(colleague, member, past, title="Trop tard", considerants=[], text="Texte")
    assert "sitting" in exc.value.error_dict
    member.group = None
    member.save()
    with pytest.raises(ValidationError) as exc:
        file_motion(colleague, member, sw.sitting, title="Sans groupe", considerants=[], text="Texte")
    assert "aucun groupe politique" in " ".join(exc.value.messages)


@pytest.mark.django_db
def test_motion_pages(client, world, sw, colleague):
    client.force_login(colleague)
    form = client.get(reverse("portal:motion_new") + f"?seance={sw.sitting.slug}").content.decode()
    assert f'<option value="{sw.sitting.pk}" selected>' in form
    bad = client.post(reverse("portal:motion_new"), {"sitting": sw.sitting.pk, "title": "Vœu sur les cantines",
                                                     "considerants": "Considérant A", "text": ""})
    assert bad.status_code == 400
    assert 'value="Vœu sur les cantines"' in bad.content.decode() and "Considérant A" in bad.content.decode()
    ok = client.post(reverse("portal:motion_new"), {
        "sitting": sw.sitting.pk, "title": "Vœu sur les cantines",
        "considerants": "Considérant A\r\n\r\nConsidérant B", "text": "Le conseil émet le vœu que…"})
    assert ok.status_code == 302
    motion = Motion.objects.get()
    assert motion.considerants == ["Considérant A", "Considérant B"]
    listing = client.get(reverse("portal:motions")).content.decode()
    assert "Vœu sur les cantines" in listing and "Demandé pour la séance du" in listing
    # A colleague of the same group sees it in "Mes vœux"; a member of another group does not.
    client.force_login(world.users[Role.MEMBER])
    assert "Vœu sur les cantines" in client.get(reverse("portal:motions")).content.decode()
    other_group = PoliticalGroup.objects.create(authority=world.authority, name="Opposition", short_name="OPP")
    sw.members[3].group = other_group
    sw.members[3].save()
    client.force_login(member_user(world, sw.members[3], "elu-opposition"))
    assert "Vœu sur les cantines" not in client.get(reverse("portal:motions")).content.decode()
    # The secretariat's list shows the sitting asked for.
    client.force_login(world.users[Role.SECRETARIAT])
    html = client.get(reverse("portal:secretariat_motions")).content.decode()
    assert "Vœu sur les cantines" in html and sw.sitting.date.strftime("%d/%m/%Y") in html
