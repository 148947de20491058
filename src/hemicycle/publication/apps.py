from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """Public portal (R2131-1), Atom feeds, masked publication copies, notification to partners."""

    name = "hemicycle.publication"
    label = "publication"
