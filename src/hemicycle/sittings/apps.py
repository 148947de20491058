from django.apps import AppConfig


class SittingsConfig(AppConfig):
    name = "hemicycle.sittings"
    label = "sittings"
