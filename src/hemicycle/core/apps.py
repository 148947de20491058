from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hemicycle.core"
    label = "core"
