"""Publication actions: publish (rights, what is published), masking (the original untouched),
withdrawal, notification to partners with proof of opening."""

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from hemicycle.acts.actions import create_act
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.publication import actions
from hemicycle.publication.masking import MASK, PUBLISHED_MENTION
from hemicycle.publication.models import Publication
from hemicycle.publication.testing import make_signed_final

from .conftest import pdf_text


def test_publish_puts_the_signed_original_online_with_author_and_date(portal):
    publication = actions.publish(portal.secretariat, portal.budget)
    assert publication.pdf_sha256 == portal.budget_doc.signed_sha256
    assert publication.masked is False
    signature = portal.budget_doc.signatures.get()
    assert (publication.author_name, publication.author_capacity) == (signature.signer_name, signature.capacity)
    assert publication.author_name == "Anne Lefèvre"  # the president of the sitting
    assert publication.author_capacity
    assert publication.sitting == portal.decided.sitting
    assert publication.number == portal.budget_doc.number
    assert publication.decision_date == portal.decided.sitting.date
    assert publication.published_by == portal.secretariat
    assert actions.is_published(portal.budget)
    entry = JournalEntry.objects.get(action="publication.published")
    assert entry.data["pdf_sha256"] == portal.budget_doc.signed_sha256


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.APPROVER, Role.SIGNATORY, Role.ADMINISTRATOR, Role.MEMBER,
                                  Role.PARTNER])
def test_only_the_secretariat_publishes(portal, role):
    with pytest.raises(PermissionDenied):
        actions.publish(portal.world.users[role], portal.budget)
    assert not Publication.objects.exists()


def test_another_authority_cannot_publish(portal, other_world):
    with pytest.raises(PermissionDenied):
        actions.publish(other_world.users[Role.SECRETARIAT], portal.budget)


def test_individual_act_is_not_published_but_notified(portal):
    world = portal.world
    act = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], nature="AI",
                     object="Arrêté individuel portant nomination", articles=["Est nommé…"])
    make_signed_final(act)
    with pytest.raises(actions.PublicationRefused) as exc:
        actions.publish(portal.secretariat, act)
    assert exc.value.notify is True
    assert "notifié" in exc.value.messages[0] and "L2131-1" in exc.value.messages[0]
    assert not Publication.objects.exists()
    # …and it can be notified
    notification = actions.notify_partner(portal.secretariat, act, name="M. X", email="x@example.org")
    assert notification.pdf_sha256 == act.final.signed_sha256


def test_confidential_act_is_not_published(portal):
    portal.budget.confidential = True
    portal.budget.save(update_fields=["confidential"])
    with pytest.raises(actions.PublicationRefused, match="confidentiel"):
        actions.publish(portal.secretariat, portal.budget)


def test_unsigned_or_missing_final_is_not_published(portal):
    portal.budget_doc.state = portal.budget_doc.State.RENDERED
    portal.budget_doc.save(update_fields=["state"])
    with pytest.raises(actions.PublicationRefused, match="signé"):
        actions.publish(portal.secretariat, portal.budget)
    with pytest.raises(actions.PublicationRefused, match="signé"):
        actions.publish(portal.secretariat, portal.rejected)  # rejected: no final document at all


def test_publishing_twice_is_refused(portal):
    actions.publish(portal.secretariat, portal.budget)
    with pytest.raises(actions.PublicationRefused, match="déjà publié"):
        actions.publish(portal.secretariat, portal.budget)
    assert Publication.objects.count() == 1


def test_suggestions_find_the_private_person_not_the_member(portal):
    found = {(s.kind, s.text) for s in actions.suggestions(portal.subsidy)}
    assert ("person", "M. Jean Dupont") in found
    assert ("address", "12 rue des Lilas, 75011 Paris") in found
    assert not any("Lefèvre" in text for _kind, text in found)


def test_masking_leaves_the_signed_original_untouched_and_removes_the_text(portal):
    document = portal.subsidy_doc
    original_sha = document.signed_sha256
    original = blobs.get(original_sha)
    assert "Dupont" in pdf_text(original) and "Lilas" in pdf_text(original)

    actions.add_masking(portal.secretariat, portal.subsidy, text="M. Jean Dupont", kind="person")
    actions.add_masking(portal.secretariat, portal.subsidy, text="12 rue des Lilas, 75011 Paris", field="considerants")
    actions.add_masking(portal.secretariat, portal.subsidy, text="Les Amis du Moulin", field="object")
    publication = actions.publish(portal.secretariat, portal.subsidy)

    assert publication.masked is True
    assert publication.pdf_sha256 != original_sha
    assert publication.source_sha256 == original_sha
    masked_pdf = blobs.get(publication.pdf_sha256)
    text = pdf_text(masked_pdf)
    assert "Dupont" not in text and "Lilas" not in text and "Moulin" not in text
    assert MASK in text
    assert PUBLISHED_MENTION in text
    assert "Anne Lefèvre" in text  # members stay
    assert publication.object == f"Subvention à l'association {MASK}"
    # The signed original: same record, same bytes, same hash.
    document.refresh_from_db()
    assert document.signed_sha256 == original_sha
    assert hashlib.sha256(blobs.get(original_sha)).hexdigest() == original_sha
    assert blobs.get(original_sha) == original


def test_masking_a_passage_that_is_not_in_the_act_is_refused(portal):
    with pytest.raises(ValidationError) as exc:
        actions.add_masking(portal.secretariat, portal.subsidy, text="Mme Inconnue")
    assert "ne figure pas" in exc.value.message_dict["text"][0]
    with pytest.raises(ValidationError):  # present in the act, but not in the object
        actions.add_masking(portal.secretariat, portal.subsidy, text="M. Jean Dupont", field="object")
    actions.add_masking(portal.secretariat, portal.subsidy, text="M. Jean Dupont")
    with pytest.raises(ValidationError, match="déjà"):
        actions.add_masking(portal.secretariat, portal.subsidy, text="M. Jean Dupont")
    with pytest.raises(PermissionDenied):
        actions.add_masking(portal.world.users[Role.DRAFTER], portal.subsidy, text="Les Amis du Moulin")


def test_masking_after_publication_updates_the_published_copy(portal):
    publication = actions.publish(portal.secretariat, portal.subsidy)
    assert publication.pdf_sha256 == portal.subsidy_doc.signed_sha256
    mask = actions.add_masking(portal.secretariat, portal.subsidy, text="M. Jean Dupont")
    publication.refresh_from_db()
    assert publication.masked and publication.pdf_sha256 != portal.subsidy_doc.signed_sha256
    assert "Dupont" not in pdf_text(blobs.get(publication.pdf_sha256))
    assert JournalEntry.objects.filter(action="publication.copy_updated").count() == 1
    actions.remove_masking(portal.secretariat, mask)
    publication.refresh_from_db()
    assert not publication.masked and publication.pdf_sha256 == portal.subsidy_doc.signed_sha256


def test_withdraw_and_publish_again(portal):
    actions.publish(portal.secretariat, portal.budget)
    with pytest.raises(ValidationError):
        actions.withdraw(portal.secretariat, portal.budget, reason=" ")
    actions.withdraw(portal.secretariat, portal.budget, reason="Annulé par le tribunal administratif")
    assert not actions.is_published(portal.budget)
    actions.publish(portal.secretariat, portal.budget)
    assert actions.is_published(portal.budget)
    assert Publication.objects.count() == 1


def test_publish_many_reports_each_refusal(portal):
    world = portal.world
    individual = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"], nature="AI",
                            object="Arrêté individuel", articles=["X"])
    make_signed_final(individual)
    done, refused = actions.publish_many(portal.secretariat, [portal.budget, portal.subsidy, individual])
    assert len(done) == 2
    assert [(a.pk, "notifié" in reason) for a, reason in refused] == [(individual.pk, True)]


def test_notification_sends_a_personal_link_and_records_openings(portal, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = actions.notify_partner(portal.secretariat, portal.subsidy,
                                              name="Association Les Amis du Moulin",
                                              email="contact@amis-du-moulin.example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["contact@amis-du-moulin.example.org"]
    assert portal.subsidy.reference in message.subject
    link = f"/acte-notifie/{notification.token}/"
    assert link in message.body
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.opened_at is None

    response = client.get(link)
    assert response.status_code == 200
    assert portal.subsidy.reference in response.content.decode()
    notification.refresh_from_db()
    first = notification.opened_at
    assert first is not None and notification.opened_count == 1
    client.get(link)
    notification.refresh_from_db()
    assert notification.opened_at == first and notification.opened_count == 2
    assert JournalEntry.objects.filter(action="publication.notification_opened").count() == 1

    pdf = client.get(f"{link}pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == portal.subsidy_doc.signed_sha256
    assert client.get("/acte-notifie/inconnu/").status_code == 404


def test_notification_needs_a_valid_address_and_a_signed_act(portal):
    with pytest.raises(ValidationError) as exc:
        actions.notify_partner(portal.secretariat, portal.subsidy, name="", email="pas-une-adresse")
    assert set(exc.value.message_dict) == {"name", "email"}
    with pytest.raises(actions.PublicationRefused):
        actions.notify_partner(portal.secretariat, portal.rejected, name="X", email="x@example.org")
    with pytest.raises(PermissionDenied):
        actions.notify_partner(portal.world.users[Role.DRAFTER], portal.subsidy, name="X", email="x@example.org")
