"""Background work of the sittings (django.tasks; ``hemicycle db_worker`` runs it in the
embedded mode, the ImmediateBackend runs it inline in tests).

- ``generate_convocation_documents``: the letter, the note explicative de synthèse, the agenda
  and the sitting pack of a convocation, with its progress (0–100) on ``Convocation.progress``.
- ``send_convocation_emails``: the personal link to each member convened by e-mail, once the
  sending transaction has committed.
"""

from django.tasks import task


@task()
def generate_convocation_documents(convocation_id: int) -> str:
    from .actions.convocation import run_generation

    return run_generation(convocation_id)


@task()
def send_convocation_emails(convocation_id: int) -> int:
    from .actions.convocation import deliver_emails

    return deliver_emails(convocation_id)
