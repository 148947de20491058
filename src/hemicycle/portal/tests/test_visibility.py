"""Who sees what in the portal: nothing before the convocation is sent, items added later
only with their addendum, huis clos to the assembly's members, confidential documents to the
committees the act is sent to and the president; 403 for non-members, 404 across authorities."""

import datetime

import pytest
from django.urls import reverse

from hemicycle.acts.models import Annex
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.organisation.models import Committee
from hemicycle.sittings.models import AgendaItem, Assembly, Convocation, Sitting
from hemicycle.sittings.testing import ready_act

from .helpers import convene, member_user, pdf_pages

PACK = pdf_pages("Ordre du jour", "Projet de délibération")


def _doc(sitting, key, name="portal:document"):
    return reverse(name, args=[sitting.slug, key])


@pytest.mark.django_db
def test_nothing_before_the_convocation_is_sent(client, sw, colleague):
    draft = convene(sw.sitting, pack=PACK, state=Convocation.State.READY)
    item = sw.items[0]
    client.force_login(colleague)
    page = client.get(reverse("portal:sitting", args=[sw.sitting.slug]))
    assert page.status_code == 200
    assert "pas encore été envoyée" in page.content.decode()
    assert item.title not in page.content.decode()
    assert client.get(_doc(sw.sitting, f"dossier-{draft.pk}")).status_code == 404
    assert client.get(_doc(sw.sitting, f"acte-{item.pk}", "portal:document_file")).status_code == 404

    draft.state = Convocation.State.SENT
    draft.save()
    for it in sw.items:
        it.on_convocation = True
        it.save()
    page = client.get(reverse("portal:sitting", args=[sw.sitting.slug]))
    assert item.title in page.content.decode()
    response = client.get(_doc(sw.sitting, f"dossier-{draft.pk}", "portal:document_file"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == PACK


@pytest.mark.django_db
def test_item_added_later_waits_for_its_addendum(client, world, sw, colleague):
    convene(sw.sitting, pack=PACK)
    late_act = ready_act(world, "Point ajouté après la convocation")
    late = AgendaItem.objects.create(sitting=sw.sitting, position=9, act=late_act, title=late_act.object)
    client.force_login(colleague)
    url = reverse("portal:sitting", args=[sw.sitting.slug])
    assert "Point ajouté après la convocation" not in client.get(url).content.decode()
    assert client.get(_doc(sw.sitting, f"acte-{late.pk}", "portal:document_file")).status_code == 404

    # An addendum still being prepared does not show it either.
    addendum = convene(sw.sitting, items=[late], kind=Convocation.Kind.ADDENDUM, state=Convocation.State.READY)
    assert "Point ajouté après la convocation" not in client.get(url).content.decode()
    addendum.state = Convocation.State.SENT
    addendum.save()
    assert "Point ajouté après la convocation" in client.get(url).content.decode()


@pytest.mark.django_db
def test_huis_clos_sitting_is_shown_to_the_assembly_members(client, sw, colleague):
    sw.sitting.public = False
    sw.sitting.save()
    conv = convene(sw.sitting, pack=PACK)
    client.force_login(colleague)
    page = client.get(reverse("portal:sitting", args=[sw.sitting.slug]))
    assert page.status_code == 200
    assert "Huis clos" in page.content.decode()
    assert client.get(_doc(sw.sitting, f"dossier-{conv.pk}", "portal:document_file")).status_code == 200


@pytest.mark.django_db
def test_committee_sittings_only_for_the_committee_members(client, world, sw, colleague):
    committee = Committee.objects.create(authority=world.authority, name="Commission des finances", short_name="FIN")
    assembly = Assembly.objects.create(authority=world.authority, kind=Assembly.Kind.COMMITTEE,
                                       name="Commission des finances", committee=committee)
    day = sw.sitting.date - datetime.timedelta(days=7)
    sitting = Sitting.objects.create(authority=world.authority, assembly=assembly, slug=f"{day}-fin", date=day)
    url = reverse("portal:sitting", args=[sitting.slug])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert sitting.slug not in client.get(reverse("portal:sittings")).content.decode()
    sw.members[1].committees.add(committee)
    assert client.get(url).status_code == 200
    assert sitting.slug in client.get(reverse("portal:sittings")).content.decode()


@pytest.mark.django_db
def test_confidential_act_for_its_committees_and_the_president(client, world, sw, colleague):
    act = sw.acts[0]
    act.confidential = True
    act.save()
    act.committees.add(world.committee)
    conv = convene(sw.sitting, pack=PACK)
    item = sw.items[0]
    file_url = _doc(sw.sitting, f"acte-{item.pk}", "portal:document_file")

    client.force_login(colleague)  # not in the committee, not the president
    page = client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
    assert item.title in page  # the title is on the convocation
    assert "Document confidentiel" in page
    denied = client.get(file_url)
    assert denied.status_code == 403
    assert "CULT" in denied.content.decode()
    # The pack holds the confidential act: withheld too, the other documents stay readable.
    assert client.get(_doc(sw.sitting, f"dossier-{conv.pk}", "portal:document_file")).status_code == 403
    assert "contient des documents confidentiels" in page
    assert client.get(_doc(sw.sitting, f"acte-{sw.items[1].pk}", "portal:document_file")).status_code == 200

    sw.members[1].committees.add(world.committee)
    assert client.get(file_url).status_code == 200
    assert client.get(_doc(sw.sitting, f"dossier-{conv.pk}", "portal:document_file")).status_code == 200

    client.force_login(world.users[Role.MEMBER])  # the president
    assert client.get(file_url).status_code == 200


@pytest.mark.django_db
def test_confidential_annex(client, world, sw, colleague):
    act = sw.acts[1]
    sha = blobs.put(PACK)
    public = Annex.objects.create(act=act, title="Plan de situation", original_name="plan.pdf",
                                  mime_type="application/pdf", size=len(PACK), sha256=sha,
                                  uploaded_by=world.users[Role.DRAFTER])
    secret = Annex.objects.create(act=act, title="Liste nominative", original_name="liste.pdf",
                                  mime_type="application/pdf", size=len(PACK), sha256=sha, confidential=True,
                                  uploaded_by=world.users[Role.DRAFTER])
    removed = Annex.objects.create(act=act, title="Ancienne version", original_name="old.pdf",
                                   mime_type="application/pdf", size=len(PACK), sha256=sha,
                                   uploaded_by=world.users[Role.DRAFTER])
    removed.removed_at = removed.uploaded_at
    removed.save()
    act.committees.add(world.committee)
    conv = convene(sw.sitting, pack=PACK)
    client.force_login(colleague)
    page = client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
    assert "Plan de situation" in page
    assert "Liste nominative" not in page
    assert "Ancienne version" not in page
    assert "1 annexe confidentielle non communiquée" in page
    assert client.get(_doc(sw.sitting, f"annexe-{public.pk}", "portal:document_file")).status_code == 200
    assert client.get(_doc(sw.sitting, f"annexe-{secret.pk}", "portal:document_file")).status_code == 403
    assert client.get(_doc(sw.sitting, f"annexe-{removed.pk}", "portal:document_file")).status_code == 404
    assert client.get(_doc(sw.sitting, f"dossier-{conv.pk}", "portal:document_file")).status_code == 403
    sw.members[1].committees.add(world.committee)
    assert client.get(_doc(sw.sitting, f"annexe-{secret.pk}", "portal:document_file")).status_code == 200


@pytest.mark.django_db
def test_annex_of_an_act_not_on_this_sitting_is_404(client, world, sw, colleague):
    other = ready_act(world, "Acte hors séance")
    annex = Annex.objects.create(act=other, title="Hors séance", original_name="x.pdf", mime_type="application/pdf",
                                 size=len(PACK), sha256=blobs.put(PACK), uploaded_by=world.users[Role.DRAFTER])
    convene(sw.sitting, pack=PACK)
    client.force_login(colleague)
    assert client.get(_doc(sw.sitting, f"annexe-{annex.pk}", "portal:document_file")).status_code == 404
    assert client.get(_doc(sw.sitting, "inconnu-12")).status_code == 404
    assert client.get(_doc(sw.sitting, "acte-99999999999999999999999")).status_code == 404


@pytest.mark.django_db
def test_non_members_get_403(client, world, sw):
    convene(sw.sitting, pack=PACK)
    for role in (Role.SECRETARIAT, Role.DRAFTER, Role.ADMINISTRATOR, Role.PARTNER):
        client.force_login(world.users[role])
        assert client.get(reverse("portal:home")).status_code == 403
        assert client.get(reverse("portal:sitting", args=[sw.sitting.slug])).status_code == 403
    # The member role without a member record: a 403 that says why.
    orphan = make_user(world.authority, "elu-sans-fiche", [Role.MEMBER])
    client.force_login(orphan)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 403
    assert "rattaché à aucun élu" in response.content.decode()


@pytest.mark.django_db
def test_other_authority_gets_404(client, sw, other_world):
    conv = convene(sw.sitting, pack=PACK)
    outsider = member_user(other_world, other_world.members[1], "elu-autreville")
    client.force_login(outsider)
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:sitting", args=[sw.sitting.slug])).status_code == 404
    assert client.get(_doc(sw.sitting, f"dossier-{conv.pk}", "portal:document_file")).status_code == 404
    assert client.get(reverse("portal:search", args=[sw.sitting.slug]) + "?q=ordre").status_code == 404
