from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The members' portal (what ODS gave Paris members): sittings, documents, proxies, interests."""

    name = "hemicycle.portal"
    label = "portal"
