"""Background work of the archives.

``fixity_check`` re-reads every stored file and journals the result ("fixity.checked"); the
scheduler (`hemicycle run_scheduler`) enqueues it weekly from ``settings.HEMICYCLE_PERIODIC_TASKS``.
"""

from django.tasks import task

from . import fixity


@task()
def fixity_check() -> dict:
    report = fixity.check()
    fixity.record_result(report)
    return report.counts()
