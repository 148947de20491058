from django.apps import AppConfig


class LegalityConfig(AppConfig):
    """Legality control (@CTES): messages, transmission operators, the prefecture simulator."""

    name = "hemicycle.legality"
    label = "legality"
