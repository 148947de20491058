"""What the worker processes rendering final documents run (``final.run_jobs`` on a large
sitting). Kept apart from the models: a spawned worker imports this module to find ``init``
before Django is set up, which ``init`` then does."""

import os


def init(language: str) -> None:
    """A fresh worker: Django configured (labels are already in the data), same language."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemicycle.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(language)


def render(data: dict) -> bytes:
    from hemicycle.documents.final import render_final_pdf

    return render_final_pdf(data)
