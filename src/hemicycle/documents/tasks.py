"""Background work of the documents (django.tasks; ``hemicycle db_worker`` runs it, several
workers in parallel on PostgreSQL; the ImmediateBackend runs it inline in tests).

- ``render_final_documents``: a chunk of a sitting's final documents (``final.prepare_finals``
  splits the sitting into chunks of ``final.CHUNK_SIZE``), each job ``[document id, source
  SHA-256, render data]``; progress is read from the documents' states (``final.sitting_progress``).
"""

from django.tasks import task


@task()
def render_final_documents(jobs: list) -> dict:
    from .final import run_jobs

    return run_jobs(jobs)
