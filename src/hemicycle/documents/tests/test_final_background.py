"""Rendering a sitting's final documents in the background: chunks of jobs as tasks after
commit, progress shown by a fragment htmx polls while documents wait, signatories notified
once all are rendered; stale jobs are skipped and a failure is shown in French."""

import pytest
from django.tasks.signals import task_enqueued
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.documents import final
from hemicycle.documents.models import FinalDocument
from hemicycle.documents.render import RenderError
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification

from .final_helpers import decided_world

pytestmark = pytest.mark.django_db


def _generate(client, sitting, capture, execute=True):
    with capture(execute=execute):
        return client.post(reverse("documents:sitting_finals_generate", args=[sitting.slug]))


def test_generation_runs_in_tasks_and_progress_reaches_100(world, client, django_capture_on_commit_callbacks,
                                                           monkeypatch):
    decided = decided_world(world, secret_adopted=True)
    monkeypatch.setattr(final, "CHUNK_SIZE", 2)  # three documents → two tasks
    enqueued = []

    def on_enqueued(sender, task_result, **kwargs):
        if task_result.task.name == "render_final_documents":
            enqueued.append(task_result.args[0])

    task_enqueued.connect(on_enqueued)
    try:
        client.force_login(world.users[Role.SECRETARIAT])
        response = _generate(client, decided.sitting, django_capture_on_commit_callbacks)
    finally:
        task_enqueued.disconnect(on_enqueued)
    assert response.status_code == 302
    assert [len(jobs) for jobs in enqueued] == [2, 1]
    documents = FinalDocument.objects.filter(item__sitting=decided.sitting)
    assert documents.count() == 3 and {d.state for d in documents} == {FinalDocument.State.RENDERED}

    progress = client.get(reverse("documents:sitting_finals_progress", args=[decided.sitting.slug]),
                          headers={"HX-Request": "true"})
    html = progress.content.decode()
    assert 'hx-trigger="every 1s"' not in html and 'value="100"' in html and progress["HX-Refresh"] == "true"
    page = client.get(reverse("documents:sitting_finals", args=[decided.sitting.slug])).content.decode()
    for act in decided.adopted:
        assert act.reference in page and reverse("documents:final_pdf", args=[act.slug]) in page
    assert "Générer les actes définitifs" in page
    # Signatories are told once that the sitting's documents wait for them.
    signatory = world.users[Role.SIGNATORY]
    assert Notification.objects.filter(user=signatory).count() == 1
    assert JournalEntry.objects.filter(action="final.sitting_rendered").count() == 1
    assert JournalEntry.objects.filter(action="final.rendered").count() == 3


def test_fragment_polls_while_documents_wait(world, client, django_capture_on_commit_callbacks):
    decided = decided_world(world)
    client.force_login(world.users[Role.SECRETARIAT])
    _generate(client, decided.sitting, django_capture_on_commit_callbacks, execute=False)  # no worker yet
    assert set(FinalDocument.objects.values_list("state", flat=True)) == {FinalDocument.State.PENDING}
    html = client.get(reverse("documents:sitting_finals_progress", args=[decided.sitting.slug])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "0 sur 2" in html and 'value="0"' in html
    page = client.get(reverse("documents:sitting_finals", args=[decided.sitting.slug])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    # The worker renders one chunk: the fragment shows the progress.
    document = FinalDocument.objects.order_by("number").first()
    data, _ = final.document_data(document)
    assert final.run_jobs([[document.pk, document.source_sha256, data]]) == {"rendered": 1, "skipped": 0, "failed": 0}
    html = client.get(reverse("documents:sitting_finals_progress", args=[decided.sitting.slug])).content.decode()
    assert "1 sur 2" in html and 'value="50"' in html


def test_stale_and_repeated_jobs_are_skipped(world):
    decided = decided_world(world)
    documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    document = documents[0]
    data, _ = final.document_data(document)
    assert final.run_jobs([[document.pk, "0" * 64, data]])["skipped"] == 1  # prepared again since
    assert final.run_jobs([[document.pk, document.source_sha256, data]])["rendered"] == 1
    assert final.run_jobs([[document.pk, document.source_sha256, data]])["skipped"] == 1  # a duplicate task


def test_a_failed_document_does_not_stop_the_others(world, client, django_capture_on_commit_callbacks, monkeypatch):
    decided = decided_world(world)
    real = final.render_final_pdf

    def broken_for_budget(data):
        if data["number"] == 1:
            raise RenderError("typst: unexpected")
        return real(data)

    monkeypatch.setattr(final, "render_final_pdf", broken_for_budget)
    client.force_login(world.users[Role.SECRETARIAT])
    _generate(client, decided.sitting, django_capture_on_commit_callbacks)
    states = dict(FinalDocument.objects.values_list("number", "state"))
    assert states == {1: FinalDocument.State.FAILED, 2: FinalDocument.State.RENDERED}
    page = client.get(reverse("documents:sitting_finals", args=[decided.sitting.slug])).content.decode()
    assert "n'a pas pu être généré" in page and "La génération du document a échoué" in page
    # Generating again retries the failed one only.
    monkeypatch.setattr(final, "render_final_pdf", real)
    _generate(client, decided.sitting, django_capture_on_commit_callbacks)
    assert set(FinalDocument.objects.values_list("state", flat=True)) == {FinalDocument.State.RENDERED}
    assert JournalEntry.objects.filter(action="final.prepared").last().data["to_render"] == 1


def test_generating_again_without_change_is_a_no_op(world, client, django_capture_on_commit_callbacks):
    decided = decided_world(world)
    client.force_login(world.users[Role.SECRETARIAT])
    _generate(client, decided.sitting, django_capture_on_commit_callbacks)
    shas = dict(FinalDocument.objects.values_list("pk", "pdf_sha256"))
    response = _generate(client, decided.sitting, django_capture_on_commit_callbacks)
    assert dict(FinalDocument.objects.values_list("pk", "pdf_sha256")) == shas
    page = client.get(response["Location"]).content.decode()
    assert "rien à régénérer" in page
    assert JournalEntry.objects.filter(action="final.rendered").count() == 2


def test_large_chunks_are_rendered_by_worker_processes(world, monkeypatch):
    from hemicycle.core import blobs

    from .helpers import flat, pdf_text

    decided = decided_world(world)
    documents = final.prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    jobs = [[d.pk, d.source_sha256, final.document_data(d)[0]] for d in documents]
    monkeypatch.setattr(final, "PARALLEL_FROM", 2)
    try:
        assert final.run_jobs(jobs, processes=2) == {"rendered": 2, "skipped": 0, "failed": 0}
        assert final._pool_state.get("pool") is not None  # kept for the next task
    finally:
        final._drop_pool()
    for document in FinalDocument.objects.order_by("number"):
        assert document.state == FinalDocument.State.RENDERED
        text = flat(pdf_text(blobs.get(document.pdf_sha256)))
        assert flat(f"Délibération n° {document.number}") in text and document.act.reference.replace(" ", "") in text
    # The same bytes as rendered here: the document is a function of its data.
    first = FinalDocument.objects.order_by("number").first()
    assert blobs.get(first.pdf_sha256) == final.render_final_pdf(jobs[0][2])
