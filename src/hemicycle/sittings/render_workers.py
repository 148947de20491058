"""What the worker processes of a large sitting pack run (``convocation_documents.rendered_acts``).

Kept apart from the models: a spawned worker imports this module to find its functions before
Django is set up, which ``init`` then does.
"""

import os


def init(language: str) -> None:
    """A fresh worker: Django configured (the templates' texts are translated), same language."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemicycle.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(language)


def render_act(data: dict) -> bytes:
    from hemicycle.documents.render import render_act_pdf

    return render_act_pdf(data)
