from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    """The register of deliberations, SEDA 2.3 transfers and fixity audits."""

    name = "hemicycle.archives"
    label = "archives"
