"""Background work of the legality control (django.tasks; ``hemicycle db_worker`` runs it).

- ``send_transmission_task``: post one transmission to the operator, enqueued when the
  secretariat clicks "Transmettre" (after the transaction commits). A failure leaves the row
  ``to_send`` with ``next_try_at`` pushed back exponentially; the periodic poll retries it.
- ``poll_transmissions``: the periodic task (settings.HEMICYCLE_PERIODIC_TASKS, enqueued by
  ``hemicycle run_scheduler``): posts due transmissions, reads the statuses (ARActe, anomalies)
  and fetches the prefecture's letters, for every authority.
- ``poll_authority_task``: the same for one authority, from the dashboard's "Interroger
  l'opérateur" button.
"""

from django.tasks import task


@task()
def send_transmission_task(transmission_id: int) -> str:
    from .actions import send_transmission

    return send_transmission(transmission_id).state


@task()
def poll_transmissions() -> dict:
    from .actions import poll_all

    return poll_all()


@task()
def poll_authority_task(authority_id: int) -> dict:
    from hemicycle.organisation.models import Authority

    from .actions import poll_authority

    return poll_authority(Authority.objects.get(pk=authority_id))
