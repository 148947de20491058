from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Open data: SCDL deliberations export and the OParl 1.1 read-only API."""

    name = "hemicycle.opendata"
    label = "opendata"

    def ready(self):
        from . import stamps

        stamps.connect()
